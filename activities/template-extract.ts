import { mkdir, open, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';

// A base image's template folder is an org admin's data, and an org admin is a tenant: only regular files and
// folders are taken, each created new under the build context; nothing in the archive can point outside it.
const MAX_ENTRIES = 10_000;
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

/** Raised for an archive entry the service refuses; the message names the entry. */
export class TemplateEntryError extends Error {}

/** Creates a file that must not exist yet, never through a link: O_EXCL refuses anything already at the path. */
export async function writeNewFile(path: string, data: string | Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
  const file = await open(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await file.writeFile(data);
    else for await (const chunk of data) await file.write(chunk);
  } finally {
    await file.close();
  }
}

/** Replaces a regular file the template may hold (packages.txt, say) with the service's own, created new. */
export async function replaceFile(path: string, data: string | Uint8Array): Promise<void> {
  await rm(path, { force: true }); // a folder at the path makes this fail, and the build with it
  await writeNewFile(path, data);
}

/**
 * The path inside `dir` for an entry of Docker's archive of the template folder (whose first component is the
 * folder's own name, dropped), or undefined for that folder itself.
 */
export function contextPathOf(entryName: string): string | undefined {
  const normalized = posix.normalize(entryName.replace(/\/+$/, ''));
  const parts = normalized.split('/').filter((p) => p && p !== '.');
  if (normalized.startsWith('/') || parts.includes('..')) {
    throw new TemplateEntryError(`${JSON.stringify(entryName)} leaves the template folder`);
  }
  const inside = parts.slice(1);
  return inside.length ? inside.join('/') : undefined;
}

/** Unpacks Docker's archive of a template folder into `dir`, refusing links, devices and fifos by name. */
export async function extractTemplate(archive: NodeJS.ReadableStream, dir: string): Promise<void> {
  const extract = tar.extract();
  let entries = 0;
  let bytes = 0;
  const done = (async () => {
    for await (const entry of extract) {
      const { name, type, size = 0 } = entry.header;
      entries++;
      bytes += size;
      if (entries > MAX_ENTRIES) throw new TemplateEntryError(`more than ${MAX_ENTRIES} entries`);
      if (bytes > MAX_TOTAL_BYTES) throw new TemplateEntryError(`more than ${MAX_TOTAL_BYTES} bytes`);
      const inside = contextPathOf(name);
      if (type !== 'file' && type !== 'directory') {
        throw new TemplateEntryError(
          `${JSON.stringify(inside ?? name)} is a ${type}: only files and folders are taken`,
        );
      }
      if (inside === undefined) {
        entry.resume();
      } else if (type === 'directory') {
        await mkdir(join(dir, inside), { recursive: true, mode: 0o755 });
        entry.resume();
      } else {
        // Folders come before their files in Docker's archives; created here too in case one does not.
        await mkdir(join(dir, posix.dirname(inside)), { recursive: true, mode: 0o755 });
        await writeNewFile(join(dir, inside), entry as AsyncIterable<Uint8Array>);
      }
    }
  })();
  (archive as Readable).pipe(extract);
  try {
    await done;
  } finally {
    (archive as Readable).destroy();
  }
}
