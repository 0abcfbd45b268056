import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// docker-compose.yml is only validated here (`docker-compose config`): its images cannot be pulled on a test machine.
const ROOT = new URL('../..', import.meta.url).pathname;

type Service = {
  command?: string[] | string;
  network_mode?: string;
  cap_add?: string[];
  container_name?: string;
  ports?: unknown[];
  volumes?: (string | { source?: string; target?: string })[];
};

const PASSWORDS = { POSTGRES_PASSWORD: 'compose-test-only', DISPATCH_DB_PASSWORD: 'compose-test-only' };

function composeConfig(...extra: string[]): string {
  return execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', ...extra], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...withoutPasswords(), ...PASSWORDS },
  });
}

function withoutPasswords(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(PASSWORDS)) delete env[name];
  return env;
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

  it('has no default passwords: without them it refuses, naming the one missing', () => {
    let message = '';
    try {
      execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: withoutPasswords(),
      });
    } catch (err) {
      message = String((err as { stderr?: Buffer }).stderr);
    }
    expect(message).toMatch(/set (POSTGRES_PASSWORD|DISPATCH_DB_PASSWORD)/);
  });

  it('publishes the infrastructure on loopback unless told otherwise', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'registry', 'api']) {
      const ports = (services[name]?.ports ?? []).map((p) => (typeof p === 'string' ? p : JSON.stringify(p)));
      expect(ports.length).toBeGreaterThan(0);
      for (const port of ports) expect(port).toMatch(/127\.0\.0\.1/);
    }
  });

  it('gives workers what the build firewall and the pids limit need on their host', () => {
    const worker = services.worker!;
    expect(worker.network_mode).toBe('host');
    expect(worker.cap_add).toContain('NET_ADMIN');
    expect(mounts(worker).some((m) => m.startsWith('/sys/fs/cgroup:/sys/fs/cgroup'))).toBe(true);
  });
});
