import { NativeConnection, Worker } from '@temporalio/worker';
import Docker from 'dockerode';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { batchQueueFor, verifyQueueFor } from '../workflows/jobs.js';

/** Pulls of base images and rebuild planning, per worker, on a queue of their own (verifyQueueFor). */
const VERIFY_SLOTS = 4;
/** Older than any build may take (BUILD_TIMEOUT_MINUTES is far less): a build cgroup this old is a leftover. */
const BUILD_CGROUP_MAX_AGE_MS = 6 * 60 * 60_000;
import { installBuildFirewall, nameserversOf, type AllowedHost } from './build-firewall.js';
import type { BuildLimits } from './build-limits.js';
import { buildCgroupsSupported, sweepBuildCgroups } from './build-cgroup.js';
import { ensureBuildNetwork } from './build-network.js';
import { createActivities } from './index.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export type WorkerOptions = {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  db: Db;
  dockerSocket: string;
  /** Where built images are pushed. */
  registry: string;
  registryAuth: { username: string; password: string };
  /** Certificates builds trust for their downloads (config BUILD_CA_BUNDLE). */
  caBundlePath: string;
  /** How many builds of batch rebuilds this worker runs at once (config REBUILD_CONCURRENCY). */
  batchBuildSlots: number;
  /** A pre-built bundle (tests build one once); otherwise the worker bundles workflowsPath itself. */
  workflowBundlePath?: string;
  /** Where builds run and what they may use and reach. */
  sandbox: BuildSandbox;
  /** The most builds one org runs at once, fleet-wide (config ORG_BUILD_CONCURRENCY). */
  orgBuildConcurrency: number;
  logger: Logger;
};

export type BuildSandbox = {
  network: string;
  /** `host:port` builds may reach despite the firewall (a package proxy); names are resolved at start. */
  allowedHosts: Array<{ host: string; port: number }>;
  blockedRanges: string[];
  limits: BuildLimits;
};

/** The worker's options from the configuration: the one place worker-main.ts and the tests' workers start from. */
export function workerOptionsFrom(config: Config, db: Db, logger: Logger): WorkerOptions {
  return {
    temporalAddress: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TASK_QUEUE,
    db,
    dockerSocket: config.DOCKER_SOCKET,
    registry: config.IMAGE_REGISTRY,
    registryAuth: { username: config.REGISTRY_USERNAME, password: config.REGISTRY_PASSWORD },
    caBundlePath: existsSync(config.BUILD_CA_BUNDLE) ? config.BUILD_CA_BUNDLE : '',
    batchBuildSlots: config.REBUILD_CONCURRENCY,
    workflowBundlePath: config.WORKFLOW_BUNDLE,
    logger,
    orgBuildConcurrency: config.ORG_BUILD_CONCURRENCY,
    sandbox: {
      network: config.BUILD_NETWORK,
      allowedHosts: config.BUILD_ALLOWED_HOSTS,
      blockedRanges: config.BUILD_BLOCKED_RANGES,
      limits: {
        memoryBytes: config.BUILD_MEMORY_MB * 1024 * 1024,
        cpus: config.BUILD_CPUS,
        pids: config.BUILD_PIDS,
        logMaxBytes: config.BUILD_LOG_MAX_BYTES,
        catalogMaxEntries: config.CATALOG_MAX_ENTRIES,
      },
    },
  };
}

/**
 * Builds get their pids limit through cgroup folders of the service's own (build-cgroup.ts), which only Docker's
 * cgroupfs driver honours. Without them the worker refuses to start, unless the operator said BUILD_PIDS=0.
 */
