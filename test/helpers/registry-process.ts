import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './wait.js';

/** A throwaway Debian docker-registry on its own port, so a test can take "the registry" down and up again. */
export async function startOwnRegistry(port: number) {
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const configPath = join(dir, 'config.yml');
  writeFileSync(
    configPath,
    `version: 0.1\nstorage:\n  filesystem: { rootdirectory: ${dir}/data }\nhttp: { addr: 127.0.0.1:${port} }\n`,
  );
  let child: ChildProcess | undefined;
  const registry = {
    port,
    async start() {
      child = spawn('docker-registry', ['serve', configPath], { stdio: 'ignore' });
      await eventually(`registry on port ${port}`, async () =>
        (await fetch(`http://127.0.0.1:${port}/v2/`)).ok ? true : undefined,
      );
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
  await registry.start();
  return registry;
}

export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  return port;
}
