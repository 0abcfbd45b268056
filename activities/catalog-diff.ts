import type { CatalogDiff, CatalogEntry } from '../db/schema.js';

const key = (e: CatalogEntry) => `${e.ecosystem}\t${e.name.toLowerCase()}`;

/** What was added, removed or changed (a different version) from `before` to `after`. */
export function diffCatalogs(
  previousBuildId: string | null,
  before: CatalogEntry[],
  after: CatalogEntry[],
): CatalogDiff {
  const old = new Map(before.map((e) => [key(e), e]));
  const now = new Map(after.map((e) => [key(e), e]));
  const diff: CatalogDiff = { previousBuildId, added: [], removed: [], changed: [] };
  for (const [k, entry] of now) {
    const was = old.get(k);
    if (!was) diff.added.push(entry);
    else if (was.version !== entry.version) {
      diff.changed.push({ ecosystem: entry.ecosystem, name: entry.name, from: was.version, to: entry.version });
    }
  }
  for (const [k, entry] of old) if (!now.has(k)) diff.removed.push(entry);
  return diff;
}
