import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// docker-compose.yml is only validated here (`docker-compose config`): its images cannot be pulled on a test machine.
// It is the shape `npm run start:cluster` runs on one machine, for real hosts: the versions come from
// scripts/cluster-lib.sh, the one place they are set.
const ROOT = new URL('../..', import.meta.url).pathname;

type Service = {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number | null>;
  network_mode?: string;
  cap_add?: string[];
  container_name?: string;
  profiles?: string[];
  ports?: unknown[];
  volumes?: (string | { source?: string; target?: string })[];
};

const PASSWORDS = { POSTGRES_PASSWORD: 'compose-test-only', DISPATCH_DB_PASSWORD: 'compose-test-only' };

/** `NAME=value` of scripts/cluster-lib.sh, the versions start:cluster builds. */
function clusterLib(name: string): string {
  const match = readFileSync(join(ROOT, 'scripts/cluster-lib.sh'), 'utf8').match(new RegExp(`^${name}=(\\S+)$`, 'm'));
  if (!match) throw new Error(`${name} is not set in scripts/cluster-lib.sh`);
  return match[1]!;
}

// The file's defaults, not this machine's: only PATH and HOME from the environment, and an empty env file instead of
// a .env someone left next to docker-compose.yml.
const dir = mkdtempSync(join(tmpdir(), 'compose-test-'));
const ENV_FILE = join(dir, 'empty.env');
writeFileSync(ENV_FILE, '');
const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME });

