import { and, asc, eq, gte, or, sql } from 'drizzle-orm';
import { inVersionRange, parseVersionRange, type VersionRange } from '../package-versions.js';
import type { Queryable } from './client.js';
import { catalogPackages, images, lookupNameOf, packageLookupName, type PackageFilter } from './schema.js';

// Which images of an org hold a package in their current build (images.current_build_id): the fleet-wide package
// query (GET /v1/packages) and the rebuild selector {package: ...}. Names are looked up as pip does for pypi (PEP 503:
// case, and runs of - _ . alike) and case-insensitively elsewhere; the version range is applied here, in JS, by each
// row's ecosystem (package-versions.ts), so the SQL only narrows by name and ecosystem.
//
// The plans (EXPLAIN ANALYZE over 10,000 images and 1.5 M catalog rows; bench/package-query.ts): for a name many
// images hold, Postgres walks the org's images in name order (images_org_name) and probes catalog_packages_holding
// with (lookup name, build id) per image, stopping once the page is full; for a rarer name, or a long chunk, it reads
// every build holding the name from the same index (its lookup name prefix) and hash-joins the org's images. The
// index leads with the lookup name and then the build, not the ecosystem, so that the probe is one descent when no
// ecosystem is asked for, and it covers name and version, so that neither plan reads the table itself.

export type PackageHolding = {
  image: string;
  imageId: string;
  baseImageName: string;
  generation: number;
  buildId: string;
  ecosystem: string;
  name: string;
  version: string;
};

/** The order of the answers, unique: an image holds one package of a name per ecosystem. */
export const HOLDING_ORDER = [images.name, catalogPackages.ecosystem, catalogPackages.name] as const;
export const holdingKey = (h: PackageHolding) => [h.image, h.ecosystem, h.name];

/**
 * Rows read per query when a version range filters them afterwards: at first as many as still wanted (a small LIMIT
 * lets Postgres walk the org's images in order and stop early), then four times more each round, up to the most.
 */
const CHUNK_GROWTH = 4;
// Small enough that the range comparisons of one chunk (synchronous JS) never hold the event loop for long.
const MAX_CHUNK = 1000;

/** The rows holding the name (and ecosystem) after `after`, in HOLDING_ORDER, before any version filter. */
function holdingsAfter(db: Queryable, org: string, filter: PackageFilter, after: string[] | undefined, limit: number) {
  const key = lookupNameOf(filter.name);
  return db
    .select({
      image: images.name,
      imageId: images.id,
      baseImageName: images.baseImageName,
      generation: images.generation,
      buildId: catalogPackages.buildId,
      ecosystem: catalogPackages.ecosystem,
      name: catalogPackages.name,
      version: catalogPackages.version,
    })
    .from(images)
    .innerJoin(catalogPackages, eq(catalogPackages.buildId, images.currentBuildId))
    .where(
      and(
        eq(images.org, org),
        sql`${packageLookupName(catalogPackages.name)} = ${key}`,
        // Only pypi folds - _ . together; elsewhere `python3.11` and `python3-11` are different packages. A name
        // without them needs no second look (and Postgres, which cannot estimate it, plans better without it).
        /[-_.]/.test(filter.name) && filter.ecosystem !== 'pypi'
          ? or(
              eq(catalogPackages.ecosystem, 'pypi'),
              sql`lower(${catalogPackages.name}) = ${filter.name.toLowerCase()}`,
            )
          : undefined,
        filter.ecosystem ? eq(catalogPackages.ecosystem, filter.ecosystem) : undefined,
        // The row comparison spans both tables, so no index can answer it; the image name alone lets the walk
        // over the org's images start at the cursor instead of at the first image.
        after ? gte(images.name, after[0]!) : undefined,
        after ? sql`(${sql.join([...HOLDING_ORDER], sql`, `)}) > (${sql.join(after, sql`, `)})` : undefined,
      ),
    )
    .orderBy(...HOLDING_ORDER.map((column) => asc(column)))
    .limit(limit);
}

/** The range of a filter; the API refused malformed ones already, so a failure here is a bug in the caller. */
function rangeOf(filter: PackageFilter): VersionRange | undefined {
  if (filter.version === undefined) return undefined;
  const parsed = parseVersionRange(filter.version);
  if ('problem' in parsed) throw new Error(`package ${filter.name}: version: ${parsed.problem}`);
  return parsed.range;
}

/**
 * Up to `limit` holdings after `after` (a key of HOLDING_ORDER) whose version is in the filter's range. Without a
 * range that is one query; with one, rows are read in chunks after the last row read until `limit` matched or the
 * rows ran out, so a page is full whatever the range leaves out.
 */
export async function findHoldings(
  db: Queryable,
  org: string,
  filter: PackageFilter,
  { after, limit, maxScanned = Infinity }: { after?: string[]; limit: number; maxScanned?: number },
): Promise<{ holdings: PackageHolding[]; resumeAfter?: string[] }> {
  const range = rangeOf(filter);
  if (!range) return { holdings: await holdingsAfter(db, org, filter, after, limit) };
  const found: PackageHolding[] = [];
  let from = after;
  let scanned = 0;
  for (let chunk = Math.min(limit, MAX_CHUNK); ; chunk = Math.min(chunk * CHUNK_GROWTH, MAX_CHUNK)) {
    const rows = await holdingsAfter(db, org, filter, from, chunk);
    for (const row of rows) {
      if (inVersionRange(row.ecosystem, row.version, range)) found.push(row);
      if (found.length === limit) return { holdings: found };
    }
    if (rows.length < chunk) return { holdings: found };
    from = holdingKey(rows[rows.length - 1]!);
    scanned += rows.length;
    // A range few rows meet would otherwise read the whole org in one request: a short page says where to go on.
    if (scanned >= maxScanned) return { holdings: found, resumeAfter: from };
  }
}

/**
 * Every image of the org whose current build holds the package (in the range, when one is given), in name order:
 * what a rebuild with the selector {package: ...} takes. An image holding the name in two ecosystems is listed once.
 */
export async function imagesHoldingPackage(
  db: Queryable,
  org: string,
  filter: PackageFilter,
): Promise<{ id: string; name: string; baseImageName: string; generation: number }[]> {
  const { holdings } = await findHoldings(db, org, filter, { limit: Number.MAX_SAFE_INTEGER });
  const seen = new Set<string>();
  return holdings.flatMap(({ imageId: id, image: name, baseImageName, generation }) => {
    if (seen.has(id)) return [];
    seen.add(id);
    return [{ id, name, baseImageName, generation }];
  });
}
