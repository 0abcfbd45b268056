// The workflow bundle of a worker started without WORKFLOW_BUNDLE, built in a child process. Bundling in the
// worker's own process (Worker.create with workflowsPath) runs webpack there: about 100 MiB of heap and buffers that
// the process never hands back, so the worker's RSS stayed near 290 MiB for its whole life (VmHWM 370 MiB). In a
// child, webpack's memory ends with the child; the worker only reads the finished file.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLER = fileURLToPath(new URL('../deploy/bundle-workflows.ts', import.meta.url));

export type BuiltBundle = { path: string; remove(): Promise<void> };

/** Bundles workflows/ with deploy/bundle-workflows.ts (the image build step) into a temporary file. */
export async function bundleInChildProcess(): Promise<BuiltBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'dispatch-workflows-'));
  const path = join(dir, 'workflow-bundle.js');
  // Its webpack report goes where the worker's own output goes (the stack's worker.log).
  const child = spawn(process.execPath, ['--import', 'tsx', BUNDLER, path], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`bundling the workflows failed (deploy/bundle-workflows.ts exited with ${code})`);
  }
  // Worker.create reads the file once; it can go as soon as the worker exists.
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
