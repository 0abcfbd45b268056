import { Context } from '@temporalio/activity';

const EVERY_MS = 5_000;

/**
 * Heartbeats every few seconds while a long Docker call runs, even when the call reports nothing: the heartbeat
 * timeout is how Temporal notices a dead worker, and a slow but live step must not look dead. Answers the stop.
 */
export function keepHeartbeating(details: () => unknown): () => void {
  const ctx = Context.current();
  // Well inside the activity's heartbeat timeout, however short (tests use 3 s).
  const every = Math.min(EVERY_MS, Math.max(200, (ctx.info.heartbeatTimeoutMs ?? EVERY_MS * 3) / 3));
  const timer = setInterval(() => ctx.heartbeat(details()), every);
  return () => clearInterval(timer);
}
