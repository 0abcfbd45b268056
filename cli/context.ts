// What every command needs from the global flags: an API client for the chosen server, token and org, and the
// output format. The settings themselves (flags > env > config file > defaults) are resolved in settings.ts.
import type { Command } from 'commander';
import { DispatchClient } from './client.js';
import { outputFormat, type OutputFormat } from './output.js';
import { DEFAULT_SERVER, resolveSettings, unauthorizedHint, type SettingFlags, type TokenScope } from './settings.js';

export { DEFAULT_SERVER };

export type GlobalOptions = SettingFlags & { output?: 'json' | 'yaml'; json?: boolean };

export type CommandContext = { client: DispatchClient; format: OutputFormat };

/**
 * Reads the global flags (which commander accepts before or after the subcommand) from the running command.
 * `scope`: which token the command needs, an org's or the platform admin's (settings.ts).
 */
export function commandContext(command: Command, scope: TokenScope = 'org'): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const settings = resolveSettings(options, process.env, undefined, scope);
  return {
    client: new DispatchClient({
      server: checkServer(settings.server),
      organization: settings.organization,
      token: settings.token,
      unauthorizedHint: unauthorizedHint(settings),
    }),
    format: outputFormat(options),
  };
}

// A typo such as `--server 127.0.0.1:8080` would otherwise surface as an obscure fetch error.
function checkServer(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`invalid server address "${server}" (expected a URL such as ${DEFAULT_SERVER})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`invalid server address "${server}" (expected http:// or https://)`);
  }
  return server;
}
