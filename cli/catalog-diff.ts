// What a build changed in an image's catalog against the image's previous successful build: after a nightly
// rebuild, this is the answer to "what is different now?". Pure functions, so the rows are unit-tested.
import type { CatalogDiff } from './api-types.js';
import type { Column } from './output.js';

export type DiffRow = { change: 'added' | 'removed' | 'changed'; ecosystem: string; name: string; version: string };

/** One row per package: added, then removed, then changed (whose version reads `from -> to`). */
export function diffRows(diff: CatalogDiff): DiffRow[] {
  return [
    ...diff.added.map((e) => ({ change: 'added' as const, ...e })),
    ...diff.removed.map((e) => ({ change: 'removed' as const, ...e })),
    ...diff.changed.map(({ ecosystem, name, from, to }) => ({
      change: 'changed' as const,
      ecosystem,
      name,
      version: `${from} -> ${to}`,
    })),
  ];
}

export const diffColumns: readonly Column<DiffRow>[] = [
  { header: 'CHANGE', cell: (r) => r.change },
  { header: 'ECOSYSTEM', cell: (r) => r.ecosystem },
  { header: 'NAME', cell: (r) => r.name },
  { header: 'VERSION', cell: (r) => r.version },
];

/**
 * `+3 -1 ~2` for the builds table. Empty without a previous build: a first build "adds" the whole catalog, which
 * says nothing about what changed.
 */
export function diffSummary(diff: CatalogDiff | null): string {
  if (!diff?.previousBuildId) return '';
  return `+${diff.added.length} -${diff.removed.length} ~${diff.changed.length}`;
}

/** The stderr line of `get catalog-diff`: which two builds are compared, and how much changed. */
export function comparisonLine(buildId: string, diff: CatalogDiff): string {
  if (!diff.previousBuildId) return `build ${buildId}: no previous build to compare with`;
  const counts = [
    [diff.added.length, 'added'],
    [diff.removed.length, 'removed'],
    [diff.changed.length, 'changed'],
  ] as const;
  const changes = counts.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`);
  return `build ${buildId} compared with build ${diff.previousBuildId}: ${changes.join(', ') || 'no package changed'}`;
}
