import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as workflows from '../../workflows/index.js';
import { workflowBundlePath } from '../helpers/env.js';
import '../helpers/runtime.js';

// Workflows in flight when a worker is upgraded are replayed by the new code. These recorded histories (one per
// workflow type and outcome, from scripts/record-histories.ts) must replay without a determinism error; a change
// that breaks one needs `patched()` or, when meant, new recordings named in its commit.
const folder = new URL('../histories/', import.meta.url);
const histories = readdirSync(folder).filter((f) => f.endsWith('.json'));
// The workflow types the worker registers: every function workflows/index.ts (its workflowsPath) exports.
const workflowTypes = Object.entries(workflows)
  .filter(([, value]) => typeof value === 'function')
  .map(([name]) => name);

type History = { events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }> };
const readHistory = (file: string): History => JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as History;
const startedType = (history: History) =>
  history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;

describe('replaying recorded workflow histories', () => {
  it('has a recording for every workflow type, and none of a type the worker no longer runs', () => {
    // The type each history really started (its first event), not what its file name says.
    const types = new Set(histories.map((f) => startedType(readHistory(f))));
    expect(workflowTypes.length).toBeGreaterThan(0);
    expect([...types].sort()).toEqual([...workflowTypes].sort());
  });

  it.each(histories)('%s is named after the workflow type it records', (file) => {
    expect(file.startsWith(`${startedType(readHistory(file))}-`)).toBe(true);
  });

  it.each(histories)('%s replays with the current workflow code', async (file) => {
    await Worker.runReplayHistory({ workflowBundle: { codePath: workflowBundlePath() } }, readHistory(file), file);
  });
});
