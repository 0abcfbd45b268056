// What the tests need to know about the machine; the same defaults as scripts/stack.sh and config.ts.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CACHE_DIR = process.env.DISPATCH_CACHE_DIR ?? join(homedir(), '.cache', 'dispatch-images');
export const TEMPORAL_CLI = process.env.TEMPORAL_CLI_PATH ?? join(CACHE_DIR, 'bin', 'temporal');
export const REGISTRY = '127.0.0.1:5000';
export const ROOT = new URL('../..', import.meta.url).pathname;
/** Set by test/global-setup.ts: the workflow bundle built once for every worker the tests start. */
export const workflowBundlePath = () => process.env.DISPATCH_TEST_WORKFLOW_BUNDLE ?? '';
/** Set by test/global-setup.ts: the python3 fixture base image in the local registry. */
export const pythonFixture = () => process.env.DISPATCH_TEST_PYTHON_BASE ?? '';
/** Set by test/global-setup.ts: the nodejs fixture base image in the local registry. */
export const nodeFixture = () => process.env.DISPATCH_TEST_NODE_BASE ?? '';
