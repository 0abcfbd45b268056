import { describe, expect, it } from 'vitest';
import type { CliConfig } from '../../cli/config-file.js';
import { DEFAULT_SERVER, resolveSettings, unauthorizedHint } from '../../cli/settings.js';

// The config file is injected, so precedence is checked without touching the disk or ~/.dispatch.
const fromFile =
  (config: CliConfig, seen: string[] = []) =>
  (path: string) => {
    seen.push(path);
    return config;
  };
const file: CliConfig = { server: 'http://file:1', organization: 'file-org', token: 'file-token' };
const env = { DISPATCH_API_URL: 'http://env:2', DISPATCH_ORGANIZATION: 'env-org', DISPATCH_TOKEN: 'env-token' };
const flags = { server: 'http://flag:3', organization: 'flag-org', token: 'flag-token' };

describe('resolveSettings', () => {
  it('takes flags over environment variables over the config file', () => {
    expect(resolveSettings(flags, env, fromFile(file))).toMatchObject({ ...flags, tokenSource: 'flag' });
    expect(resolveSettings({}, env, fromFile(file))).toMatchObject({
      server: 'http://env:2',
      organization: 'env-org',
      token: 'env-token',
      tokenSource: 'env',
    });
    expect(resolveSettings({}, {}, fromFile(file))).toMatchObject({ ...file, tokenSource: 'config' });
  });

  it('mixes sources setting by setting', () => {
    const settings = resolveSettings({ token: 'flag-token' }, { DISPATCH_API_URL: 'http://env:2' }, fromFile(file));
    expect(settings).toMatchObject({ server: 'http://env:2', organization: 'file-org', token: 'flag-token' });
  });

  it('defaults the server, and leaves org and token unset so no org header is sent', () => {
    const settings = resolveSettings({}, {}, fromFile({}));
    expect(settings).toEqual({
      server: DEFAULT_SERVER,
      organization: undefined,
      token: undefined,
      tokenSource: undefined,
      configPath: expect.any(String),
    });
  });

  it('treats empty variables and non-string config values as unset', () => {
    const odd = { token: 42, server: '' } as unknown as CliConfig;
    const settings = resolveSettings({}, { DISPATCH_TOKEN: '', DISPATCH_API_URL: '' }, fromFile(odd));
    expect(settings).toMatchObject({ server: DEFAULT_SERVER, token: undefined });
  });

  it('reads the file named by --config, else DISPATCH_CONFIG, else ~/.dispatch/config.json', () => {
    const seen: string[] = [];
    resolveSettings({ config: '/flag/config.json' }, { DISPATCH_CONFIG: '/env/config.json' }, fromFile({}, seen));
    resolveSettings({}, { DISPATCH_CONFIG: '/env/config.json' }, fromFile({}, seen));
    resolveSettings({}, {}, fromFile({}, seen));
    expect(seen).toEqual(['/flag/config.json', '/env/config.json', expect.stringMatching(/\.dispatch\/config\.json$/)]);
  });
});

describe('resolveSettings for the organization commands', () => {
  const file = { server: 'http://file:3', organization: 'acme', token: 'org-token', platformToken: 'platform-token' };

  it('takes the platform token (flag > DISPATCH_PLATFORM_TOKEN > platformToken), never the org token, and no org', () => {
    const env = { DISPATCH_TOKEN: 'env-org-token', DISPATCH_ORGANIZATION: 'env-org' };
    expect(resolveSettings({}, env, fromFile(file), 'platform')).toMatchObject({
      server: 'http://file:3',
      organization: undefined,
      token: 'platform-token',
      tokenSource: 'config',
      scope: 'platform',
    });
    const fromEnv = resolveSettings(
      {},
      { ...env, DISPATCH_PLATFORM_TOKEN: 'env-platform' },
      fromFile(file),
      'platform',
    );
    expect(fromEnv).toMatchObject({ token: 'env-platform', tokenSource: 'env' });
    expect(resolveSettings({ token: 'flag' }, env, fromFile(file), 'platform')).toMatchObject({ token: 'flag' });
    // A config file written before organizations existed has no platform token: none is sent.
    expect(resolveSettings({}, env, fromFile({ token: 'org-token' }), 'platform').token).toBeUndefined();
    // And every other command keeps using the org's token.
    expect(resolveSettings({}, {}, fromFile(file)).token).toBe('org-token');
  });

  it('names the platform token settings when it is refused or missing', () => {
    const platform = { configPath: '/c.json', scope: 'platform' as const };
    expect(unauthorizedHint({ ...platform, tokenSource: 'env' })).toBe(
      'the token in DISPATCH_PLATFORM_TOKEN was refused',
    );
    expect(unauthorizedHint({ ...platform, tokenSource: 'config' })).toBe('the platformToken in /c.json was refused');
    expect(unauthorizedHint(platform)).toBe(
      'no token given: use --token, DISPATCH_PLATFORM_TOKEN or "platformToken" in /c.json',
    );
  });
});

describe('unauthorizedHint', () => {
  it('names where the refused token came from, never the token', () => {
    expect(unauthorizedHint({ tokenSource: 'env', configPath: '/c.json' })).toBe(
      'the token in DISPATCH_TOKEN was refused',
    );
    expect(unauthorizedHint({ tokenSource: 'config', configPath: '/c.json' })).toBe('the token in /c.json was refused');
    expect(unauthorizedHint({ configPath: '/c.json' })).toMatch(/^no token given: use --token, DISPATCH_TOKEN/);
  });
});
