import { once } from 'node:events';
import net from 'node:net';

/**
 * A TCP proxy in front of the registry that holds every connection while its gate is closed. A pull through it
 * stays pending for as long as the test wants, so a crash can be staged mid-pull without sleeping.
 */
export async function startGatedProxy(upstreamPort: number) {
  let open = false;
  const held: net.Socket[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const connectionListeners: Array<() => void> = [];

  const pipe = (client: net.Socket) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  };

  const server = net.createServer((client) => {
    sockets.add(client);
    connections++;
    connectionListeners.splice(0).forEach((notify) => notify());
    if (open) pipe(client);
    else held.push(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    /** Resolves once some client (the Docker daemon) has connected, i.e. a pull through the proxy has begun. */
    async connected(): Promise<void> {
      if (connections > 0) return;
      await new Promise<void>((resolve) => connectionListeners.push(resolve));
    },
    openGate() {
      open = true;
      held.splice(0).forEach(pipe);
    },
    async close() {
      sockets.forEach((s) => s.destroy());
      server.close();
    },
  };
}
