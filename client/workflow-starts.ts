// Client side of the workflows: how the API (and its reconciler) start them. This room is never imported by
// workflows/, so none of it reaches the workflow bundle; the workflow functions are imported as types only, so
// every start is type-checked against the workflow it starts.
import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import type { BaseImageRow, ImageRow, PendingCleanup } from '../db/schema.js';
import type * as workflows from '../workflows/index.js';
import {
  workflowIdFor,
  type BuildPolicy,
  type BuildTrigger,
  type PullPolicy,
  type RebuildWindow,
  type ResourceKind,
} from '../workflows/jobs.js';
import { searchAttributesFor } from '../workflows/search-attributes.js';

export type WorkflowStarter = {
  client: Client;
  taskQueue: string;
  pullPolicy?: PullPolicy;
  buildPolicy?: BuildPolicy;
  /** The most builds one batch rebuild runs at a time. */
  rebuildConcurrency?: number;
  /** How long a dry run may take to plan; Temporal ends it after that (default 300 s). */
  planTimeoutSeconds?: number;
  /** How long the API waits for a dry run's plan before answering with the id to follow (default 20 s). */
  dryRunWaitSeconds?: number;
  /** How a batch takes builds from its plan (workflows/jobs.ts DEFAULT_REBUILD_WINDOW when absent). */
  rebuildWindow?: RebuildWindow;
};

type Resource = { kind: ResourceKind; org: string; name: string; status: string };
type Workflows = typeof workflows;
type ResourceWorkflow = Exclude<keyof Workflows, 'rebuildWorkflow'>;

/**
 * Starts the one workflow of a resource. `supersede` terminates a run in progress (a newer spec, or a delete);
 * otherwise a run in progress is kept (the reconciler only restarts lost work).
 */
async function startForResource<W extends ResourceWorkflow>(
  starter: WorkflowStarter,
  resource: Resource,
  workflowType: W,
  args: Parameters<Workflows[W]>,
  { supersede, summary }: { supersede: boolean; summary: string },
): Promise<void> {
  await starter.client.workflow.start<Workflows[W]>(workflowType, {
    taskQueue: starter.taskQueue,
    workflowId: workflowIdFor(resource.kind, resource.org, resource.name),
    args,
    workflowIdConflictPolicy: supersede
      ? WorkflowIdConflictPolicy.TERMINATE_EXISTING
      : WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: searchAttributesFor(resource.kind, resource.org, resource.name, resource.status),
    staticSummary: summary,
  });
}

/** The resource a run is for, as its search attributes show it (a cleanup shows DELETED). */
const resource = (kind: ResourceKind, row: BaseImageRow | ImageRow, status: string = row.status): Resource => ({
  kind,
  org: row.org,
  name: row.name,
  status,
});

export async function startBaseImageVerification(
  starter: WorkflowStarter,
  row: BaseImageRow,
  { supersede }: { supersede: boolean },
) {
  const job = {
    id: row.id,
    org: row.org,
    name: row.name,
    generation: row.generation,
    dockerUrl: row.dockerUrl,
    pullPolicy: starter.pullPolicy,
  };
  await startForResource(starter, resource('BaseImage', row), 'baseImageWorkflow', [job], {
    supersede,
    summary: `verify base image ${row.name} (${row.dockerUrl}) for org ${row.org}`,
  });
}

/** Stops any verification in flight and removes the deleted base image's local copy. */
export async function startBaseImageCleanup(starter: WorkflowStarter, row: BaseImageRow) {
  await startForResource(
    starter,
    resource('BaseImage', row, 'DELETED'),
    'baseImageCleanupWorkflow',
    [{ dockerUrl: row.dockerUrl }],
    {
      supersede: true,
      summary: `remove the local copy of deleted base image ${row.name}`,
    },
  );
}

export async function startImageBuild(
  starter: WorkflowStarter,
  row: ImageRow,
  trigger: BuildTrigger,
  { supersede }: { supersede: boolean },
) {
  const job = {
    id: row.id,
    org: row.org,
    name: row.name,
    generation: row.generation,
    baseImageName: row.baseImageName,
    trigger,
    policy: starter.buildPolicy,
  };
  await startForResource(starter, resource('Image', row), 'imageWorkflow', [job], {
    supersede,
    summary: `build image ${row.name} on base image ${row.baseImageName} for org ${row.org} (${trigger})`,
  });
}

/** Stops a build in flight and removes the local copies of a deleted image's builds. */
export async function startImageCleanup(starter: WorkflowStarter, row: ImageRow, dockerUrls: string[]) {
  await startForResource(starter, resource('Image', row, 'DELETED'), 'imageCleanupWorkflow', [{ dockerUrls }], {
    supersede: true,
    summary: `remove the local copies of deleted image ${row.name}`,
  });
}

/**
 * A cleanup the delete could not start (the process died, Temporal was away), started by the reconciler. Under a
 * workflow id of its own (the deleted resource's id): the resource's name may belong to a newer resource by now,
 * whose build must not be stopped.
 */
export async function startLateCleanup(starter: WorkflowStarter, cleanup: PendingCleanup) {
  const options = {
    taskQueue: starter.taskQueue,
    workflowId: `cleanup/${cleanup.kind === 'Image' ? 'image' : 'baseimage'}/${cleanup.resourceId}`,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: searchAttributesFor(cleanup.kind, cleanup.org, cleanup.name, 'DELETED'),
    staticSummary: `remove the local copies of deleted ${cleanup.kind === 'Image' ? 'image' : 'base image'} ${cleanup.name} (late)`,
  };
  if (cleanup.kind === 'Image') {
    await starter.client.workflow.start<Workflows['imageCleanupWorkflow']>('imageCleanupWorkflow', {
      ...options,
      args: [{ dockerUrls: cleanup.dockerUrls }],
    });
  } else {
    await starter.client.workflow.start<Workflows['baseImageCleanupWorkflow']>('baseImageCleanupWorkflow', {
      ...options,
      args: [{ dockerUrl: cleanup.dockerUrls[0] ?? '' }],
    });
  }
}
