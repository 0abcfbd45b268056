import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// docker-compose.yml is only validated here (`docker-compose config`): its images cannot be pulled on a test machine.
const ROOT = new URL('../..', import.meta.url).pathname;

type Service = {
  command?: string[] | string;
  container_name?: string;
  ports?: unknown[];
  volumes?: (string | { source?: string; target?: string })[];
};

function composeConfig(...extra: string[]): string {
  return execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', ...extra], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The resolved file. Compose v2 prints JSON on request; Debian's 1.29 has no --format (prints usage, exits 0). */
function loadConfig(): { services: Record<string, Service> } {
  let out = '';
  try {
    out = composeConfig('--format', 'json');
  } catch {
    // an unknown flag: fall back to YAML below
  }
  return parse(out.trim().startsWith('{') ? out : composeConfig());
}

const mounts = (service: Service) =>
  (service.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));

describe('docker-compose.yml', () => {
  let services: Record<string, Service>;
  beforeAll(() => {
    services = loadConfig().services; // throws when docker-compose rejects the file
  });

  it('defines Temporal on PostgreSQL, its UI, a registry, the API and workers', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'registry', 'api', 'worker']),
    );
  });

  it('lets workers scale and build on their host Docker engine', () => {
    const worker = services.worker!;
    expect(mounts(worker).some((m) => m.startsWith('/var/run/docker.sock:/var/run/docker.sock'))).toBe(true);
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
  });

  it('registers the four Keyword search attributes the workflows set', () => {
    const command = [services['temporal-create-namespace']?.command ?? []].flat().join(' ');
    for (const name of ['DispatchOrg', 'DispatchKind', 'DispatchName', 'DispatchStatus']) {
      expect(command).toContain(name);
    }
  });
});
