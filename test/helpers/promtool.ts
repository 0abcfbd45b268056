import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';

/**
 * prom-client's default metrics name three gauges `*_total` (nodejs_active_handles_total and the like): promtool's
 * lint says so, and only that is let through. Everything else, ours and the SDK's, must lint clean.
 */
const PROM_CLIENT_DEFAULTS =
  /^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;

/** promtool check metrics (Debian's prometheus package): exit 1 on a malformed exposition, 3 on lint findings. */
export function promtoolCheck(text: string): { code: number; findings: string[] } {
  let code = 0;
  let output: string;
  try {
    output = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    code = e.status;
    output = `${e.stdout}${e.stderr}`;
  }
  return { code, findings: output.split('\n').filter((line) => line.trim()) };
}

/** Parses and lints clean, but for prom-client's three defaults. */
export function expectValidExposition(text: string) {
  const { code, findings } = promtoolCheck(text);
  expect(findings.filter((line) => !PROM_CLIENT_DEFAULTS.test(line.trim()))).toEqual([]);
  expect([0, 3], findings.join('\n')).toContain(code);
}
