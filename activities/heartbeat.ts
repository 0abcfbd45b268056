import { Context } from '@temporalio/activity';

const EVERY_MS = 5_000;

/**
 * Heartbeats every few seconds while a long Docker call runs, even when the call reports nothing: the heartbeat
 * timeout is how Temporal notices a dead worker, and a slow but live step must not look dead. Answers the stop.
 */
export function keepHeartbeating(details: () => unknown): () => void {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(details()), EVERY_MS);
  return () => clearInterval(timer);
}
