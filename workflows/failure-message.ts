import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

/** The words a user should read in `reason`: the innermost application failure's message, else the outer one. */
export function failureMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  if (current instanceof TimeoutFailure) return `timed out (${current.timeoutType})`;
  if (current instanceof ApplicationFailure || current instanceof Error) return current.message;
  return String(current);
}
