import { ApplicationFailure, Context } from '@temporalio/activity';
import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { replaceCatalog } from '../db/builds.js';
import type { Db } from '../db/client.js';
import type { CatalogEntry } from '../db/schema.js';
import { ensureLocalImage } from './local-image.js';

const CATALOG_SCRIPT = readFileSync(new URL('./build-files/catalog.sh', import.meta.url), 'utf8');
const CATALOG_LABEL = 'io.dispatchframework.catalog-build';
const CATALOG_TIME_LIMIT_MS = 120_000;

/**
 * Runs the built image once, without network, and records what is really installed in it. A crashed attempt may
 * have left its container behind; those are found by label and removed first.
 */
export async function recordCatalog(
  docker: Docker,
  db: Db,
  buildId: string,
  dockerUrl: string,
): Promise<{ packages: number }> {
  await removeCatalogContainers(docker, buildId);
  await ensureLocalImage(docker, dockerUrl);
  const container = await docker.createContainer({
    Image: dockerUrl,
    Entrypoint: ['/bin/sh', '-c', CATALOG_SCRIPT],
    Cmd: [],
    User: '0',
    Tty: true, // one plain output stream, no multiplexing headers
    Labels: { [CATALOG_LABEL]: buildId },
    HostConfig: { NetworkMode: 'none' },
  });
  try {
    await container.start();
    const timeout = setTimeout(() => void container.kill().catch(() => undefined), CATALOG_TIME_LIMIT_MS);
    const { StatusCode } = await container.wait().finally(() => clearTimeout(timeout));
    Context.current().heartbeat();
    const output = (await container.logs({ stdout: true, stderr: true, follow: false })).toString('utf8');
    if (StatusCode !== 0) {
      throw ApplicationFailure.nonRetryable(
        `listing the installed packages exited with ${StatusCode}: ${output.slice(-500)}`,
        'CatalogFailed',
      );
    }
    const entries = parseCatalog(output);
    await replaceCatalog(db, buildId, entries);
    return { packages: entries.length };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

async function removeCatalogContainers(docker: Docker, buildId: string): Promise<void> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`${CATALOG_LABEL}=${buildId}`] } });
  await Promise.all(
    leftovers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

const FIELD = /^[\x21-\x7e]{1,256}$/; // printable, no spaces: anything else is noise, not a package

/** "ecosystem<TAB>name<TAB>version" lines, deduplicated; other lines are ignored. */
export function parseCatalog(output: string): CatalogEntry[] {
  const entries = new Map<string, CatalogEntry>();
  for (const line of output.split(/\r?\n/)) {
    const [ecosystem, name, version, ...rest] = line.split('\t');
    if (rest.length || !ecosystem || !name || !version) continue;
    if (![ecosystem, name, version].every((f) => FIELD.test(f))) continue;
    entries.set(`${ecosystem}\t${name.toLowerCase()}`, { ecosystem, name, version });
  }
  return [...entries.values()].sort((a, b) => a.ecosystem.localeCompare(b.ecosystem) || a.name.localeCompare(b.name));
}
