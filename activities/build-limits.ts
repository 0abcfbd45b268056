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
