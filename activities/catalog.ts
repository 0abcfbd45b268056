import { ApplicationFailure } from '@temporalio/activity';
import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { readCatalog, replaceCatalog, setBuildResultDetails, setBuildStep } from '../db/builds.js';
import { findImageById } from '../db/images.js';
import { pinnedRef } from '../docker-reference.js';
import { diffCatalogs } from './catalog-diff.js';
import type { Db } from '../db/client.js';
import type { CatalogEntry } from '../db/schema.js';
import { safeLine } from '../safe-text.js';
import { containerLimits, type BuildLimits } from './build-limits.js';
import { keepHeartbeating } from './heartbeat.js';
import { ensureLocalImage } from './local-image.js';
import type { PullAuth } from './registry-auth.js';

const CATALOG_SCRIPT = readFileSync(new URL('./build-files/catalog.sh', import.meta.url), 'utf8');
const CATALOG_LABEL = 'io.dispatchframework.catalog-build';
const CATALOG_TIME_LIMIT_MS = 120_000;
/** A catalog line is at most ~800 bytes (three fields of 256); more output than this is not a package list. */
const CATALOG_OUTPUT_MAX_BYTES = 32 * 1024 * 1024;

/** `dockerUrl` and `digest`: where the build was pushed, and the digest the registry answered for it. */
export type CatalogRequest = {
  buildId: string;
  imageId: string;
  dockerUrl: string;
  digest: string;
  reusedBuildId?: string;
};

/**
 * Records what is really installed in a build's image (copied from the build it reused, if any), and what changed
 * against the image's previous successful build. Replaced whole on a retry: one catalog per build.
 */
export async function recordCatalog(
  docker: Docker,
  db: Db,
  request: CatalogRequest,
  pullAuth: PullAuth,
  limits: BuildLimits,
): Promise<{ packages: number }> {
  await setBuildStep(db, request.buildId, 'recording the catalog');
  const entries = request.reusedBuildId
    ? await readCatalog(db, request.reusedBuildId)
    : await listInstalled(docker, request.buildId, pinnedRef(request.dockerUrl, request.digest), pullAuth, limits);
  if (entries.length > limits.catalogMaxEntries) {
    throw ApplicationFailure.nonRetryable(
      `the image holds ${entries.length} packages, more than a catalog records (${limits.catalogMaxEntries}, CATALOG_MAX_ENTRIES)`,
      'CatalogFailed',
    );
  }
  await replaceCatalog(db, request.buildId, entries);
  const previous = (await findImageById(db, request.imageId))?.currentBuildId ?? null;
  const before = previous && previous !== request.buildId ? await readCatalog(db, previous) : [];
  const catalogDiff = diffCatalogs(previous === request.buildId ? null : previous, before, entries);
  await setBuildResultDetails(db, request.buildId, { catalogDiff, reusedBuildId: request.reusedBuildId });
  return { packages: entries.length };
}

/**
 * Runs the image once, without network, with the builds' limits and no capabilities, and lists its packages (the
 * image is the tenant's: its output is read up to a cap, and parsed strictly). A crashed attempt may have left its
 * container behind; those are found by label and removed first.
 */
async function listInstalled(
  docker: Docker,
  buildId: string,
  dockerUrl: string,
  pullAuth: PullAuth,
  limits: BuildLimits,
): Promise<CatalogEntry[]> {
  await removeCatalogContainers(docker, buildId);
  await ensureLocalImage(docker, dockerUrl, pullAuth);
  const container = await docker.createContainer({
    Image: dockerUrl,
    Entrypoint: ['/bin/sh', '-c', CATALOG_SCRIPT],
    Cmd: [],
    User: '0',
    Tty: true, // one plain output stream, no multiplexing headers
    Labels: { [CATALOG_LABEL]: buildId },
    HostConfig: {
      NetworkMode: 'none',
      ...containerLimits(limits),
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
    },
  });
  try {
    await container.start();
    const timeout = setTimeout(() => void container.kill().catch(() => undefined), CATALOG_TIME_LIMIT_MS);
    const stopHeartbeats = keepHeartbeating(() => ({ step: 'catalog' }));
    const [{ StatusCode }, output] = await Promise.all([
      container.wait(),
      readCapped(await container.logs({ stdout: true, stderr: true, follow: true }), () => {
        void container.kill().catch(() => undefined);
      }),
    ]).finally(() => {
      clearTimeout(timeout);
      stopHeartbeats();
    });
    if (output === undefined) {
      throw ApplicationFailure.nonRetryable(
        `listing the installed packages printed more than ${CATALOG_OUTPUT_MAX_BYTES} bytes`,
        'CatalogFailed',
      );
    }
    if (StatusCode !== 0) {
      throw ApplicationFailure.nonRetryable(
        `listing the installed packages exited with ${StatusCode}: ${safeLine(output.slice(-500), 300)}`,
        'CatalogFailed',
      );
    }
    return parseCatalog(output);
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** The whole output, or undefined (after `onOverflow`) once it passes CATALOG_OUTPUT_MAX_BYTES. */
async function readCapped(stream: NodeJS.ReadableStream, onOverflow: () => void): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > CATALOG_OUTPUT_MAX_BYTES) {
      onOverflow();
      (stream as unknown as { destroy(): void }).destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function removeCatalogContainers(docker: Docker, buildId: string): Promise<void> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`${CATALOG_LABEL}=${buildId}`] } });
  await Promise.all(
    leftovers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
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
