import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { createApp } from '../../api/app.js';
import { loadConfig } from '../../config.js';
import type { BuildLimits } from '../../activities/build-limits.js';
import { createWorker, workerOptionsFrom } from '../../worker/worker.js';
import { connectDb } from '../../db/client.js';
import type { Role } from '../../db/schema.js';
import { ensureOrganization } from '../../db/organizations.js';
import { createPlatformToken, createToken } from '../../db/tokens.js';
import { createLogger } from '../../logger.js';
import type { BuildPolicy, PullPolicy, RebuildWindow } from '../../workflows/jobs.js';
import { workflowBundlePath } from './env.js';

import './runtime.js';

export type TestServiceOptions = {
  temporalAddress?: string;
  pullPolicy?: PullPolicy;
  buildPolicy?: BuildPolicy;
  worker?: boolean;
  /** How long a dry run may plan before POST /v1/rebuilds answers 503. */
  planTimeoutSeconds?: number;
  /** How long POST /v1/rebuilds waits for a dry run's plan before answering 202. */
  dryRunWaitSeconds?: number;
  /** How a batch takes its builds from the plan (small in tests, to cross windows and continue as new). */
  rebuildWindow?: RebuildWindow;
} & SandboxOverrides;

/** What a test may change of its worker: a download server of its own to admit, smaller limits, the org cap. */
export type SandboxOverrides = {
  allowedHosts?: Array<{ host: string; port: number }>;
  limits?: Partial<BuildLimits>;
  orgBuildConcurrency?: number;
};

/** Quick retries and a short heartbeat timeout, so failures and crashes show within seconds in tests. */
export const FAST_PULL_POLICY: PullPolicy = {
  initialIntervalMs: 200,
  maximumIntervalMs: 1_000,
  maximumAttempts: 3,
  heartbeatTimeoutMs: 3_000,
};

/** A dead worker is noticed within seconds; builds get the time real package installs need. */
export const FAST_BUILD_POLICY: BuildPolicy = {
  buildTimeoutMs: 10 * 60_000,
  heartbeatTimeoutMs: 3_000,
  baseImageWaitMs: 2 * 60_000,
};

/**
 * The real service for one test: the Hono app (called in process), a worker on a task queue of its own, real
 * Postgres, Temporal and Docker. Each service gets its own org so tests never see each other's resources.
 */
export async function startTestService(options: TestServiceOptions = {}) {
  const config = loadConfig();
  const temporalAddress = options.temporalAddress ?? config.TEMPORAL_ADDRESS;
  const taskQueue = `test-${randomUUID()}`;
  const org = `org-${randomUUID().slice(0, 8)}`;
  const database = connectDb(config.DATABASE_URL, 4);
  const connection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection });
  const starter = {
    client: temporal,
    taskQueue,
    pullPolicy: options.pullPolicy ?? FAST_PULL_POLICY,
    buildPolicy: options.buildPolicy ?? FAST_BUILD_POLICY,
    planTimeoutSeconds: options.planTimeoutSeconds,
    dryRunWaitSeconds: options.dryRunWaitSeconds,
    rebuildWindow: options.rebuildWindow,
  };
  const logger = createLogger('test-api', 'error');
  const app = createApp({ config, database, temporal, starter, logger });

  const running =
    options.worker === false ? undefined : await startInProcessWorker(temporalAddress, taskQueue, database.db, options);

  // One token per role in this org, and a platform admin token; `call` acts as the admin, `callAs` as any role.
  await ensureOrganization(database.db, org);
  const tokens = {} as Record<Role, string>;
  for (const role of ['admin', 'developer', 'viewer'] as const) {
    tokens[role] = (await createToken(database.db, org, role, `test ${role}`)).token;
  }
  tokens.platform = (await createPlatformToken(database.db, 'test platform')).token;

  async function request(
    asOrg: string,
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const init: RequestInit = {
      method,
      headers: { 'X-Dispatch-Org': asOrg, Authorization: `Bearer ${token}`, ...headers },
    };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await app.request(path, init);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }
  const callAs = (role: Role, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(org, tokens[role], method, path, body, headers);
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    callAs('admin', method, path, body, headers);

  const orgs = [org];
  /** A second org on the same service and worker, with an admin token of its own: another tenant. */
  async function anotherOrg() {
    const other = `org-${randomUUID().slice(0, 8)}`;
    orgs.push(other);
    await ensureOrganization(database.db, other);
    const { token } = await createToken(database.db, other, 'admin', 'test admin');
    return {
      org: other,
      call: (method: string, path: string, body?: unknown) => request(other, token, method, path, body),
    };
  }

  return {
    app,
    org,
    taskQueue,
    temporal,
    database,
    call,
    callAs,
    tokens,
    anotherOrg,
    async close() {
      await running?.stop();
      // Workflows left waiting on this test's task queue (no worker will ever take them) would pile up.
      for (const each of orgs) {
        const query = `DispatchOrg = "${each}" AND ExecutionStatus = "Running"`;
        for await (const execution of temporal.workflow.list({ query })) {
          await temporal.workflow
            .getHandle(execution.workflowId)
            .terminate('test finished')
            .catch(() => undefined);
        }
      }
      await connection.close();
      await database.pool.end();
    },
  };
}

export type TestService = Awaited<ReturnType<typeof startTestService>>;

async function startInProcessWorker(
  temporalAddress: string,
  taskQueue: string,
  db: Parameters<typeof createWorker>[0]['db'],
  sandbox: SandboxOverrides,
) {
  const config = loadConfig();
  const defaults = workerOptionsFrom(config, db, createLogger('test-worker', 'warn'));
  const worker = await createWorker({
    ...defaults,
    temporalAddress,
    taskQueue,
    registryAuth: { username: '', password: '' },
    workflowBundlePath: workflowBundlePath(),
    orgBuildConcurrency: sandbox.orgBuildConcurrency ?? defaults.orgBuildConcurrency,
    sandbox: {
      ...defaults.sandbox,
      allowedHosts: sandbox.allowedHosts ?? defaults.sandbox.allowedHosts,
      limits: { ...defaults.sandbox.limits, ...sandbox.limits },
    },
  });
  const run = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await run;
      await worker.connection.close();
    },
  };
}
