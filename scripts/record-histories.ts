// Records one recent history per workflow type and outcome from the local Temporal server into test/histories/,
// for test/integration/replay.test.ts. Run it after `npm test` (which leaves such runs behind) when a workflow
// change is meant to be incompatible with runs in flight, and say so in the commit:
//   node --import tsx scripts/record-histories.ts
import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.js';

// rebuildWorkflow-legacy-completed.json (a batch from before plans moved to Postgres) is kept by hand: no run of that
// code can be recorded any more, and it keeps the legacy path replayable.
const WANTED: Array<[type: string, status: 'Completed' | 'Failed' | 'ContinuedAsNew']> = [
  ['baseImageWorkflow', 'Completed'],
  ['baseImageWorkflow', 'Failed'],
  ['baseImageCleanupWorkflow', 'Completed'],
  ['imageWorkflow', 'Completed'],
  ['imageWorkflow', 'Failed'],
  ['imageCleanupWorkflow', 'Completed'],
  ['rebuildWorkflow', 'Completed'],
  ['rebuildWorkflow', 'ContinuedAsNew'],
];

const config = loadConfig();
const temporalCli = join(homedir(), '.cache', 'dispatch-images', 'bin', 'temporal');
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
try {
  for (const [type, status] of WANTED) {
    const query = `WorkflowType = '${type}' AND ExecutionStatus = '${status}'`;
    for await (const execution of client.workflow.list({ query, pageSize: 1 })) {
      // The CLI writes the proto3 JSON that Worker.runReplayHistory reads (as the Web UI's download does).
      const history = execFileSync(temporalCli, [
        'workflow',
        'show',
        '--address',
        config.TEMPORAL_ADDRESS,
        '--namespace',
        config.TEMPORAL_NAMESPACE,
        '--workflow-id',
        execution.workflowId,
        '--run-id',
        execution.runId,
        '--output',
        'json',
      ]);
      const file = new URL(`../test/histories/${type}-${status.toLowerCase()}.json`, import.meta.url);
      writeFileSync(file, history);
      console.log(`recorded ${type} (${status}) from ${execution.workflowId}`);
      break;
    }
  }
} finally {
  await connection.close();
}
