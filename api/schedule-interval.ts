import { CronExpressionParser } from 'cron-parser';

// A schedule that fires every second is a denial of service on every org's builds; the shortest interval between
// two runs is checked before Temporal sees the cron. Temporal stays the judge of whether a cron is valid at all.
const MINUTE = 60_000;
const DESCRIPTORS: Record<string, number> = {
  '@hourly': 60 * MINUTE,
  '@daily': 24 * 60 * MINUTE,
  '@weekly': 7 * 24 * 60 * MINUTE,
  '@monthly': 28 * 24 * 60 * MINUTE,
  '@yearly': 365 * 24 * 60 * MINUTE,
  '@annually': 365 * 24 * 60 * MINUTE,
};
const GO_DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: MINUTE,
  h: 60 * MINUTE,
};
const SAMPLED_RUNS = 500;

/** `@every 1h30m` (a Go duration, optionally `/offset`) in milliseconds, or undefined when it is not one. */
function everyInterval(cron: string): number | undefined {
  const match = /^@every\s+([^/\s]+)(\/\S+)?$/.exec(cron);
  if (!match) return undefined;
  const parts = [...match[1]!.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.map((p) => p[0]).join('') !== match[1]) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * GO_DURATION_UNITS[p[2]!]!, 0);
}

/**
 * The shortest time between two runs of a cron, in milliseconds: exact for descriptors and `@every`, sampled over
 * the next 500 runs for field expressions. Undefined when it cannot be read here (Temporal then decides).
 */
export function shortestInterval(cron: string): number | undefined {
  if (cron in DESCRIPTORS) return DESCRIPTORS[cron];
  if (cron.startsWith('@every')) return everyInterval(cron);
  try {
    const runs = CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: new Date('2026-01-01T00:00:00Z') });
    let previous = runs.next().getTime();
    let shortest = Infinity;
    for (let i = 0; i < SAMPLED_RUNS && runs.hasNext(); i++) {
      const next = runs.next().getTime();
      shortest = Math.min(shortest, next - previous);
      previous = next;
    }
    return shortest;
  } catch {
    return undefined;
  }
}

/** Why a cron runs too often for `minMinutes`, or undefined when it does not. */
export function tooFrequent(cron: string, minMinutes: number): string | undefined {
  const interval = shortestInterval(cron);
  if (interval === undefined || interval >= minMinutes * MINUTE) return undefined;
  const every = interval < MINUTE ? `${interval / 1000} s` : `${Math.round((interval / MINUTE) * 10) / 10} min`;
  return `runs as often as every ${every}; the shortest interval allowed is ${minMinutes} minutes (SCHEDULE_MIN_INTERVAL_MINUTES)`;
}
