// What `npm run start:cluster` brings up, checked from outside: the Temporal server on PostgreSQL with SQL
// visibility, its Web UI, the build firewall on both Docker engines' build networks, and every metrics endpoint
// read by Debian's promtool. Nothing here kills anything.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bridgeInterfaceOf, type NetworkInspect } from '../../activities/build-network.js';
import { chainsOf, LINK_LOCAL } from '../../activities/build-firewall.js';
import { loadConfig } from '../../config.js';
import { TEMPORAL_CLI } from '../helpers/env.js';
import { expectValidExposition, promtoolCheck } from '../helpers/promtool.js';
import { API_PORTS, ENGINES, type WorkerName } from './cluster.js';

const config = loadConfig();
const API_METRICS = { 'api-1': 9461, 'api-2': 9462 } as const;
const WORKER_METRICS = { 'worker-a': 9464, 'worker-b': 9465 } as const;
const TEMPORAL_SERVER_METRICS = 9470;

const iptables = (...args: string[]) => execFileSync('iptables', ['-w', ...args], { encoding: 'utf8' });
const text = async (url: string) => {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return response.text();
};

describe('the cluster topology', () => {
  it('runs the Temporal server on PostgreSQL, persistence and visibility both', () => {
    const described = JSON.parse(
      execFileSync(
        TEMPORAL_CLI,
        ['operator', 'cluster', 'describe', '--address', config.TEMPORAL_ADDRESS, '-o', 'json'],
        {
          encoding: 'utf8',
        },
      ),
    );
    expect(described).toMatchObject({
      serverVersion: '1.29.1',
      persistenceStore: 'postgres12',
      visibilityStore: 'postgres12',
    });
    const attributes = execFileSync(
      TEMPORAL_CLI,
      ['operator', 'search-attribute', 'list', '--address', config.TEMPORAL_ADDRESS, '--namespace', 'default'],
      { encoding: 'utf8' },
    );
    for (const name of ['DispatchOrg', 'DispatchKind', 'DispatchName', 'DispatchStatus']) {
      expect(attributes).toMatch(new RegExp(`${name}\\s+Keyword`));
    }
  });

  it('serves the Temporal Web UI, whose server answers from the cluster', async () => {
    expect(await text('http://127.0.0.1:8233/')).toContain('<!doctype html>');
    const settings = JSON.parse(await text('http://127.0.0.1:8233/api/v1/settings'));
    expect(settings.DefaultNamespace).toBe('default');
    const namespaces = JSON.parse(await text('http://127.0.0.1:8233/api/v1/namespaces'));
    expect(namespaces.namespaces.map((n: { namespaceInfo: { name: string } }) => n.namespaceInfo.name)).toContain(
      'default',
    );
  });

  it.each(Object.keys(ENGINES) as WorkerName[])(
    'the build firewall guards the build network on the engine of %s',
    async (worker) => {
      const network = (await ENGINES[worker].getNetwork(config.BUILD_NETWORK).inspect()) as NetworkInspect;
      expect(network.Options?.['com.docker.network.bridge.enable_icc']).toBe('false');
      const bridge = bridgeInterfaceOf(network);
      const { toHost, onwards } = chainsOf({ bridge } as Parameters<typeof chainsOf>[0]);
      expect(iptables('-S', 'INPUT')).toContain(`-A INPUT -i ${bridge} -j ${toHost}`);
      expect(iptables('-S', 'DOCKER-USER')).toContain(`-A DOCKER-USER -i ${bridge} -j ${onwards}`);
      expect(iptables('-S', onwards)).toContain(`-A ${onwards} -d ${LINK_LOCAL} -p tcp -j REJECT`);
      expect(iptables('-S', toHost)).toMatch(new RegExp(`-A ${toHost} -p tcp -j REJECT`));
    },
  );

  it("each engine keeps its own default bridge: engine B's start leaves engine A's docker0 alone", async () => {
    const bridges = await Promise.all(
      Object.values(ENGINES).map(async (engine) =>
        bridgeInterfaceOf((await engine.getNetwork('bridge').inspect()) as NetworkInspect),
      ),
    );
    expect(bridges).toEqual(['docker0', 'dispatch-b0']);
    for (const bridge of bridges)
      expect(() => execFileSync('ip', ['link', 'show', bridge], { stdio: 'ignore' })).not.toThrow();
  });

  it('the two engines give their build networks different subnets', async () => {
    const subnets = await Promise.all(
      Object.values(ENGINES).map(
        async (engine) =>
          ((await engine.getNetwork(config.BUILD_NETWORK).inspect()) as NetworkInspect).IPAM?.Config?.[0]?.Subnet,
      ),
    );
    expect(new Set(subnets).size).toBe(2);
  });

  it.each(Object.entries(API_METRICS))(
    '%s exports valid Prometheus metrics on its metrics port',
    async (name, port) => {
      const metrics = await text(`http://127.0.0.1:${port}/metrics`);
      expect(metrics).toContain('dispatch_api_http_requests_total');
      expectValidExposition(metrics);
      // Not on the API's own port, which tenants reach.
      const onApiPort = await fetch(`http://127.0.0.1:${API_PORTS[name as keyof typeof API_PORTS]}/metrics`);
      expect(onApiPort.status).toBe(404);
    },
  );

  it.each(Object.entries(WORKER_METRICS))('%s exports its metrics and the SDK runtime', async (_name, port) => {
    const metrics = await text(`http://127.0.0.1:${port}/metrics`);
    expect(metrics).toContain('dispatch_worker_activity_slots_max');
    expect(metrics).toMatch(/^temporal_\w+/m);
    expectValidExposition(metrics);
  });

  it('the Temporal server exports metrics Prometheus can read', async () => {
    const metrics = await text(`http://127.0.0.1:${TEMPORAL_SERVER_METRICS}/metrics`);
    // The server's own names do not all pass promtool's lint (camelCase labels): parsing is what matters here.
    expect(promtoolCheck(metrics).code).not.toBe(1);
    expect(metrics).toMatch(/^service_requests/m);
  });
});
