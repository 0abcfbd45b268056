// Client side of batch rebuilds and their schedules (used by the API; not part of the workflow bundle).
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowIdConflictPolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { RebuildScheduleRow } from '../db/schema.js';
import type { WorkflowStarter } from './workflow-starts.js';
import type { RebuildJob, RebuildOutcome } from '../workflows/jobs.js';
import type { rebuildWorkflow } from '../workflows/rebuild.js';
import { searchAttributesFor } from '../workflows/search-attributes.js';

export type RebuildRequest = Pick<RebuildJob, 'org' | 'selector' | 'dryRun' | 'force' | 'trigger'> & {
  rebuildId: string;
};

const searchAttributes = (org: string, name: string, status: string) =>
  searchAttributesFor('Rebuild', org, name, status);

function jobFor(
  starter: WorkflowStarter,
  request: Omit<RebuildRequest, 'rebuildId'> & { rebuildId?: string },
): RebuildJob {
  return {
    ...request,
    concurrency: starter.rebuildConcurrency ?? 2,
    policy: starter.buildPolicy,
    ...(starter.rebuildWindow && { window: starter.rebuildWindow }),
  };
}

function startOptions(starter: WorkflowStarter, request: RebuildRequest) {
  return {
    taskQueue: starter.taskQueue,
    workflowId: `rebuild/${request.org}/${request.rebuildId}`,
    args: [jobFor(starter, request)] as [RebuildJob],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    typedSearchAttributes: searchAttributes(request.org, request.rebuildId, request.dryRun ? 'PLANNING' : 'RUNNING'),
    staticSummary: `${request.dryRun ? 'plan' : 'run'} a rebuild of ${JSON.stringify(request.selector)} in org ${request.org}`,
    // The API waits for a dry run's answer: it must end, with or without a worker to plan it.
    ...(request.dryRun && { workflowExecutionTimeout: `${starter.planTimeoutSeconds ?? 300} seconds` }),
  };
}

/**
 * Starts a dry run and waits for its plan (it re-verifies base images, which takes seconds) at most
 * `dryRunWaitSeconds`: undefined when it takes longer (it goes on; the plan is read from its row once DONE). A run
 * that fails or times out within the wait throws WorkflowFailedError, as `execute` would.
 */
export async function planRebuild(
  starter: WorkflowStarter,
  request: RebuildRequest,
): Promise<RebuildOutcome | undefined> {
  const handle = await starter.client.workflow.start<typeof rebuildWorkflow>(
    'rebuildWorkflow',
    startOptions(starter, request),
  );
  const wait = new AbortController();
  const timer = setTimeout(() => wait.abort(), (starter.dryRunWaitSeconds ?? 20) * 1000);
  try {
    // Aborting ends the long poll too, so a slow plan leaves no call open behind the answer.
    return await starter.client.withAbortSignal(wait.signal, () => handle.result());
  } catch (err) {
    if (wait.signal.aborted) return undefined;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export async function startRebuild(starter: WorkflowStarter, request: RebuildRequest): Promise<void> {
  await starter.client.workflow.start<typeof rebuildWorkflow>('rebuildWorkflow', startOptions(starter, request));
}

export const scheduleIdFor = (org: string, name: string) => `rebuild-schedule/${org}/${name}`;

/** A Temporal schedule that starts a (non-dry) rebuild on `cron`; overlapping runs are skipped. */
export async function createRebuildSchedule(starter: WorkflowStarter, row: RebuildScheduleRow, paused: boolean) {
  const job = jobFor(starter, {
    org: row.org,
    selector: row.selector,
    dryRun: false,
    force: row.force,
    trigger: `schedule ${row.name}`,
  });
  await starter.client.schedule.create({
    scheduleId: scheduleIdFor(row.org, row.name),
    spec: { cronExpressions: [row.cron] },
    action: {
      type: 'startWorkflow',
      workflowType: 'rebuildWorkflow',
      taskQueue: starter.taskQueue,
      workflowId: `rebuild/${row.org}/schedule-${row.name}`,
      args: [job],
      typedSearchAttributes: searchAttributes(row.org, row.name, 'RUNNING'),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
    state: { paused, note: paused ? 'created paused' : undefined },
  });
}

export const scheduleHandle = (starter: WorkflowStarter, org: string, name: string) =>
  starter.client.schedule.getHandle(scheduleIdFor(org, name));

/** What Temporal knows of a schedule: whether it is paused, its next and recent runs. */
export async function describeSchedule(starter: WorkflowStarter, org: string, name: string) {
  const description = await scheduleHandle(starter, org, name)
    .describe()
    .catch((err) => {
      if (err instanceof ScheduleNotFoundError) return undefined;
      throw err;
    });
  // Someone removed it in the Temporal UI: say so rather than fail the whole list.
  if (!description) return { paused: true, note: 'the Temporal schedule is missing', nextRunTimes: [], recentRuns: [] };
  return {
    paused: description.state.paused,
    note: description.state.note || null,
    nextRunTimes: description.info.nextActionTimes.map((d) => d.toISOString()),
    recentRuns: description.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
    })),
  };
}

/**
 * How a rebuild's workflow ended (TERMINATED, FAILED, NOT FOUND...), or undefined while it runs, or when the row
 * names no workflow it can be looked up by (a scheduled run recorded before rows carried one).
 */
export async function rebuildWorkflowEnded(
  starter: WorkflowStarter,
  row: { id: string; org: string; trigger: string; workflowId: string | null },
): Promise<string | undefined> {
  const workflowId = row.workflowId ?? (row.trigger === 'api' ? `rebuild/${row.org}/${row.id}` : undefined);
  if (!workflowId) return undefined;
  try {
    const { status } = await starter.client.workflow.getHandle(workflowId).describe();
    return status.name === 'RUNNING' ? undefined : status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'NOT FOUND';
    throw err;
  }
}
