// Image build step: bundles the workflow code once, so every worker replica starts from the same pre-built
// bundle (WORKFLOW_BUNDLE) instead of running webpack at start. Usage: bundle-workflows.ts <output file>
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { workflowsPath } from '../worker/worker.js';

const out = process.argv[2];
if (!out) throw new Error('usage: bundle-workflows.ts <output file>');
const { code } = await bundleWorkflowCode({ workflowsPath });
mkdirSync(dirname(resolve(out)), { recursive: true });
writeFileSync(out, code);
