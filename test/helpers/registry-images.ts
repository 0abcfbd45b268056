import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { pythonFixture } from './env.js';

export const docker = new Docker();

/**
 * Pushes the python3 fixture under a fresh name in `registry` and removes the local tag, so the service has to
 * pull it for real and the test owns the reference (deleting it cannot disturb another test).
 */
export function pushUniqueImage(registry = '127.0.0.1:5000'): string {
  const ref = `${registry}/dispatch-test/py-${randomUUID().slice(0, 8)}:1`;
  execFileSync('docker', ['tag', pythonFixture(), ref]);
  execFileSync('docker', ['push', ref], { stdio: 'ignore' });
  execFileSync('docker', ['rmi', ref], { stdio: 'ignore' });
  return ref;
}

export async function hasLocalImage(ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/**
 * `docker build` of a folder, then `docker push`, as an admin would. The legacy builder on purpose: the client first
 * on PATH may be newer (28.x) than Debian's 20.10 daemon and has no buildx here; only exit codes are relied on.
 */
export function buildAndPush(dir: string, ref: string): void {
  execFileSync('docker', ['build', '-q', '-t', ref, dir], {
    stdio: 'ignore',
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
  });
  execFileSync('docker', ['push', ref], { stdio: 'ignore' });
}
