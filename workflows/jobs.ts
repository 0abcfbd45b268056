// Workflow inputs and ids, shared by the API (which starts workflows) and the workflows themselves.
// Inputs carry ids and the spec generation, never logs or large text (history stays small).

export type ResourceKind = 'BaseImage' | 'Image';

export type BaseImageJob = {
  id: string;
  org: string;
  name: string;
  generation: number;
  dockerUrl: string;
  /** Retry policy of the pull; the defaults suit production, tests shorten them. */
  pullRetry?: PullRetry;
};

export type PullRetry = { initialIntervalMs: number; maximumIntervalMs: number; maximumAttempts: number };

export const DEFAULT_PULL_RETRY: PullRetry = { initialIntervalMs: 1_000, maximumIntervalMs: 30_000, maximumAttempts: 10 };

/** One workflow per resource at a time: the id names it, so a newer spec supersedes the running one. */
export function workflowIdFor(kind: ResourceKind, org: string, name: string): string {
  return `${kind === 'BaseImage' ? 'baseimage' : 'image'}/${org}/${name}`;
}
