// Where the CLI's server, organization and token come from. One rule for all three, as in the original:
// flags > DISPATCH_* environment variables > the config file > defaults. Pure apart from reading the config file,
// so the precedence is unit-tested without a process.
import { configPath, readCliConfig, type CliConfig } from './config-file.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/**
 * Which token a command needs: an org's (`token`, DISPATCH_TOKEN) for everything inside an org, or the platform
 * admin's (`platformToken`, DISPATCH_PLATFORM_TOKEN) for the organization commands. `--token` is always the one the
 * command uses.
 */
export type TokenScope = 'org' | 'platform';

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
  /** Which token it is (the org's, by default). */
  scope?: TokenScope;
  configPath: string;
};

export function resolveSettings(
  flags: SettingFlags,
  env: NodeJS.ProcessEnv,
  readConfig: (path: string) => CliConfig = readCliConfig,
  scope: TokenScope = 'org',
): Settings {
  // `--config` picks the file; without it configPath() reads DISPATCH_CONFIG, then ~/.dispatch/config.json.
  const path = flags.config || configPath(env);
  const file = readConfig(path);
  const server = pick(flags.server, env.DISPATCH_API_URL, file.server);
  if (scope === 'platform') {
    // The platform acts in no org: no org header.
    const token = pick(flags.token, env.DISPATCH_PLATFORM_TOKEN, file.platformToken);
    return {
      server: server?.value ?? DEFAULT_SERVER,
      organization: undefined,
      token: token?.value,
      tokenSource: token?.source,
      scope,
      configPath: path,
    };
  }
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
export function unauthorizedHint(settings: Pick<Settings, 'tokenSource' | 'configPath' | 'scope'>): string {
  const platform = settings.scope === 'platform';
  const variable = platform ? 'DISPATCH_PLATFORM_TOKEN' : 'DISPATCH_TOKEN';
  switch (settings.tokenSource) {
    case 'flag':
      return 'the token given with --token was refused';
    case 'env':
      return `the token in ${variable} was refused`;
    case 'config':
      return platform
        ? `the platformToken in ${settings.configPath} was refused`
        : `the token in ${settings.configPath} was refused`;
    default:
      return `no token given: use --token, ${variable} or "${platform ? 'platformToken' : 'token'}" in ${settings.configPath}`;
  }
}
