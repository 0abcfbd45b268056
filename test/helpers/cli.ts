import { serve } from '@hono/node-server';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './env.js';
import type { TestService } from './service.js';

// The CLI as users run it: `node cli/bin.js` in a child process, talking HTTP to the real service served on a
// random port of 127.0.0.1.

export type CliRun = { code: number; stdout: string; stderr: string };
export type CliServer = { apiUrl: string; close(): Promise<void> };

/** Serves the test service's Hono app on a random local port, for the CLI to reach over HTTP. */
export async function serveForCli(service: Pick<TestService, 'app'>): Promise<CliServer> {
  const server = serve({ fetch: service.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let missingConfig: string | undefined;
/** A config file that does not exist (in a fresh folder of its own): ~/.dispatch/config.json must not leak in. */
function noConfigFile(): string {
  missingConfig ??= join(mkdtempSync(join(tmpdir(), 'dispatch-cli-')), 'no-config.json');
  return missingConfig;
}

/**
 * Runs `node cli/bin.js ...args` with process.env overlaid by `env`, where an `undefined` value removes the
 * variable. DISPATCH_CONFIG points at a file that does not exist unless `env` gives it a value. The run resolves
 * (never rejects) with the exit code, 1 when the process did not exit normally (killed, timed out).
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
  merged.DISPATCH_CONFIG = env.DISPATCH_CONFIG ?? noConfigFile();
  const { cwd = ROOT, timeoutMs = 170_000 } = options;
  return new Promise((resolve) => {
    execFile(
      'node',
      [join(ROOT, 'cli/bin.js'), ...args],
      { cwd, env: merged, timeout: timeoutMs },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Asserts that a run exited 0 (showing its stderr if not), answering the run. */
export function expectOk(run: CliRun): CliRun {
  expect(run, run.stderr).toMatchObject({ code: 0 });
  return run;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), as a person at a terminal would: stdout and stderr are
 * both the terminal, so they arrive together in `stdout`, escape sequences and all.
 */
export function runCliOnTerminal(
  args: string[],
  env: Record<string, string | undefined>,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  // A pty starts with no size; a person's terminal has one.
  const command = `stty cols 120 rows 40; ${['node', join(ROOT, 'cli/bin.js'), ...args].map(shellQuote).join(' ')}`;
  const merged: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
  delete merged.CI; // CI logs get plain lines even on a terminal: this run is the person's case
  merged.DISPATCH_CONFIG = env.DISPATCH_CONFIG ?? noConfigFile();
  const { cwd = ROOT, timeoutMs = 170_000 } = options;
  return new Promise((resolve) => {
    execFile(
      'script',
      ['--quiet', '--return', '--command', command, '/dev/null'],
      { cwd, env: merged, timeout: timeoutMs },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}
