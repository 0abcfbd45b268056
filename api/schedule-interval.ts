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

/** `@every 1h30m` (a Go duration, optionally signed, optionally `/offset`) in milliseconds, or undefined. */
function everyInterval(cron: string): number | undefined {
  const match = /^@every\s+[+]?([^/\s]+)(\/\S+)?$/.exec(cron);
  if (!match) return undefined;
  const parts = [...match[1]!.matchAll(/(\d*\.?\d+|\d+\.)(ns|us|µs|ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== match[1]) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * GO_DURATION_UNITS[p[2]!]!, 0);
}

/** The shortest gap over the next runs of a field expression as cron-parser reads it. */
function sampledInterval(fields: string): number {
  const runs = CronExpressionParser.parse(fields, { tz: 'UTC', currentDate: new Date('2026-01-01T00:00:00Z') });
  let previous = runs.next().getTime();
  let shortest = Infinity;
  for (let i = 0; i < SAMPLED_RUNS && runs.hasNext(); i++) {
    const next = runs.next().getTime();
    shortest = Math.min(shortest, next - previous);
    previous = next;
  }
  return shortest;
}

/**
 * The shortest time between two runs of a cron, in milliseconds: exact for descriptors and `@every`, sampled over
 * the next 500 runs for field expressions. Temporal's own additions are read too: a `CRON_TZ=`/`TZ=` prefix, a
 * `#` comment, and six fields, which Temporal may read with seconds first or with a year last: the shorter wins.
 * Undefined when it cannot be read here; such a cron is refused (a storm the check cannot see is still a storm).
 */
export function shortestInterval(cron: string): number | undefined {
  const text = cron
    .replace(/^(CRON_)?TZ=\S+\s+/, '')
    .replace(/\s*#.*$/, '')
    .trim();
  if (text in DESCRIPTORS) return DESCRIPTORS[text];
  if (text.startsWith('@')) return everyInterval(text);
  const fields = text.split(/\s+/);
  const readings = fields.length === 5 ? [text] : fields.length === 6 ? [text, fields.slice(0, 5).join(' ')] : [];
  const intervals = readings.flatMap((reading) => {
    try {
      return [sampledInterval(reading)];
    } catch {
      return [];
    }
  });
  return intervals.length ? Math.min(...intervals) : undefined;
}

/** Why a cron is refused: it runs too often for `minMinutes`, or it cannot be read; undefined when it is fine. */
export function tooFrequent(cron: string, minMinutes: number): string | undefined {
  const interval = shortestInterval(cron);
  if (interval === undefined) {
    return 'cannot be read to check its interval: use five fields such as "0 3 * * *", @hourly, @daily or @every 6h';
  }
  if (interval >= minMinutes * MINUTE) return undefined;
  const every = interval < MINUTE ? `${interval / 1000} s` : `${Math.round((interval / MINUTE) * 10) / 10} min`;
  return `runs as often as every ${every}; the shortest interval allowed is ${minMinutes} minutes (SCHEDULE_MIN_INTERVAL_MINUTES)`;
}
