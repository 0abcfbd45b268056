import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './env.js';

/**
 * Where the tests' workers log: the Temporal runtime's warnings about *expected* failures (a build the test makes
 * fail, a worker it kills) fill thousands of lines, so everything goes to a file per test process, and only errors
 * reach the terminal.
 */
const TEST_LOG_DIR = join(ROOT, '.stack', 'test', 'logs');

export function testLogFile(name: string) {
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  const path = join(TEST_LOG_DIR, `${name}-${process.pid}.log`);
  return { path, stream: createWriteStream(path, { flags: 'a' }) };
}
