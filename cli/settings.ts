// Where the CLI's server, organization and token come from. One rule for all three, as in the original:
// flags > DISPATCH_* environment variables > the config file > defaults. Pure apart from reading the config file,
// so the precedence is unit-tested without a process.
import { configPath, readCliConfig, type CliConfig } from './config-file.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** What the global flags hold; commander leaves a flag undefined when it was not given. */
export type SettingFlags = { server?: string; organization?: string; token?: string; config?: string };

export type Source = 'flag' | 'env' | 'config' | 'default';

export type Settings = {
  server: string;
  /**
   * Sent as X-Dispatch-Org only when the user chose one: the token already names its org, and the API refuses a
   * header that differs from it, so a default here would break every token of another org.
   */
  organization?: string;
  token?: string;
  /** Where the token came from, for telling the user which one the API refused (never the token itself). */
  tokenSource?: Source;
  configPath: string;
};

export function resolveSettings(
  flags: SettingFlags,
  env: NodeJS.ProcessEnv,
  readConfig: (path: string) => CliConfig = readCliConfig,
): Settings {
  // `--config` picks the file; without it configPath() reads DISPATCH_CONFIG, then ~/.dispatch/config.json.
  const path = flags.config || configPath(env);
  const file = readConfig(path);
  const server = pick(flags.server, env.DISPATCH_API_URL, file.server);
  const organization = pick(flags.organization, env.DISPATCH_ORGANIZATION, file.organization);
  const token = pick(flags.token, env.DISPATCH_TOKEN, file.token);
  return {
    server: server?.value ?? DEFAULT_SERVER,
    organization: organization?.value,
    token: token?.value,
    tokenSource: token?.source,
    configPath: path,
  };
}

/**
 * The first value that is set. An empty variable (`DISPATCH_TOKEN= dispatch ...`) counts as unset, as shells
 * make it easy to export one by accident; a non-string in a hand-edited config file is ignored the same way.
 */
function pick(flag: unknown, env: unknown, config: unknown): { value: string; source: Source } | undefined {
  const candidates: [unknown, Source][] = [
    [flag, 'flag'],
    [env, 'env'],
    [config, 'config'],
  ];
  for (const [value, source] of candidates) {
    if (typeof value === 'string' && value !== '') return { value, source };
  }
  return undefined;
}

/** Appended to a 401 so the user knows which setting to fix; names the setting, never its value. */
export function unauthorizedHint(settings: Pick<Settings, 'tokenSource' | 'configPath'>): string {
  switch (settings.tokenSource) {
    case 'flag':
      return 'the token given with --token was refused';
    case 'env':
      return 'the token in DISPATCH_TOKEN was refused';
    case 'config':
      return `the token in ${settings.configPath} was refused`;
    default:
      return `no token given: use --token, DISPATCH_TOKEN or "token" in ${settings.configPath}`;
  }
}
