import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliOnTerminal, serveForCli, type CliServer } from '../helpers/cli.js';
import { seedBaseImages, seedImagesWith } from '../helpers/seed-bundles.js';
import { startTestService, type TestService } from '../helpers/service.js';

// `dispatch create|apply|update|delete -f` as the seed shows them: the seed's two files, written next to their
// requirements.txt, and the CLI run from another folder (the '@file' is found beside the bundle, not in the cwd).
let service: TestService;
let cli: CliServer;
let dir: string, elsewhere: string;

/** Runs the CLI as the org's admin unless `env` says otherwise; an `undefined` value removes the variable. */
function dispatch(args: string[], env: Record<string, string | undefined> = {}) {
  // The token names the org (no org header).
  const defaults = {
    DISPATCH_API_URL: cli.apiUrl,
    DISPATCH_TOKEN: service.tokens.admin,
    DISPATCH_ORGANIZATION: undefined,
  };
  return runCli(args, { ...defaults, ...env }, { cwd: elsewhere, timeoutMs: 170_000 });
}

const seedImages = seedImagesWith("'@requirements.txt'");
// Unique per run: a build Docker's layer cache already holds (an earlier run) would end before --wait shows a step.
const requirements = `# cli-bundles ${randomUUID()}\nsix==1.16.0\n`;
const at = (file: string) => join(dir, file);

beforeAll(async () => {
  service = await startTestService();
  cli = await serveForCli(service);
  dir = await mkdtemp(join(tmpdir(), 'cli-bundles-'));
  elsewhere = await mkdtemp(join(tmpdir(), 'cli-bundles-cwd-'));
  await writeFile(at('base-images.yaml'), seedBaseImages());
  await writeFile(at('images.yaml'), seedImages);
  await writeFile(at('requirements.txt'), requirements);
  await writeFile(at('both.yaml'), `${seedImages}---\n${seedBaseImages()}`);
});

afterAll(async () => {
  await cli?.close();
  await service?.close();
});

