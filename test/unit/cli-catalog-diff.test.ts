import { describe, expect, it } from 'vitest';
import type { Build, CatalogDiff } from '../../cli/api-types.js';
import { buildColumns, buildColumnsFor } from '../../cli/build-commands.js';
import { comparisonLine, diffColumns, diffRows, diffSummary } from '../../cli/catalog-diff.js';
import { renderTable } from '../../cli/table.js';

const diff: CatalogDiff = {
  previousBuildId: 'b1',
  added: [{ ecosystem: 'deb', name: 'jq', version: '1.6-2.1' }],
  removed: [{ ecosystem: 'pypi', name: 'six', version: '1.15.0' }],
  changed: [{ ecosystem: 'deb', name: 'libc6', from: '2.36-9', to: '2.36-9+deb12u4' }],
};
const empty: CatalogDiff = { previousBuildId: 'b1', added: [], removed: [], changed: [] };
const first: CatalogDiff = { ...diff, previousBuildId: null, removed: [], changed: [] };

const build = (id: string, catalogDiff: CatalogDiff | null): Build => ({
  id,
  generation: 1,
  trigger: 'rebuild',
  inputs: null,
  inputsSha256: null,
  rebuildId: null,
  reusedBuildId: null,
  catalogDiff,
  outcome: 'SUCCEEDED',
  step: null,
  error: null,
  dockerUrl: null,
  digest: null,
  startedTime: 0,
  finishedTime: 1,
  durationMs: 1000,
});

describe('catalog diff', () => {
  it('lists added, removed, then changed packages, a change reading from -> to', () => {
    const rows = diffRows(diff).map((row) => diffColumns.map((c) => c.cell(row)));
    expect(
      renderTable(
        diffColumns.map((c) => c.header),
        rows,
      ).split('\n'),
    ).toEqual([
      '  CHANGE  | ECOSYSTEM | NAME  |         VERSION',
      '-'.repeat(53),
      '  added   | deb       | jq    | 1.6-2.1',
      '  removed | pypi      | six   | 1.15.0',
      '  changed | deb       | libc6 | 2.36-9 -> 2.36-9+deb12u4',
      '',
    ]);
    expect(diffRows(empty)).toEqual([]);
  });

  it('summarizes counts, and nothing for a first build (whose whole catalog is "added")', () => {
    expect(diffSummary(diff)).toBe('+1 -1 ~1');
    expect(diffSummary(empty)).toBe('+0 -0 ~0');
    expect(diffSummary(first)).toBe('');
    expect(diffSummary(null)).toBe('');
  });

  it('names the two builds compared, or says there is no previous one', () => {
    expect(comparisonLine('b2', diff)).toBe('build b2 compared with build b1: 1 added, 1 removed, 1 changed');
    expect(comparisonLine('b2', empty)).toBe('build b2 compared with build b1: no package changed');
    expect(comparisonLine('b1', first)).toBe('build b1: no previous build to compare with');
  });

  it('adds a CATALOG column to the builds table once a build has a previous one', () => {
    expect(buildColumnsFor([build('b1', first)])).toBe(buildColumns);
    expect(buildColumnsFor([build('b1', null)])).toBe(buildColumns);
    const columns = buildColumnsFor([build('b2', diff), build('b1', first)]);
    expect(columns.map((c) => c.header)).toEqual(['ID', 'TRIGGER', 'OUTCOME', 'CATALOG', 'DURATION', 'STARTED']);
    expect(columns[3]?.cell(build('b2', diff))).toBe('+1 -1 ~1');
  });
});
