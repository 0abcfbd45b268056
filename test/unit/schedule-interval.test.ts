import { describe, expect, it } from 'vitest';
import { shortestInterval, tooFrequent } from '../../api/schedule-interval.js';

const MINUTE = 60_000;

describe('the shortest interval of a schedule', () => {
  it('reads @every durations and descriptors exactly', () => {
    expect(shortestInterval('@every 1s')).toBe(1000);
    expect(shortestInterval('@every 1h30m')).toBe(90 * MINUTE);
    expect(shortestInterval('@every 10m/2m')).toBe(10 * MINUTE);
    expect(shortestInterval('@hourly')).toBe(60 * MINUTE);
  });

  it('finds the shortest gap of field expressions, seconds included', () => {
    expect(shortestInterval('0 3 * * *')).toBe(24 * 60 * MINUTE);
    expect(shortestInterval('*/7 * * * *')).toBe(4 * MINUTE); // :56 -> :00
    expect(shortestInterval('0,1 3 * * *')).toBe(MINUTE);
    expect(shortestInterval('* * * * * *')).toBe(1000);
  });

  it("reads Temporal's additions: time zone prefixes, comments, a year as sixth field, signed @every", () => {
    expect(shortestInterval('CRON_TZ=UTC * * * * *')).toBe(MINUTE);
    expect(shortestInterval('TZ=Europe/Paris */1 * * * *')).toBe(MINUTE);
    expect(shortestInterval('* * * * * 2026')).toBe(MINUTE); // read with a year last: every minute of 2026
    expect(shortestInterval('* * * * * #x')).toBe(MINUTE);
    expect(shortestInterval('@every +1s')).toBe(1000);
    expect(shortestInterval('@every .5s')).toBe(500);
  });

  it('cannot read what cron-parser refuses, and such a cron is refused', () => {
    expect(shortestInterval('61 * * * *')).toBeUndefined();
    expect(shortestInterval('@every soon')).toBeUndefined();
    expect(tooFrequent('@every soon', 5)).toMatch(/^cannot be read to check its interval/);
  });

  it('says why a storm is refused, naming the setting', () => {
    expect(tooFrequent('@every 1s', 5)).toBe(
      'runs as often as every 1 s; the shortest interval allowed is 5 minutes (SCHEDULE_MIN_INTERVAL_MINUTES)',
    );
    expect(tooFrequent('@every 5m', 5)).toBeUndefined();
  });
});
