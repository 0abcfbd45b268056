import type Docker from 'dockerode';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../logger.js';
import type { BuildSettings } from '../activities/build-image.js';
import { buildCgroupsSupported, sweepBuildCgroups } from '../activities/build-cgroup.js';
import { installBuildFirewall, nameserversOf, type AllowedHost } from '../activities/build-firewall.js';
import type { BuildLimits } from '../activities/build-limits.js';
import { ensureBuildNetwork } from '../activities/build-network.js';

// What a worker sets up on its Docker host before it takes any build: the build network, its firewall, and the
// cgroups that carry the builds' pids limit (README "Security model").

/** Where builds run and what they may use and reach (config BUILD_*). */
export type BuildSandbox = {
  network: string;
  /** `host:port` builds may reach despite the firewall (a package proxy); names are resolved at start. */
  allowedHosts: Array<{ host: string; port: number }>;
  blockedRanges: string[];
  limits: BuildLimits;
};

/** Older than any build may take (BUILD_TIMEOUT_MINUTES is far less): a build cgroup this old is a leftover. */
const BUILD_CGROUP_MAX_AGE_MS = 6 * 60 * 60_000;

/** Sets up the sandbox, idempotently; throws (the worker does not start) when any part of it cannot be had. */
export async function prepareBuildSandbox(
  docker: Docker,
  sandbox: BuildSandbox,
  logger: Logger,
): Promise<BuildSettings> {
  const network = await ensureBuildNetwork(docker, sandbox.network);
  const allowed = await resolveAllowedHosts(sandbox.allowedHosts);
  await installBuildFirewall(network, {
    allowed,
    nameservers: await hostNameservers(),
    blockedRanges: sandbox.blockedRanges,
  });
  const pidsLimit = await ensurePidsLimit(docker, sandbox.limits.pids, logger);
  logger.info('build network ready', { network: network.name, bridge: network.bridge, subnet: network.subnet });
  return { network: network.name, limits: sandbox.limits, pidsLimit };
}

/** Docker forwards builds' lookups to the host's nameservers; behind a local stub (systemd-resolved), to its upstream. */
async function hostNameservers(): Promise<string[]> {
  const read = (path: string) => readFile(path, 'utf8').catch(() => '');
  const direct = nameserversOf(await read('/etc/resolv.conf'));
  return direct.length ? direct : nameserversOf(await read('/run/systemd/resolve/resolv.conf'));
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
