// What the failover tests know of the cluster `npm run start:cluster` runs (scripts/cluster-lib.sh): its processes by
// pid file, its two Docker engines, its two APIs. The tests drive those real processes, not in-process copies.
import { Client, Connection } from '@temporalio/client';
import Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hostAddressOf, type NetworkInspect } from '../../activities/build-network.js';
import { loadConfig } from '../../config.js';
import { connectDb } from '../../db/client.js';
import { ensureOrganization } from '../../db/organizations.js';
import { createToken } from '../../db/tokens.js';
import { ROOT } from '../helpers/env.js';
import { eventually } from '../helpers/wait.js';

const run = promisify(execFile);
const STATE = process.env.DISPATCH_STATE_DIR ?? join(ROOT, '.stack');
export const API_PORTS = { 'api-1': 8080, 'api-2': 8081 } as const;
export const ENGINES = {
  'worker-a': new Docker({ socketPath: '/var/run/docker.sock' }),
  'worker-b': new Docker({ socketPath: '/run/dispatch-engine-b/docker.sock' }),
} as const;
export type WorkerName = keyof typeof ENGINES;
export type ProcessName = WorkerName | keyof typeof API_PORTS | 'temporal-server';

const config = loadConfig();
export const database = connectDb(config.DATABASE_URL, 2);
export const temporal = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }) });

export const pidOf = (name: ProcessName) => Number(readFileSync(join(STATE, 'run', `${name}.pid`), 'utf8').trim());

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Sends `signal` to one of the cluster's processes and waits until it is gone. */
export async function kill(name: ProcessName, signal: NodeJS.Signals): Promise<void> {
  const pid = pidOf(name);
  process.kill(pid, signal);
  await eventually(`${name} (${pid}) to exit after ${signal}`, async () => (isAlive(pid) ? undefined : true), 30_000);
}

/**
 * `npm run start:cluster` again: idempotent, so it starts exactly what is missing and returns once the APIs answer and
 * both workers poll. `env` reaches the processes it starts (a test's BUILD_ALLOWED_HOSTS).
 */
export async function startCluster(env: Record<string, string> = {}): Promise<void> {
  await run(join(ROOT, 'scripts/stack.sh'), ['start-cluster'], { env: { ...process.env, ...env }, timeout: 300_000 });
}

/**
 * The address builds reach this host at on engine A's build network. Builds on engine B reach it too: it is one of
 * this host's own addresses, so their packets to it go through the host's INPUT chain, which both workers' firewalls
 * open for exactly the allowed address:port pairs.
 */
export async function buildHostAddress(): Promise<string> {
  return hostAddressOf((await ENGINES['worker-a'].getNetwork(config.BUILD_NETWORK).inspect()) as NetworkInspect);
}

/** An org of its own for this run, with an admin token made straight in the cluster's database. */
export async function testOrg() {
  const org = `cluster-${randomUUID().slice(0, 8)}`;
  await ensureOrganization(database.db, org);
  const { token } = await createToken(database.db, org, 'admin', 'failover test');
  return { org, token };
}

export type Api = ReturnType<typeof apiClient>;

/** Calls one API process (by port) as the test org's admin. */
export function apiClient(port: number, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** The identity (`pid@host`) of the worker running a workflow's pending activity of `type`, and its attempt. */
export async function pendingActivity(workflowId: string, type: string) {
  const pending = (await temporal.workflow.getHandle(workflowId).describe()).raw.pendingActivities ?? [];
  const activity = pending.find((a) => a.activityType?.name === type);
  return activity && { identity: activity.lastWorkerIdentity ?? '', attempt: activity.attempt ?? 0 };
}

export const identityOf = (name: WorkerName) => `${pidOf(name)}@`;
