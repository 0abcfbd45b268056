// The CLI's configuration file: where the API is, which org, and the bearer token. $DISPATCH_CONFIG or
// ~/.dispatch/config.json. The local stack writes it on first start, so the quick start needs no manual step.
// `platformToken`, beside `token`, is the platform admin's: only the organization commands use it, every other
// command uses `token` (a file without it, written before organizations existed, reads as before).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export type CliConfig = { server?: string; organization?: string; token?: string; platformToken?: string };

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DISPATCH_CONFIG || join(homedir(), '.dispatch', 'config.json');
}

export function readCliConfig(path = configPath()): CliConfig {
  if (!existsSync(path)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as CliConfig) : {};
  } catch (err) {
    throw new Error(`the config file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** Writes the file readable by its owner only: it holds a token. */
export function writeCliConfig(config: CliConfig, path = configPath()): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
