import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// The build API takes a cgroup parent but no pids limit, and no notion of tenants. Each build's RUN steps run under
//   /dispatch-builds/org-<hash of org>/<build id>/<container>
// so that (1) the build's own pids.max caps its processes (a fork bomb stops there), and (2) orgs, not builds, are
// what the CPU scheduler weighs against each other: every org's folder has the same default CPU weight, so an org
// running three builds gets no more CPU than an org running one. Docker's cgroupfs driver creates the missing
// folders in every hierarchy; the service removes them when the build ends.

const CGROUP_ROOT = '/sys/fs/cgroup';
const BUILDS = 'dispatch-builds';

const isV2 = () => existsSync(join(CGROUP_ROOT, 'cgroup.controllers'));

/** The hierarchies a container's cgroup folders are made in: one (v2), or one per controller mount (v1). */
function hierarchies(): string[] {
  if (isV2()) return [CGROUP_ROOT];
  try {
    return readdirSync(CGROUP_ROOT, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(CGROUP_ROOT, entry.name));
  } catch {
    return [];
  }
}

function pidsHierarchy(): string | undefined {
  if (isV2()) return CGROUP_ROOT;
  return existsSync(join(CGROUP_ROOT, 'pids')) ? join(CGROUP_ROOT, 'pids') : undefined;
}

const orgFolderOf = (org: string) => `org-${createHash('sha256').update(org).digest('hex').slice(0, 16)}`;

export type BuildCgroup = { parent: string; remove(): Promise<void> };

/** Removes a build's (empty) folders from every hierarchy; a folder still in use stays (rmdir refuses it). */
async function removeEverywhere(relative: string): Promise<void> {
  await Promise.all(hierarchies().map((h) => rmdir(join(h, relative)).catch(() => undefined)));
}

/** v2 only: children get the pids and cpu controllers only if each parent delegates them. */
async function delegate(dir: string): Promise<void> {
  if (isV2()) await writeFile(join(dir, 'cgroup.subtree_control'), '+pids +cpu').catch(() => undefined);
}

/** The cgroup parent of one build, with its pids limit; undefined when this host offers no pids cgroup. */
export async function createBuildCgroup(org: string, buildId: string, pids: number): Promise<BuildCgroup | undefined> {
  const hierarchy = pidsHierarchy();
  if (!hierarchy) return undefined;
  const relative = join(BUILDS, orgFolderOf(org), buildId);
  await mkdir(join(hierarchy, relative), { recursive: true });
  await delegate(join(hierarchy, BUILDS));
  await delegate(join(hierarchy, BUILDS, orgFolderOf(org)));
  await writeFile(join(hierarchy, relative, 'pids.max'), String(pids));
  return { parent: `/${relative}`, remove: () => removeEverywhere(relative) };
}

/** Whether builds on this host get their pids limit; the worker says so at start when they do not. */
export async function buildCgroupsSupported(): Promise<boolean> {
  try {
    const probe = await createBuildCgroup('probe', 'probe', 64);
    await probe?.remove();
    return probe !== undefined;
  } catch {
    return false;
  }
}

/**
 * At worker start: the empty folders of builds whose worker died before removing them. Only folders older than the
 * longest a build may take: a live build's folder is empty between its steps, and removing it then would let Docker
 * make it again without its pids.max (another worker on this host may be running that build).
 */
export async function sweepBuildCgroups(olderThanMs: number): Promise<void> {
  const stale = (path: string) => {
    try {
      return Date.now() - statSync(path).mtimeMs > olderThanMs;
    } catch {
      return false;
    }
  };
  for (const hierarchy of hierarchies()) {
    const builds = join(hierarchy, BUILDS);
    let orgs: string[];
    try {
      orgs = readdirSync(builds, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      continue;
    }
    for (const org of orgs) {
      const ids = readdirSync(join(builds, org), { withFileTypes: true }).filter((e) => e.isDirectory());
      const old = ids.map((id) => join(builds, org, id.name)).filter(stale);
      await Promise.all(old.map((path) => rmdir(path).catch(() => undefined)));
    }
  }
}
