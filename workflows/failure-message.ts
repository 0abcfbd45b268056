import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure } from '@temporalio/workflow';

function innermost(err: unknown): unknown {
  let current: unknown = err;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause) {
    current = current.cause;
  }
  return current;
}

/** The words a user should read in `reason`: the innermost application failure's message, else the outer one. */
export function failureMessage(err: unknown): string {
  const current = innermost(err);
  if (current instanceof TimeoutFailure) {
    return current.timeoutType === 'HEARTBEAT'
      ? 'the worker stopped reporting progress and the retries ran out'
      : 'took longer than its time limit';
  }
  if (current instanceof ApplicationFailure || current instanceof Error) return current.message;
  return String(current);
}
