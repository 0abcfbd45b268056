import { DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { loggerOver, REDACTED, scrubUrlCredentials } from '../../logger.js';
import { runtimeLogger } from '../../worker/runtime-logger.js';

// The JSON lines of logger.ts (pino) and what never reaches them: tokens, passwords, Authorization headers,
// registry credentials and the password of a database URL.
function capture(level: 'debug' | 'info' = 'info') {
  const lines: string[] = [];
  const logger = loggerOver({ write: (line: string) => void lines.push(line) }, 'test', level);
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed };
}

describe('logger', () => {
  it('writes one JSON object per line with level, time, component and message', () => {
    const { logger, lines, parsed } = capture();
    logger.info('API listening', { address: 'http://127.0.0.1:8080' });
    logger.debug('not at info');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const [line] = parsed();
    expect(line).toMatchObject({
      level: 'info',
      component: 'test',
      message: 'API listening',
      address: 'http://127.0.0.1:8080',
    });
    expect(new Date(String(line!.time)).toISOString()).toBe(line!.time);
  });

  it('redacts tokens, passwords, secrets and Authorization headers at any depth it is given', () => {
    const { logger, lines, parsed } = capture();
    const secrets = ['tok-0001', 'pw-0002', 'Bearer tok-0003', 'pw-0004', 'sec-0005', 'eyJhdXRoIjoi', 'pw-0007'];
    logger.warn('request failed', {
      token: secrets[0],
      password: secrets[1],
      headers: { authorization: secrets[2], Authorization: secrets[2], 'x-registry-auth': secrets[5] },
      registryAuth: { username: 'robot', password: secrets[3] },
      config: { REGISTRY_PASSWORD: secrets[6], DATABASE_URL: 'postgres://dispatch:pw-0008@127.0.0.1:5432/dispatch' },
      nested: { deeper: { list: [{ secret: secrets[4] }] } },
    });
    const text = lines.join('');
    for (const secret of [...secrets, 'pw-0008']) expect(text).not.toContain(secret);
    const [line] = parsed();
    expect(line).toMatchObject({
      token: REDACTED,
      password: REDACTED,
      headers: { authorization: REDACTED, Authorization: REDACTED, 'x-registry-auth': REDACTED },
      registryAuth: { username: 'robot', password: REDACTED },
      config: { REGISTRY_PASSWORD: REDACTED, DATABASE_URL: `postgres://dispatch:${REDACTED}@127.0.0.1:5432/dispatch` },
      nested: { deeper: { list: [{ secret: REDACTED }] } },
    });
  });

  it('redacts secret-named keys in any case, service tokens in any string, and what is nested too deep', () => {
    const { logger, lines, parsed } = capture();
    const token = `dsp_${'A1b2C3d4'.repeat(5)}`;
    let deep: Record<string, unknown> = { note: 'bottom' };
    for (let i = 0; i < 12; i++) deep = { level: deep };
    logger.warn(`a caller sent ${token}`, {
      platformToken: 'pt-0001',
      PGPASSWORD: 'pw-0012',
      config: { SQL_PASSWORD: 'pw-0013', Password: 'pw-0014' },
      detail: `Authorization: Bearer ${token}`,
      deletedTokens: 2,
      deep,
    });
    const text = lines.join('');
    for (const secret of ['pt-0001', 'pw-0012', 'pw-0013', 'pw-0014', token]) expect(text).not.toContain(secret);
    expect(parsed()[0]).toMatchObject({ platformToken: REDACTED, PGPASSWORD: REDACTED, deletedTokens: 2 });
    expect(text).toContain('[too deep to log]');
    expect(scrubUrlCredentials('postgres://u:p@ss@db/x')).toBe(`postgres://u:${REDACTED}@db/x`);
  });

  it('scrubs the password of any URL, in messages, fields and errors', () => {
    const { logger, lines } = capture();
    logger.error('cannot reach postgres://dispatch:pw-0009@db:5432/dispatch', {
      error: new Error('connect postgres://u:pw-0010@db/x failed'),
      detail: 'registry https://robot:pw-0011@registry.local/v2/',
    });
    const text = lines.join('');
    expect(text).not.toMatch(/pw-00(09|10|11)/);
    expect(text).toContain(`postgres://dispatch:${REDACTED}@db:5432/dispatch`);
    expect(scrubUrlCredentials('http://host:8080/path and user@host')).toBe('http://host:8080/path and user@host');
  });

  it("routes the Temporal runtime's log entries through it, redacted too", () => {
    const { logger, parsed } = capture('debug');
    const runtime: DefaultLogger = runtimeLogger('DEBUG', logger);
    runtime.warn('Activity failed', { taskQueue: 'q', error: new Error('boom'), headers: { authorization: 'x' } });
    runtime.warn('No workflows registered, not polling for workflow tasks');
    const [failed, noise] = parsed();
    expect(failed).toMatchObject({
      level: 'warn',
      message: 'Activity failed',
      taskQueue: 'q',
      error: 'boom',
      headers: { authorization: REDACTED },
    });
    expect(noise).toMatchObject({ level: 'debug' });
  });
});
