// Reading a bundle file for `create|apply|update|delete -f`. The server parses and validates the bundle itself; the
// CLI's part is what only it can do: read the files that `runtimeDependencies.manifest: '@requirements.txt'` names
// (the server has no access to the user's disk and refuses a manifest still starting with '@').
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { CliError } from './cli-error.js';

/** One document of the bundle as plain data; `undefined` for an empty one (kept, so indexes match the file). */
export type BundleFileDocument = { index: number; value: unknown };

/** The kind and name of a document, when it has both: what update checks and --wait follows. */
export function documentIdentity(value: unknown): { kind: string; name: string } | undefined {
  if (!isObject(value) || typeof value.kind !== 'string' || typeof value.name !== 'string') return undefined;
  return { kind: value.kind, name: value.name };
}

/**
 * Parses every document with a real YAML parser (a `---` inside a manifest is text, not a separator, unlike the
 * original's split). A syntax error is reported here, naming the document as the server would.
 */
export function parseBundleText(text: string): BundleFileDocument[] {
  return parseAllDocuments(text).map((doc, index) => {
    const [error] = doc.errors;
    if (error) throw new CliError(`bundle document ${index}: invalid YAML: ${error.message}`);
    // The server caps alias expansion the same way; a "billion laughs" bundle fails here instead of in memory.
    return { index, value: doc.toJS({ maxAliasCount: 100 }) ?? undefined };
  });
}

/**
 * Replaces each Image's `runtimeDependencies.manifest: '@path'` by the content of `path`, read relative to `baseDir`
 * (the bundle's folder, or -w DIR): a bundle then works from any working directory, which the original's
 * cwd-relative reading did not. Answers new documents; the input is left as it was.
 */
export async function inlineManifests(
  documents: readonly BundleFileDocument[],
  baseDir: string,
  read: (path: string) => Promise<string> = (path) => readFile(path, 'utf8'),
): Promise<BundleFileDocument[]> {
  const inlined: BundleFileDocument[] = [];
  // One after the other, so that with two missing files the message is always about the first.
  for (const doc of documents) {
    const { value } = doc;
    const deps = isObject(value) && value.kind === 'Image' ? value.runtimeDependencies : undefined;
    const manifest = isObject(deps) ? deps.manifest : undefined;
    if (!isObject(value) || !isObject(deps) || typeof manifest !== 'string' || !manifest.startsWith('@')) {
      inlined.push(doc);
      continue;
    }
    const path = resolve(baseDir, manifest.slice(1).trim());
    let content: string;
    try {
      content = await read(path);
    } catch (err) {
      throw new CliError(`Error when reading content of ${path}: ${err instanceof Error ? err.message : err}`);
    }
    inlined.push({ ...doc, value: { ...value, runtimeDependencies: { ...deps, manifest: content } } });
  }
  return inlined;
}

/** The folder '@file' paths are relative to: -w DIR when given, else the folder of the bundle file itself. */
export function manifestBaseDir(bundlePath: string, workDir?: string): string {
  return resolve(workDir ?? dirname(bundlePath));
}

/** Back to one multi-document YAML text; an empty document stays an empty (null) one, so indexes still match. */
export function serializeBundle(documents: readonly BundleFileDocument[]): string {
  // lineWidth 0: never fold long lines, so a manifest reaches the server exactly as it was read.
  return documents.map((doc) => stringify(doc.value ?? null, { lineWidth: 0 })).join('---\n');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
