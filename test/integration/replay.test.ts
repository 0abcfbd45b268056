import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { workflowBundlePath } from '../helpers/env.js';
import '../helpers/runtime.js';

// Workflows in flight when a worker is upgraded are replayed by the new code. These recorded histories (one per
// workflow type and outcome, from scripts/record-histories.ts) must replay without a determinism error; a change
// that breaks one needs `patched()` or, when meant, new recordings named in its commit.
const folder = new URL('../histories/', import.meta.url);
const histories = readdirSync(folder).filter((f) => f.endsWith('.json'));

describe('replaying recorded workflow histories', () => {
  it('has a recording for every workflow type', () => {
    const types = new Set(histories.map((f) => f.replace(/-(completed|failed)\.json$/, '')));
    expect([...types].sort()).toEqual([
      'baseImageCleanupWorkflow',
      'baseImageWorkflow',
      'imageCleanupWorkflow',
      'imageWorkflow',
      'rebuildWorkflow',
    ]);
  });

  it.each(histories)('%s replays with the current workflow code', async (file) => {
    const history: unknown = JSON.parse(readFileSync(new URL(file, folder), 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: { codePath: workflowBundlePath() } }, history, file);
  });
});