async function ensurePidsLimit(docker: Docker, pids: number, logger: Logger): Promise<boolean> {
  if (pids === 0) {
    logger.warn('BUILD_PIDS=0: builds run without a pids limit');
    return false;
  }
  const { CgroupDriver } = (await docker.info()) as { CgroupDriver?: string };
  if (CgroupDriver !== 'cgroupfs' || !(await buildCgroupsSupported())) {
    throw new Error(
      `builds cannot get their pids limit (BUILD_PIDS=${pids}) on this host: Docker's cgroup driver is ` +
        `${CgroupDriver ?? 'unknown'} (cgroupfs needed) or /sys/fs/cgroup is not writable by the worker; ` +
        'fix that, or set BUILD_PIDS=0 to run builds without one',
    );
  }
  await sweepBuildCgroups(BUILD_CGROUP_MAX_AGE_MS);
  return true;
}

async function resolveAllowedHosts(hosts: BuildSandbox['allowedHosts']): Promise<AllowedHost[]> {
  const resolved = await Promise.all(
    hosts.map(async ({ host, port }) =>
      (await lookup(host, { all: true, family: 4 })).map(({ address }) => ({ address, port })),
    ),
  );
  return resolved.flat();
}

export type ServiceWorker = { run(): Promise<void>; shutdown(): void; connection: NativeConnection };

/**
 * The service's worker: the workflows and every activity on the task queue, plus the builds of batch rebuilds and
 * the pulls and plans (verify) on queues of their own with their own slots: a batch or a flood of pulls can fill only
 * its slots, never the ones a developer's own build needs. Before polling, it sets up the build network and its
 * firewall and checks that the pids limit can be enforced; it does not start without them.
 */
export async function createWorker(options: WorkerOptions): Promise<ServiceWorker> {
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const docker = new Docker({ socketPath: options.dockerSocket });
  const { db, registry, registryAuth, caBundlePath, sandbox, logger } = options;
  // Builds start only once their network and its firewall are in place: a worker that cannot install them stops.
  const network = await ensureBuildNetwork(docker, sandbox.network);
  const allowed = await resolveAllowedHosts(sandbox.allowedHosts);
  // Docker forwards builds' lookups to the host's nameservers; behind a local stub (systemd-resolved), to its upstream.
  const resolvConf = (path: string) => readFile(path, 'utf8').catch(() => '');
  let nameservers = nameserversOf(await resolvConf('/etc/resolv.conf'));
  if (!nameservers.length) nameservers = nameserversOf(await resolvConf('/run/systemd/resolve/resolv.conf'));
  await installBuildFirewall(network, { allowed, nameservers, blockedRanges: sandbox.blockedRanges });
  const pidsLimit = await ensurePidsLimit(docker, sandbox.limits.pids, logger);
  logger.info('build network ready', { network: network.name, bridge: network.bridge, subnet: network.subnet });
  const build = { network: network.name, limits: sandbox.limits, pidsLimit };
  const orgBuildConcurrency = options.orgBuildConcurrency;
  const activities = createActivities({ docker, db, registry, registryAuth, caBundlePath, build, orgBuildConcurrency });
  const common = { connection, namespace: options.namespace, activities };
  const main = await Worker.create({
    ...common,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath }),
    // A docker build or pull holds a host's CPU and disk; a handful at a time per worker keeps each one fast.
    maxConcurrentActivityTaskExecutions: 8,
  });
  const batch = await Worker.create({
    ...common,
    taskQueue: batchQueueFor(options.taskQueue),
    maxConcurrentActivityTaskExecutions: options.batchBuildSlots,
  });
  const verify = await Worker.create({
    ...common,
    taskQueue: verifyQueueFor(options.taskQueue),
    maxConcurrentActivityTaskExecutions: VERIFY_SLOTS,
  });
  const workers = [main, batch, verify];
  const stopAll = () => workers.filter((w) => w.getState() === 'RUNNING').forEach((w) => w.shutdown());
  return {
    connection,
    // When one stops (a signal, a fatal error), the other stops too, or run() would never return.
    run: async () => {
      await Promise.all(workers.map((w) => w.run().finally(stopAll)));
    },
    shutdown: stopAll,
  };
}
