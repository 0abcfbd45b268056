// Shared helpers for the benchmarks: the API as a client sees it, the docker CLI, statistics and a memory sampler.
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { connectDb } from '../db/client.js';
import { ensureOrganization } from '../db/organizations.js';
import { createToken } from '../db/tokens.js';
import { repositoryOf } from '../docker-reference.js';

export const api = process.env.DISPATCH_API_URL ?? 'http://127.0.0.1:8080';

/** Runs the docker CLI and waits (blocks the event loop: only for benches that sample nothing meanwhile). */
export const dockerSync = (...args: string[]) =>
  execFileSync('docker', args, { stdio: ['ignore', 'ignore', 'inherit'] });

/** Runs a command without blocking the event loop; answers its stdout, or fails with its stderr. */
export function run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env: env ? { ...process.env, ...env } : process.env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${command} ${args[0] ?? ''} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

export type Resource = { status: string; reason?: string[]; digest?: string | null; dockerUrl?: string | null };

/**
 * An admin token for a fresh bench org, made straight in the local stack's Postgres (benches run beside the stack,
 * and a fresh org keeps their resources apart from everything else).
 */
export async function benchToken(org: string): Promise<string> {
  const { db, pool } = connectDb(loadConfig().DATABASE_URL, 1);
  try {
    await ensureOrganization(db, org);
    return (await createToken(db, org, 'admin', 'bench')).token;
  } finally {
    await pool.end();
  }
}

/** Calls the API with `token`; answers the parsed JSON body (errors are bodies too). */
export function apiClient(token: string) {
  return async function call<T = Resource>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json() as Promise<T>;
  };
}

/** GETs `path` with `token` and answers the body as text (build logs). */
export async function apiText(token: string, path: string): Promise<string> {
  return (await fetch(`${api}${path}`, { headers: { Authorization: `Bearer ${token}` } })).text();
}

/** Polls `path` until its status is READY (answers the resource) or ERROR (throws with the reason). */
export async function waitUntilReady(call: ReturnType<typeof apiClient>, path: string, pollMs = 20): Promise<Resource> {
  for (;;) {
    const resource = await call('GET', path);
    if (resource.status === 'READY') return resource;
    if (resource.status === 'ERROR') throw new Error(`${path} failed: ${resource.reason?.join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
export const ms = (x: number) => `${x.toFixed(0)} ms`;
export const tableHead = '| measure | median | min | max |\n| --- | --- | --- | --- |';
export const statsRow = (label: string, xs: number[]) =>
  `| ${label} | ${ms(median(xs))} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} |`;

/** The kB value of one field of /proc/PID/status (VmRSS, VmHWM), or undefined once the process is gone. */
function statusField(pid: number, field: string): number | undefined {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

const processName = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Name:\s+(.*)$/m)?.[1] ?? '?';
  } catch {
    return '?';
  }
};

/** The pid itself when it is `node`, else its first `node` descendant (a pid file may name a wrapper: npm, sh). */
function nodeProcess(pid: number): number {
  if (processName(pid) === 'node') return pid;
  let children: number[];
  try {
    children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return pid;
  }
  for (const child of children) {
    const found = nodeProcess(child);
    if (processName(found) === 'node') return found;
  }
  return pid;
}

export type MemoryReport = {
  label: string;
  pid: number;
  name: string;
  startKb?: number;
  peakKb?: number;
  samples: number;
  hwmKb?: number;
};

/** Samples VmRSS of the processes named by pid files every `everyMs`; stop() adds VmHWM (the lifetime peak). */
export function sampleMemory(pidFiles: Record<string, string>, everyMs = 200) {
  const tracked: MemoryReport[] = [];
  for (const [label, file] of Object.entries(pidFiles)) {
    let pid: number;
    try {
      pid = nodeProcess(Number(readFileSync(file, 'utf8').trim()));
    } catch {
      console.error(`memory: no pid file ${file}; ${label} is not sampled`);
      continue;
    }
    const startKb = statusField(pid, 'VmRSS');
    tracked.push({ label, pid, name: processName(pid), startKb, peakKb: startKb, samples: 0 });
  }
  const sample = () => {
    for (const t of tracked) {
      const rss = statusField(t.pid, 'VmRSS');
      if (rss === undefined) continue;
      t.samples++;
      t.peakKb = Math.max(t.peakKb ?? 0, rss);
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop(): MemoryReport[] {
      clearInterval(timer);
      sample();
      for (const t of tracked) t.hwmKb = statusField(t.pid, 'VmHWM');
      return tracked;
    },
  };
}

const mib = (kb: number | undefined) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(1)} MiB`);

export function memoryTable(reports: MemoryReport[], everyMs = 200): string {
  return [
    `| process | pid | RSS at start | peak RSS during the run (${reports[0]?.samples ?? 0} samples, every ${everyMs} ms) | VmHWM at end (peak since the process started) |`,
    '| --- | --- | --- | --- | --- |',
    ...reports.map(
      (r) => `| ${r.label} (${r.name}) | ${r.pid} | ${mib(r.startKb)} | ${mib(r.peakKb)} | ${mib(r.hwmKb)} |`,
    ),
  ].join('\n');
}

export const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

/** The p-th percentile (0-100) by nearest rank. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** `docker build` arguments for a context's build args. */
export const buildArgs = (args: Record<string, string>) =>
  Object.entries(args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);

/**
 * Builds `FROM from` plus `lines` (legacy builder), pushes it under `ref` and answers `repository@digest` as the
 * registry knows it: a base image tag being created or moving.
 */
export async function pushDerivedImage(from: string, ref: string, lines: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-base-'));
  try {
    await writeFile(join(dir, 'Dockerfile'), `FROM ${from}\n${lines}\n`);
    await run('docker', ['build', '-q', '-t', ref, dir], { DOCKER_BUILDKIT: '0' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await run('docker', ['push', ref]);
  const repository = repositoryOf(ref);
  const digests = JSON.parse(await run('docker', ['inspect', '--format', '{{json .RepoDigests}}', ref])) as string[];
  const pinned = digests.find((d) => d.startsWith(`${repository}@`));
  if (!pinned) throw new Error(`${ref} was pushed but has no digest in ${repository}: ${digests.join(', ')}`);
  return pinned;
}

/** The machine a bench ran on, for its report. */
export async function machine(): Promise<Record<string, string>> {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? 'unknown';
  const dockerVersion = await run('docker', ['version', '--format', '{{.Client.Version}} / {{.Server.Version}}'])
    .then((v) => v.trim())
    .catch(() => 'unknown');
  return {
    CPUs: `${availableParallelism()} (nproc), ${cpu}`,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    kernel: `${release()} (uname -r)`,
    docker: `${dockerVersion} (client / server)`,
    node: process.version,
  };
}
