import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../cli/client.js';
import { itemColumns, planColumns, rebuildColumns } from '../../cli/rebuild-commands.js';
import type { RebuildDetail as Rebuild, RebuildItem, RebuildSchedule } from '../../cli/api-types.js';
import { failedItems, followRebuild, progressLine } from '../../cli/rebuild-wait.js';
import { nextRun, scheduleColumns } from '../../cli/schedule-commands.js';
import { formatDate } from '../../cli/table.js';

// The lines end with the time waited, ` (0s)`: the rest is what these tests check.
const withoutElapsed = (line: unknown) => String(line).replace(/ \(\d+(m\d+)?s\)$/, '');

const item = (imageName: string, outcome: string): RebuildItem => ({
  imageName,
  baseImageName: 'py',
  rebuild: outcome !== 'SKIPPED',
  reason: outcome === 'SKIPPED' ? 'inputs unchanged' : 'forced',
  outcome,
  buildId: null,
});
const run = (status: Rebuild['status'], items: RebuildItem[]): Rebuild => ({
  id: 'r1',
  selector: { all: true },
  dryRun: false,
  force: true,
  trigger: 'api',
  status,
  createdTime: 0,
  finishedTime: null,
  items,
});

afterEach(() => vi.restoreAllMocks());

describe('rebuild progress', () => {
  it('counts items per outcome in the order they go through', () => {
    const items = [item('c', 'SUCCEEDED'), item('a', 'SKIPPED'), item('b', 'RUNNING'), item('d', 'SUCCEEDED')];
    expect(progressLine(run('RUNNING', items))).toBe('RUNNING: 1 RUNNING, 2 SUCCEEDED, 1 SKIPPED');
    expect(progressLine(run('RUNNING', [item('x', 'NEW'), item('y', 'PENDING')]))).toBe('RUNNING: 1 PENDING, 1 NEW');
    expect(progressLine({ status: 'PLANNING' })).toBe('PLANNING');
  });

  it('follows a run from before its row exists until DONE, printing each change once', async () => {
    const progress = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const answers: (Rebuild | HttpError)[] = [
      new HttpError(404, 'rebuild r1 not found'),
      run('RUNNING', [item('a', 'PENDING'), item('b', 'PENDING')]),
      run('RUNNING', [item('a', 'PENDING'), item('b', 'PENDING')]),
      run('RUNNING', [item('a', 'RUNNING'), item('b', 'PENDING')]),
      run('DONE', [item('a', 'SUCCEEDED'), item('b', 'FAILED')]),
    ];
    const paths: string[] = [];
    const client = {
      get: async <T>(path: string) => {
        paths.push(path);
        const answer = answers.shift();
        if (answer instanceof HttpError) throw answer;
        return answer as T;
      },
    };
    const done = await followRebuild(client, 'r1', 60, { sleep: async () => undefined });
    expect(done.status).toBe('DONE');
    expect(paths).toEqual(Array(5).fill('/v1/rebuilds/r1'));
    expect(progress.mock.calls.map(([line]) => withoutElapsed(line))).toEqual([
      'rebuild r1: STARTING',
      'rebuild r1: RUNNING: 2 PENDING (0/2 done)',
      'rebuild r1: RUNNING: 1 PENDING, 1 RUNNING (0/2 done)',
      'rebuild r1: DONE: 1 SUCCEEDED, 1 FAILED (2/2 done)',
    ]);
    expect(failedItems(done).map((i) => i.imageName)).toEqual(['b']);
  });

  it('passes errors other than a 404 on', async () => {
    const client = {
      get: async () => {
        throw new HttpError(403, 'forbidden');
      },
    };
    await expect(followRebuild(client, 'r1', 60, { sleep: async () => undefined })).rejects.toThrow('forbidden');
  });
});

describe('rebuild and schedule tables', () => {
  const cells = <R>(columns: readonly { cell: (r: R) => string }[], r: R) => columns.map((c) => c.cell(r));

  it('shows plans with yes/no, items with their outcome, runs with their trigger', () => {
    expect(planColumns.map((c) => c.header)).toEqual(['IMAGE', 'BASEIMAGE', 'REBUILD', 'REASON']);
    expect(cells(planColumns, item('a', 'SKIPPED'))).toEqual(['a', 'py', 'no', 'inputs unchanged']);
    expect(cells(itemColumns, item('a', 'FAILED'))).toEqual(['a', 'FAILED', 'forced']);
    expect(cells(rebuildColumns, run('DONE', []))).toEqual(['r1', 'api', 'DONE', 'no', formatDate(0)]);
  });

  it('shows a schedule with its selector, whether paused, and its next run', () => {
    const schedule: RebuildSchedule = {
      name: 'nightly',
      cron: '0 3 * * *',
      selector: { baseImageName: 'py' },
      force: true,
      createdTime: 0,
      paused: true,
      note: 'created paused',
      nextRunTimes: ['2030-01-02T03:00:00.000Z', '2030-01-03T03:00:00.000Z'],
      recentRuns: [],
    };
    expect(scheduleColumns.map((c) => c.header)).toEqual(['NAME', 'CRON', 'SELECTOR', 'PAUSED', 'NEXT RUN']);
    expect(cells(scheduleColumns, schedule)).toEqual([
      'nightly',
      '0 3 * * *',
      '--base-image py --force',
      'yes',
      formatDate(Date.UTC(2030, 0, 2, 3) / 1000),
    ]);
    expect(nextRun({ nextRunTimes: [] })).toBe('');
  });
});