function compose(env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync('docker-compose', ['--env-file', ENV_FILE, '-f', 'docker-compose.yml', 'config', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
}

/** The resolved file. Compose v2 prints JSON on request; Debian's 1.29 has no --format (prints usage, exits 0). */
function loadConfig(): { services: Record<string, Service> } {
  const env = { ...baseEnv(), ...PASSWORDS };
  let out = '';
  try {
    out = compose(env, '--format', 'json');
  } catch {
    // an unknown flag: fall back to YAML below
  }
  return parse(out.trim().startsWith('{') ? out : compose(env));
}

const mounts = (service: Service) =>
  (service.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));

/** Published ports as `address:host:container` (1.29 prints strings, v2 objects). */
const published = (service: Service) =>
  (service.ports ?? []).map((p) => {
    if (typeof p === 'string') return p.replace(/\/tcp$/, '');
    const o = p as { host_ip?: string; published?: string | number; target?: number };
    return `${o.host_ip}:${o.published}:${o.target}`;
  });

const tagOf = (image = '') => image.slice(image.lastIndexOf(':') + 1);

describe('docker-compose.yml', () => {
  let services: Record<string, Service>;
  beforeAll(() => {
    services = loadConfig().services; // throws when docker-compose rejects the file
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defines Temporal on PostgreSQL, its UI, a registry, two APIs and a worker', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'registry', 'api', 'api-2', 'worker']),
    );
  });

  it('runs the Temporal server and UI versions start:cluster builds', () => {
    const server = clusterLib('TEMPORAL_SERVER_VERSION');
    const ui = clusterLib('TEMPORAL_UI_VERSION');
    expect(server).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(ui).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(services.temporal!.image).toBe(`temporalio/server:${server.slice(1)}`);
    expect(services['temporal-ui']!.image).toBe(`temporalio/ui:${ui.slice(1)}`);
    // The admin tools apply the schema of their own server version: the same one.
    for (const name of ['temporal-admin-tools', 'temporal-create-namespace']) {
      expect(tagOf(services[name]!.image).split('-')[0]).toBe(server.slice(1));
    }
  });

  it('keeps persistence and visibility in SQL on the PostgreSQL service', () => {
    const env = services.temporal!.environment!;
    expect(env.DB).toBe('postgres12');
    expect(env.POSTGRES_SEEDS).toBe('postgresql');
    expect(env.DBNAME).toBe('temporal');
    expect(env.VISIBILITY_DBNAME).toBe('temporal_visibility');
    expect(env.ENABLE_ES).toBe('false');
    const schema = readFileSync(join(ROOT, 'deploy/temporal/setup-postgres.sh'), 'utf8');
    for (const step of ['create-database', 'setup-schema -v 0.0', 'update-schema -d "$SCHEMA/$dir/versioned"']) {
      expect(schema).toContain(step);
    }
    expect(schema).toContain('temporal:temporal temporal_visibility:visibility');
  });

  it('registers namespace default with a 72h retention and the four Keyword search attributes', () => {
    const job = services['temporal-create-namespace']!;
    expect(job.environment).toMatchObject({ NAMESPACE: 'default', RETENTION: '72h' });
    const command = [job.command ?? []].flat().join(' ');
    for (const name of ['DispatchOrg', 'DispatchKind', 'DispatchName', 'DispatchStatus']) {
      expect(command).toContain(name);
    }
  });

  it('serves the UI on 8233 and the two APIs on 8080 and 8081 of the host, their metrics on 9461 and 9462', () => {
    expect(published(services['temporal-ui']!)).toEqual(['127.0.0.1:8233:8080']);
    expect(published(services.api!)).toEqual(['127.0.0.1:8080:8080', '127.0.0.1:9461:9461']);
    expect(published(services['api-2']!)).toEqual(['127.0.0.1:8081:8080', '127.0.0.1:9462:9461']);
    expect(String(services.api!.environment!.API_METRICS_PORT)).toBe('9461');
    expect(services['api-2']!.command).toEqual(services.api!.command);
    expect(services['api-2']!.environment).toEqual(services.api!.environment);
  });

  it('runs one worker per Docker host, building on that host engine', () => {
    const worker = services.worker!;
    expect(mounts(worker).some((m) => m.startsWith('/var/run/docker.sock:/var/run/docker.sock'))).toBe(true);
    expect(worker.container_name).toBeDefined(); // compose refuses to scale a service with a fixed name
    expect(worker.ports ?? []).toEqual([]);
    // One per host: the default port cannot clash, and Prometheus finds every worker on its host's 9464.
    expect(worker.environment!.WORKER_METRICS_PORT).toBe('9464');
  });

  it('gives workers what the build firewall and the pids limit need on their host', () => {
    const worker = services.worker!;
    expect(worker.network_mode).toBe('host');
    expect(worker.cap_add).toContain('NET_ADMIN');
    expect(mounts(worker).some((m) => m.startsWith('/sys/fs/cgroup:/sys/fs/cgroup'))).toBe(true);
    expect(worker.environment!.BUILD_BLOCKED_RANGES).toBe('10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10');
  });

  it('keeps the blocked ranges when BUILD_BLOCKED_RANGES is set empty', () => {
    const env = { ...baseEnv(), ...PASSWORDS, BUILD_BLOCKED_RANGES: '' };
    const worker = (parse(compose(env)) as { services: Record<string, Service> }).services.worker!;
    expect(worker.environment!.BUILD_BLOCKED_RANGES).toMatch(/^10\.0\.0\.0\/8,/);
  });

  it('has no default passwords: without them it refuses, naming the one missing', () => {
    let message = '';
    try {
      compose(baseEnv());
    } catch (err) {
      message = String((err as { stderr?: Buffer }).stderr);
    }
    expect(message).toMatch(/set (POSTGRES_PASSWORD|DISPATCH_DB_PASSWORD)/);
  });

  it('publishes the infrastructure on loopback unless told otherwise', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'registry', 'api', 'api-2']) {
      const ports = published(services[name]!);
      expect(ports.length).toBeGreaterThan(0);
      for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('has valid Prometheus scrape configs for the cluster and for compose (promtool)', () => {
    expect(services.prometheus!.profiles).toEqual(['metrics']);
    for (const file of ['deploy/prometheus/cluster.yml', 'deploy/prometheus/compose.yml']) {
      execFileSync('promtool', ['check', 'config', file], { cwd: ROOT, stdio: 'pipe' });
    }
    const targets = (file: string) =>
      (
        parse(readFileSync(join(ROOT, file), 'utf8')) as {
          scrape_configs: { static_configs: { targets: string[] }[] }[];
        }
      ).scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    // start:cluster: two APIs' metrics listeners, workers A and B, the Temporal server (cluster.yaml's 9470).
    const cluster = ['127.0.0.1:9461', '127.0.0.1:9462', '127.0.0.1:9464', '127.0.0.1:9465', '127.0.0.1:9470'];
    expect(targets('deploy/prometheus/cluster.yml').sort()).toEqual(cluster.sort());
    expect(readFileSync(join(ROOT, 'scripts/cluster-lib.sh'), 'utf8')).toMatch(
      /start_api api-1 8080 9461\n\s+start_api api-2 8081 9462/,
    );
    expect(readFileSync(join(ROOT, 'deploy/temporal/cluster.yaml'), 'utf8')).toContain('default "9470"');
    expect(services.temporal!.environment!.PROMETHEUS_ENDPOINT).toBe('0.0.0.0:9470');
  });
});
