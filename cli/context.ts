// What every command needs from the global flags: an API client for the chosen server and org, and the output format.
import type { Command } from 'commander';
import { DispatchClient } from './client.js';
import { outputFormat, type OutputFormat } from './output.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';
export const DEFAULT_ORGANIZATION = 'default';

export type GlobalOptions = { server: string; organization: string; output?: 'json' | 'yaml'; json?: boolean };

export type CommandContext = { client: DispatchClient; format: OutputFormat };

/** Reads the global flags (which commander accepts before or after the subcommand) from the running command. */
export function commandContext(command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  return {
    client: new DispatchClient({ server: checkServer(options.server), organization: options.organization }),
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
