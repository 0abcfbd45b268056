import { existsSync } from 'node:fs';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What one build or catalog container may use (config BUILD_MEMORY_MB, BUILD_CPUS, BUILD_PIDS, ...). */
export type BuildLimits = {
  memoryBytes: number;
  cpus: number;
  pids: number;
  /** The log kept per build (build-log.ts). */
  logMaxBytes: number;
  /** The most packages one catalog records. */
  catalogMaxEntries: number;
};

const CPU_PERIOD_US = 100_000;

/** The legacy builder's per-RUN-step limits (POST /build query): memory without swap, and a CPU quota. */
export function buildApiLimits(limits: BuildLimits) {
  return {
    memory: limits.memoryBytes,
    memswap: limits.memoryBytes, // memory + swap = memory: no swap
    cpuperiod: CPU_PERIOD_US,
    cpuquota: Math.round(limits.cpus * CPU_PERIOD_US),
  };
}

/** The same limits for a container the service runs itself (the catalog). */
export function containerLimits(limits: BuildLimits) {
  return {
    Memory: limits.memoryBytes,
    MemorySwap: limits.memoryBytes,
    NanoCpus: Math.round(limits.cpus * 1e9),
    PidsLimit: limits.pids,
  };
}

/**
 * The build API has no pids limit, but it takes a cgroup parent: each build gets a parent of its own whose
 * pids.max caps the processes of its RUN steps (a fork bomb stops there). cgroup v1 (pids hierarchy) and v2
 * (unified) both work with Docker's cgroupfs driver; `undefined` when this host offers neither to the worker.
 */
export type PidsCgroup = { parent: string; remove(): Promise<void> };

const CGROUP_ROOT = '/sys/fs/cgroup';

function pidsHierarchy(): string | undefined {
  if (existsSync(join(CGROUP_ROOT, 'pids'))) return join(CGROUP_ROOT, 'pids'); // v1
  if (existsSync(join(CGROUP_ROOT, 'cgroup.controllers'))) return CGROUP_ROOT; // v2
  return undefined;
}

export async function createPidsCgroup(buildId: string, pids: number): Promise<PidsCgroup | undefined> {
  const hierarchy = pidsHierarchy();
  if (!hierarchy) return undefined;
  const parent = `dispatch-build-${buildId}`;
  const dir = join(hierarchy, parent);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'pids.max'), String(pids));
  return {
    parent: `/${parent}`,
    // Docker removes the step containers' own cgroups; the empty parent is ours to remove.
    remove: () => rmdir(dir).catch(() => undefined),
  };
}

/** Whether builds on this host get their pids limit; the worker says so at start when they do not. */
export async function pidsLimitSupported(): Promise<boolean> {
  try {
    const probe = await createPidsCgroup('probe', 64);
    await probe?.remove();
    return probe !== undefined;
  } catch {
    return false;
  }
}