describe('dispatch CLI, bundles', () => {
  it('refuses a viewer with 403 and a missing token with 401, never printing a token', async () => {
    const viewer = await dispatch(['create', '-f', at('base-images.yaml')], { DISPATCH_TOKEN: service.tokens.viewer });
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toMatch(/^\[Code: 403\] /);
    expect(viewer.stderr).not.toContain(service.tokens.viewer);

    const anonymous = await dispatch(['create', '-f', at('base-images.yaml')], { DISPATCH_TOKEN: undefined });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^\[Code: 401\] missing bearer token.*no token given/);
  });

  it('writes nothing from a bundle with one bad document, naming that document', async () => {
    const broken = 'kind: BaseImage\nname: broken\ndockerUrl: "not a reference"\nlanguage: python3\n';
    await writeFile(at('bad.yaml'), `${seedBaseImages()}---\n${broken}`);
    const run = await dispatch(['create', '-f', at('bad.yaml')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\[Code: 400\] bundle document 1 \(BaseImage broken\): dockerUrl: /);
    expect((await service.call('GET', '/v1/baseimage/my-python-base')).status).toBe(404);
  });

  it("names the '@file' it cannot read, relative to the bundle's folder or to -w", async () => {
    await writeFile(at('missing.yaml'), seedImages.replace('@requirements.txt', '@nope.txt'));
    const missing = await dispatch(['create', '-f', at('missing.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Error when reading content of ${at('nope.txt')}: ENOENT`);

    const other = await mkdtemp(join(tmpdir(), 'cli-bundles-w-'));
    const wrongFolder = await dispatch(['create', '-f', at('images.yaml'), '-w', other]);
    expect(wrongFolder.code).toBe(1);
    expect(wrongFolder.stderr).toContain(`Error when reading content of ${join(other, 'requirements.txt')}`);
  });

  it("creates the seed's base image, then its image with --wait, with the manifest file's content", async () => {
    const base = await dispatch(['create', '-f', at('base-images.yaml')]);
    expect(base.stderr).toBe('');
    expect(base.stdout.trim()).toBe('Created BaseImage: my-python-base');

    const images = await dispatch(['create', '-f', at('images.yaml'), '--wait']);
    expect(images.stderr).toContain('image my-pandas: READY');
    // Piped, --wait prints a plain line per change: the status, what the build is doing, and the time waited.
    expect(images.stderr).toMatch(
      /^image my-pandas: CREATING: (pulling the base image|building the image|installing runtime dependencies with pip|pushing the image|recording the catalog) \(\d+s\)$/m,
    );
    expect(images.stderr).not.toContain('\x1b');
    expect(images.code).toBe(0);
    expect(images.stdout.trim()).toBe('Created Image: my-pandas');

    const { body } = await service.call('GET', '/v1/image/my-pandas');
    expect(body).toMatchObject({ status: 'READY', runtimeDependencies: { manifest: requirements } });
  });

  it('apply and update report unchanged resources; update refuses a missing one with 404', async () => {
    const deps = join(dir, 'deps');
    await mkdir(deps, { recursive: true });
    await writeFile(join(deps, 'requirements.txt'), await readFile(at('requirements.txt'), 'utf8'));
    const update = await dispatch(['update', '-f', at('images.yaml'), '-w', deps]);
    expect(update.code).toBe(0);
    expect(update.stdout.trim()).toBe('Unchanged Image: my-pandas');

    const apply = await dispatch(['apply', '-f', at('both.yaml'), '-o', 'json']);
    expect(apply.code).toBe(0);
    expect(JSON.parse(apply.stdout)).toEqual({
      operation: 'apply',
      results: [
        { index: 0, kind: 'Image', name: 'my-pandas', result: 'unchanged', status: 'READY' },
        { index: 1, kind: 'BaseImage', name: 'my-python-base', result: 'unchanged', status: 'READY' },
      ],
    });

    await writeFile(at('ghost.yaml'), seedImages.replace('name: my-pandas', 'name: ghost'));
    const ghost = await dispatch(['update', '-f', at('ghost.yaml')]);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr.trim()).toBe('[Code: 404] bundle document 0 (Image ghost): image ghost not found');
  });

  it('reads -f from --work-dir, as the original joined them, when run from another folder', async () => {
    const run = await dispatch(['update', '--work-dir', dir, '-f', 'images.yaml']);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('Unchanged Image: my-pandas');
  });

  it('applies the later Dispatch field names (imageUrl, baseImage) unchanged', async () => {
    const later = seedBaseImages().replace('dockerUrl:', 'imageUrl:');
    const laterImages = seedImages.replace('baseImageName:', 'baseImage:');
    await writeFile(at('later.yaml'), `${later}---\n${laterImages}`);
    const run = await dispatch(['apply', '-f', at('later.yaml')]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual([
      'Unchanged BaseImage: my-python-base',
      'Unchanged Image: my-pandas',
    ]);
  });

  it('--wait on a terminal keeps one updating block under a spinner', async () => {
    const run = await runCliOnTerminal(['apply', '-f', at('both.yaml'), '--wait'], {
      DISPATCH_API_URL: cli.apiUrl,
      DISPATCH_TOKEN: service.tokens.admin,
    });
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    expect(run.stdout).toContain('image my-pandas: READY');
    expect(run.stdout).toContain('base image my-python-base: READY');
    // ora's cursor control and the persisted mark of the final block.
    expect(run.stdout).toContain('\u001b[?25l');
    expect(run.stdout).toContain('•');
  });

  it('deletes both from one bundle, in any order', async () => {
    const run = await dispatch(['delete', '-f', at('both.yaml')]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(['Deleted Image: my-pandas', 'Deleted BaseImage: my-python-base']);
    expect((await service.call('GET', '/v1/image/my-pandas')).status).toBe(404);
    expect((await service.call('GET', '/v1/baseimage/my-python-base')).status).toBe(404);
  });

  it('delete -f names the documents that no longer exist, and --ignore-not-found deletes the others', async () => {
    await dispatch(['create', '-f', at('base-images.yaml')]);
    await writeFile(
      at('mixed.yaml'),
      `${seedBaseImages()}---\n${seedImages.replace('name: my-pandas', 'name: ghost')}`,
    );
    const refused = await dispatch(['delete', '-f', at('mixed.yaml')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'not found: Image ghost; nothing was deleted (--ignore-not-found deletes the others and skips these)',
    );
    expect((await service.call('GET', '/v1/baseimage/my-python-base')).status).toBe(200);

    const ignored = await dispatch(['delete', '-f', at('mixed.yaml'), '--ignore-not-found']);
    expect(ignored.code).toBe(0);
    expect(ignored.stderr.trim()).toBe('Not found Image ghost: skipped');
    expect(ignored.stdout.trim()).toBe('Deleted BaseImage: my-python-base');
    expect((await service.call('GET', '/v1/baseimage/my-python-base')).status).toBe(404);
  });
});
