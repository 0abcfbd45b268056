// Client side of the workflows: how the API (and its reconciler) start them. Not imported by workflows/index.ts,
// so none of this reaches the workflow bundle.
import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import type { BaseImageRow } from '../db/schema.js';
import type { baseImageCleanupWorkflow, baseImageWorkflow } from './base-image.js';
import { workflowIdFor, type PullPolicy } from './jobs.js';
import { DISPATCH_KIND, DISPATCH_NAME, DISPATCH_ORG, DISPATCH_STATUS } from './search-attributes.js';

export type WorkflowStarter = { client: Client; taskQueue: string; pullPolicy?: PullPolicy };

/**
 * Starts the verification of a base image's current generation. `supersede` terminates a run of an older spec
 * (PUT); otherwise a run already in progress is kept (the reconciler only restarts lost work).
 */
export async function startBaseImageVerification(
  starter: WorkflowStarter,
  row: BaseImageRow,
  { supersede }: { supersede: boolean },
): Promise<void> {
  await starter.client.workflow.start<typeof baseImageWorkflow>('baseImageWorkflow', {
    taskQueue: starter.taskQueue,
    workflowId: workflowIdFor('BaseImage', row.org, row.name),
    args: [
      {
        id: row.id,
        org: row.org,
        name: row.name,
        generation: row.generation,
        dockerUrl: row.dockerUrl,
        ...(starter.pullPolicy ? { pullPolicy: starter.pullPolicy } : {}),
      },
    ],
    workflowIdConflictPolicy: supersede ? WorkflowIdConflictPolicy.TERMINATE_EXISTING : WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [
      { key: DISPATCH_ORG, value: row.org },
      { key: DISPATCH_KIND, value: 'BaseImage' },
      { key: DISPATCH_NAME, value: row.name },
      { key: DISPATCH_STATUS, value: row.status },
    ],
    staticSummary: `verify base image ${row.name} (${row.dockerUrl}) for org ${row.org}`,
  });
}

/** Stops any verification in flight and removes the deleted base image's local copy. */
export async function startBaseImageCleanup(starter: WorkflowStarter, row: BaseImageRow): Promise<void> {
  await starter.client.workflow.start<typeof baseImageCleanupWorkflow>('baseImageCleanupWorkflow', {
    taskQueue: starter.taskQueue,
    workflowId: workflowIdFor('BaseImage', row.org, row.name),
    args: [{ dockerUrl: row.dockerUrl }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.TERMINATE_EXISTING,
    typedSearchAttributes: [
      { key: DISPATCH_ORG, value: row.org },
      { key: DISPATCH_KIND, value: 'BaseImage' },
      { key: DISPATCH_NAME, value: row.name },
      { key: DISPATCH_STATUS, value: 'DELETED' },
    ],
    staticSummary: `remove the local copy of deleted base image ${row.name}`,
  });
}
