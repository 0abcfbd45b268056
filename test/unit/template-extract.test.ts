import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { contextPathOf, extractTemplate } from '../../activities/template-extract.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'fifo'; body?: string; linkname?: string };

/** An archive shaped as Docker's GET /containers/{id}/archive answers it: the folder's own name first. */
function archive(entries: Entry[]) {
  const pack = tar.pack();
  for (const { body, ...header } of entries) pack.entry({ type: 'file', ...header }, body ?? '');
  pack.finalize();
  return Readable.from(pack);
}

describe("a base image's template archive", () => {
  it('unpacks files and folders under the build context, dropping the folder name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'extract-'));
    await extractTemplate(
      archive([
        { name: 'image-template/', type: 'directory' },
        { name: 'image-template/Dockerfile', body: 'FROM x\n' },
        { name: 'image-template/sub/', type: 'directory' },
        { name: 'image-template/sub/file', body: 'inner' },
      ]),
      dir,
    );
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM x\n');
    expect(readFileSync(join(dir, 'sub', 'file'), 'utf8')).toBe('inner');
  });

  it('refuses a symbolic link, naming it, and writes nothing through it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'extract-'));
    const outside = join(mkdtempSync(join(tmpdir(), 'outside-')), 'target');
    const links = archive([
      { name: 'image-template/', type: 'directory' },
      { name: 'image-template/packages.txt', type: 'symlink', linkname: outside },
    ]);
    await expect(extractTemplate(links, dir)).rejects.toThrow('"packages.txt" is a symlink');
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(join(dir, 'packages.txt'))).toBe(false);
  });

  it('refuses a fifo and paths that climb out of the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'extract-'));
    await expect(extractTemplate(archive([{ name: 'image-template/p', type: 'fifo' }]), dir)).rejects.toThrow(
      '"p" is a fifo',
    );
    expect(() => contextPathOf('image-template/../../etc/passwd')).toThrow('leaves the template folder');
    expect(() => contextPathOf('/etc/passwd')).toThrow('leaves the template folder');
    expect(contextPathOf('image-template/')).toBeUndefined();
  });

  it('refuses a second entry of the same name instead of writing over the first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'extract-'));
    const twice = archive([
      { name: 'image-template/a', body: '1' },
      { name: 'image-template/a', body: '2' },
    ]);
    await expect(extractTemplate(twice, dir)).rejects.toThrow(/EEXIST/);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('1');
  });
});
