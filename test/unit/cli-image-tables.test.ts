import { describe, expect, it } from 'vitest';
import type { Build, Image } from '../../cli/api-types.js';
import { buildColumns, catalogColumns, formatDuration } from '../../cli/build-commands.js';
import { imageKind } from '../../cli/image-commands.js';
import { formatDate, pad, renderTable } from '../../cli/table.js';
import type { Column } from '../../cli/output.js';

const rowsOf = <R>(columns: readonly Column<R>[], items: R[]) =>
  renderTable(
    columns.map((c) => c.header),
    items.map((item) => columns.map((c) => c.cell(item))),
  );

const image = (over: Partial<Image>): Image => ({
  id: 'a1',
  kind: 'Image',
  name: 'my-image',
  baseImageName: 'python3-base',
  language: 'python3',
  dockerUrl: null,
  digest: null,
  runtimeDependencies: { manifest: '' },
  systemDependencies: { packages: [] },
  tags: [],
  status: 'CREATING',
  reason: [],
  createdTime: 0,
  modifiedTime: 0,
  ...over,
});

describe('image table', () => {
  it('has the seed columns, with BASEIMAGE, and an empty URL until the first build', () => {
    // The date is in the machine's zone, whose name sets the width of the last column.
    const date = formatDate(0);
    const built = image({ name: 'py', dockerUrl: '127.0.0.1:5000/dispatch/py:1', status: 'READY' });
    expect(rowsOf(imageKind.columns, [image({}), built]).split('\n')).toEqual([
      `    NAME   |             URL              |  BASEIMAGE   |  STATUS  | ${pad('CREATED DATE', date.length, 'center')}`.trimEnd(),
      '-'.repeat(10 + 30 + 14 + 10 + date.length + 2),
      `  my-image |                              | python3-base | CREATING | ${date}`,
      `  py       | 127.0.0.1:5000/dispatch/py:1 | python3-base | READY    | ${date}`,
      '',
    ]);
  });
});

describe('build and catalog tables', () => {
  it('shows durations in seconds with one decimal, and none while running', () => {
    expect(formatDuration(12_345)).toBe('12.3s');
    expect(formatDuration(50)).toBe('0.1s');
    expect(formatDuration(null)).toBe('');
  });

  it('lists builds with ID, trigger, outcome, duration and start date', () => {
    const build: Build = {
      id: '0c3f',
      generation: 1,
      trigger: 'create',
      inputs: null,
      inputsSha256: null,
      rebuildId: null,
      reusedBuildId: null,
      catalogDiff: null,
      outcome: 'SUCCEEDED',
      step: null,
      error: null,
      dockerUrl: null,
      digest: null,
      startedTime: 0,
      finishedTime: 21,
      durationMs: 21_040,
    };
    const [header, , row] = rowsOf(buildColumns, [build]).split('\n');
    expect(header).toMatch(/^ +ID +\| TRIGGER \| +OUTCOME +\| DURATION \| +STARTED$/);
    expect(row).toBe(`  0c3f | create  | SUCCEEDED | 21.0s    | ${formatDate(0)}`);
  });

  it('lists catalog packages by ecosystem, name and version', () => {
    const table = rowsOf(catalogColumns, [
      { ecosystem: 'deb', name: 'jq', version: '1.6-2.1' },
      { ecosystem: 'pypi', name: 'six', version: '1.16.0' },
    ]);
    expect(table.split('\n')).toEqual([
      '  ECOSYSTEM | NAME | VERSION',
      '--------------------------',
      '  deb       | jq   | 1.6-2.1',
      '  pypi      | six  | 1.16.0',
      '',
    ]);
  });
});
