// Failover on the production shape (`npm run test:cluster`): the cluster's own processes - two APIs, two workers on
// two Docker engines, the Temporal server on PostgreSQL - are killed or restarted while a build is held in its
// dependency install by a wheel server this test runs, and every build still ends READY, built and catalogued once.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../workflows/jobs.js';
import { REGISTRY, ROOT } from '../helpers/env.js';
import { startHeldWheelServer } from '../helpers/held-wheel-server.js';
import { eventually, settledBaseImage, settledImage } from '../helpers/wait.js';
import {
  API_PORTS,
  apiClient,
  buildHostAddress,
  database,
  ENGINES,
  identityOf,
  kill,
  pendingActivity,
  pidOf,
  startCluster,
  temporal,
  testOrg,
  type Api,
} from './cluster.js';

describe('the cluster survives its parts dying', () => {
  let org: string;
  let api: Api;
  let backup: Api;
  let wheel: Awaited<ReturnType<typeof startHeldWheelServer>>;
  let allowedHosts: string;

  beforeAll(async () => {
    const created = await testOrg();
    org = created.org;
    api = apiClient(API_PORTS['api-1'], created.token);
    backup = apiClient(API_PORTS['api-2'], created.token);
    wheel = await startHeldWheelServer(await buildHostAddress());
    allowedHosts = `${wheel.allowedHost.host}:${wheel.allowedHost.port}`;
    await kill('worker-a', 'SIGTERM');
    await kill('worker-b', 'SIGTERM');
    await startCluster({ BUILD_ALLOWED_HOSTS: allowedHosts });

    const base = execFileSync(`${ROOT}test/fixtures/base-image.sh`, ['python3', REGISTRY], { encoding: 'utf8' }).trim();
    expect((await api('POST', '/v1/baseimage', { name: 'py', dockerUrl: base, language: 'python3' })).status).toBe(201);
    expect((await settledBaseImage({ call: api }, 'py')).status).toBe('READY');
  });

  afterAll(async () => {
    wheel?.openGate();
    await wheel?.close();
    await removeTestOrg();
    // Back to the cluster's own configuration: workers without this test's allowed hosts.
    await kill('worker-a', 'SIGTERM').catch(() => undefined);
    await kill('worker-b', 'SIGTERM').catch(() => undefined);
    await startCluster();
    await database.pool.end();
    await temporal.connection.close();
  });

  /** The cluster's database is the operator's own: leave nothing of this run in it (images, base images, the org). */
  async function removeTestOrg() {
    for (const kind of ['image', 'baseimage'] as const) {
      const listed = (await backup('GET', `/v1/${kind}`)).body as Array<{ name: string }>;
      for (const { name } of listed) await backup('DELETE', `/v1/${kind}/${name}`);
      await eventually(`every ${kind} of ${org} to be gone`, async () => {
        const left = (await backup('GET', `/v1/${kind}`)).body as unknown[];
        return left.length === 0 ? true : undefined;
      });
    }
    await database.db.execute(sql`delete from organizations where name = ${org}`); // its tokens go with it
  }

  /** Posts an image whose install downloads the held wheel; answers once pip is waiting for it. */
  async function imageHeldInInstall(name: string) {
    wheel.closeGate();
    const manifest = `# run ${randomUUID()}\n${wheel.requirement}\n`;
    const created = await api('POST', '/v1/image', { name, baseImageName: 'py', runtimeDependencies: { manifest } });
    expect(created.status).toBe(201);
    await wheel.requested();
  }

  /** The image is READY with one successful build and one catalog holding the wheel. */
  async function expectBuiltOnce(name: string, through: Api = api) {
    const image = await settledImage({ call: through }, name, 240_000);
    expect(image.reason).toEqual([]);
    expect(image.status).toBe('READY');
    const builds = (await through('GET', `/v1/image/${name}/builds`)).body;
    expect(builds.map((b: { outcome: string }) => b.outcome)).toEqual(['SUCCEEDED']);
    const catalog = (await through('GET', `/v1/image/${name}/catalog`)).body.packages;
    expect(catalog).toContainEqual({ ecosystem: 'pypi', name: 'dispatch_crash_probe', version: '1.0' });
    const catalogs = await database.db.execute(
      sql`select count(distinct c.build_id)::int as n from catalog_packages c join builds b on b.id = c.build_id where b.image_id = ${image.id}`,
    );
    expect(catalogs.rows[0]).toEqual({ n: 1 });
    return image;
  }

  it('a worker SIGKILLed during the install on engine A: the worker on engine B finishes the build', async () => {
    // Only worker A polls while the build starts, so the install runs on engine A.
    await kill('worker-b', 'SIGTERM');
    await imageHeldInInstall('failover');
    const workflowId = workflowIdFor('Image', org, 'failover');
    expect((await pendingActivity(workflowId, 'buildAndPush'))?.identity).toMatch(
      new RegExp(`^${identityOf('worker-a')}`),
    );

    await startCluster({ BUILD_ALLOWED_HOSTS: allowedHosts }); // worker B polls again
    const identityB = identityOf('worker-b');
    wheel.closeGate();
    await kill('worker-a', 'SIGKILL');
    // After the heartbeat timeout the build is retried, and only worker B is there to take it.
    await eventually('worker B to retry the build', async () => {
      const pending = await pendingActivity(workflowId, 'buildAndPush');
      return pending && pending.attempt >= 2 && pending.identity.startsWith(identityB) ? true : undefined;
    });
    await wheel.requested(); // engine B's install reached the wheel server
    wheel.openGate();

    const image = await expectBuiltOnce('failover');
    // Engine B pulled the base by digest from the registry (it had never seen it: its own data-root).
    const base = (await api('GET', '/v1/baseimage/py')).body;
    const onB = await ENGINES['worker-b'].listImages({ digests: true });
    expect(onB.flatMap((i) => i.RepoDigests ?? [])).toContain(
      `${base.dockerUrl.split(':').slice(0, -1).join(':')}@${base.digest}`,
    );
    expect(image.digest).toMatch(/^sha256:/);

    // SQL visibility answers the search attributes the workflows set.
    const query = `DispatchOrg="${org}" AND DispatchKind="Image" AND DispatchStatus="READY"`;
    const listed = await eventually('visibility to list the READY image', async () => {
      const ids: string[] = [];
      for await (const execution of temporal.workflow.list({ query })) ids.push(execution.workflowId);
      return ids.includes(workflowId) ? ids : undefined;
    });
    expect(listed).toEqual([workflowId]);

    await startCluster({ BUILD_ALLOWED_HOSTS: allowedHosts }); // worker A back for the next tests
  });

  it('one API process killed: the other serves, and the killed one comes back', async () => {
    await kill('api-1', 'SIGKILL');
    await expect(api('GET', '/v1/image')).rejects.toThrow(); // nothing listens on 8080 now
    const listed = await backup('GET', '/v1/image');
    expect(listed.status).toBe(200);
    expect(listed.body.map((i: { name: string }) => i.name)).toContain('failover');
    const tagged = await backup('POST', '/v1/baseimage', {
      name: 'py-again',
      dockerUrl: (await backup('GET', '/v1/baseimage/py')).body.dockerUrl,
      language: 'python3',
    });
    expect(tagged.status).toBe(201);
    expect((await settledBaseImage({ call: backup }, 'py-again')).status).toBe('READY');

    await startCluster({ BUILD_ALLOWED_HOSTS: allowedHosts });
    expect((await api('GET', '/v1/baseimage/py-again')).status).toBe(200);
  });

  /** The APIs and workers ride out an outage of what they depend on: the same processes, still there after it. */
  const SERVICES = ['api-1', 'api-2', 'worker-a', 'worker-b'] as const;
  const servicePids = () => SERVICES.map((name) => pidOf(name));
  const expectStillRunning = (pids: number[]) =>
    pids.forEach((pid) => expect(() => process.kill(pid, 0)).not.toThrow());

  it('the Temporal server restarted mid-build: the build ends READY', async () => {
    await imageHeldInInstall('through-temporal-restart');
    const pids = servicePids();
    await kill('temporal-server', 'SIGTERM');
    await startCluster({ BUILD_ALLOWED_HOSTS: allowedHosts });
    expect(servicePids()).toEqual(pids); // the restart brought back the server only
    wheel.openGate();
    await expectBuiltOnce('through-temporal-restart');
    expectStillRunning(pids);
  });

  it('PostgreSQL restarted mid-build: the build ends READY and no process died', async () => {
    await imageHeldInInstall('through-postgres-restart');
    const pids = servicePids();
    execFileSync('pg_ctlcluster', ['15', 'main', 'restart', '-m', 'fast']);
    wheel.openGate();
    await expectBuiltOnce('through-postgres-restart', backup);
    await expectBuiltOnce('through-postgres-restart', api);
    expectStillRunning(pids);
  });
});
