import { DefaultLogger, Runtime } from '@temporalio/worker';
import { isExpectedNoise } from '../../worker/runtime-logger.js';
import { testLogFile } from './test-logs.js';

// Imported by every test that starts a Temporal worker (or replays histories), before the first one starts: worker
// states and the warnings of *expected* failures (builds a test makes fail, workers it kills) go to a file in
// .stack/test/logs; errors still reach the terminal. The native core's own logs are forwarded here too.
const runtimeLog = testLogFile('temporal-runtime');

Runtime.install({
  logger: new DefaultLogger('INFO', (entry) => {
    const line = `${new Date().toISOString()} ${entry.level} ${entry.message} ${JSON.stringify(entry.meta ?? {})}\n`;
    runtimeLog.stream.write(line);
    if (entry.level === 'ERROR' && !isExpectedNoise(entry)) process.stderr.write(line);
  }),
  telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
});
