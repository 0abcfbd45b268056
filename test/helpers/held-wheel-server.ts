import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuildNetwork } from '../../activities/build-network.js';
import { loadConfig } from '../../config.js';

// A minimal pure-Python wheel, written by the host's python3 (zipfile), so no package index is needed.
const MAKE_WHEEL = `
import sys, zipfile
name, version, out = sys.argv[1:4]
dist = f"{name}-{version}.dist-info"
with zipfile.ZipFile(out, "w") as wheel:
    wheel.writestr(f"{name}/__init__.py", "PROBE = True\\n")
    wheel.writestr(f"{dist}/METADATA", f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n")
    wheel.writestr(f"{dist}/WHEEL", "Wheel-Version: 1.0\\nGenerator: dispatch-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    wheel.writestr(f"{dist}/RECORD", "")
`;

/**
 * Serves one wheel to builds (on the build network's host address, see buildNetworkHostAddress) and holds every download
 * until the gate opens: a build's dependency install stays in progress for as long as the test wants.
 */
export async function startHeldWheelServer(host: string, name = 'dispatch_crash_probe', version = '1.0') {
  const file = `${name}-${version}-py3-none-any.whl`;
  const path = join(mkdtempSync(join(tmpdir(), 'wheel-')), file);
  execFileSync('python3', ['-c', MAKE_WHEEL, name, version, path]);
  const wheel = readFileSync(path);
  let open = false;
  const held: http.ServerResponse[] = [];
  const waiters: Array<() => void> = [];
  const send = (response: http.ServerResponse) =>
    response.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(wheel);

  let requests = 0;
  const server = http.createServer((_request, response) => {
    requests++;
    waiters.splice(0).forEach((notify) => notify());
    if (open) send(response);
    else held.push(response);
  });
  server.listen(0, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}/${file}`;

  return {
    /** For the worker's allow list (BUILD_ALLOWED_HOSTS): the build firewall drops anything else to this host. */
    allowedHost: { host, port },
    /** A requirements.txt line that installs the wheel from this server. */
    requirement: `${name.replace(/_/g, '-')} @ ${url}`,
    /** Downloads asked for since the start (or the last closeGate). */
    requestCount: () => requests,
    /** Resolves once a download was asked for; rejects after `timeoutMs` (a build that failed first never asks). */
    async requested(timeoutMs = 120_000): Promise<void> {
      if (requests > 0) return;
      let timer: NodeJS.Timeout | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          waiters.push(resolve);
          timer = setTimeout(
            () => reject(new Error(`no download of ${file} asked for within ${timeoutMs} ms`)),
            timeoutMs,
          );
        });
      } finally {
        clearTimeout(timer);
      }
    },
    openGate() {
      open = true;
      held.splice(0).forEach(send);
    },
    /** Holds downloads again from now on; `requested()` then waits for a new request. */
    closeGate() {
      open = false;
      requests = 0;
    },
    async close() {
      held.splice(0).forEach((r) => r.destroy());
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * The address builds reach this host at: the host's address on the build network (created here if no worker has
 * yet), read through the Docker API. A build reaches it only when its port is on the worker's allow list.
 */
export async function buildNetworkHostAddress(): Promise<string> {
  const config = loadConfig();
  const network = await ensureBuildNetwork(new Docker({ socketPath: config.DOCKER_SOCKET }), config.BUILD_NETWORK);
  return network.hostAddress;
}
