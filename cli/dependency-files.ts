// The files behind `create image --runtime-deps/--system-deps`. The runtime manifest (requirements.txt,
// package.json) travels verbatim: the server and pip/npm judge it. The system-deps file is checked here, so a typo
// names the file and the field instead of coming back as a 400 about the request body.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { SystemPackage } from './api-types.js';
import { CliError } from './cli-error.js';

export type SystemDependencies = { packages: SystemPackage[] };

/** No file means no runtime dependencies; the API takes an empty manifest for that. */
export async function readRuntimeDependencies(path: string | undefined): Promise<{ manifest: string }> {
  if (path === undefined) return { manifest: '' };
  try {
    return { manifest: await readFile(path, 'utf8') };
  } catch (err) {
    throw new CliError(`failed to read runtime dependencies file: ${messageOf(err)}`);
  }
}

export async function readSystemDependencies(path: string | undefined): Promise<SystemDependencies> {
  if (path === undefined) return { packages: [] };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`failed to read system dependencies file: ${messageOf(err)}`);
  }
  try {
    return parseSystemDependencies(text);
  } catch (err) {
    throw new CliError(`failed to parse system dependencies file: ${messageOf(err)}`);
  }
}

/**
 * `{"packages":[{"name":"curl","version":"7.59.0"}]}`, the original's JSON, or YAML of the same shape: YAML 1.2
 * reads JSON too, so one parser serves both. Unknown fields are refused rather than dropped (a misspelt `version`
 * would otherwise silently install whatever is newest).
 */
export function parseSystemDependencies(text: string): SystemDependencies {
  const document: unknown = parse(text);
  if (document === null || document === undefined) return { packages: [] }; // an empty file asks for nothing
  if (!isObject(document)) throw new Error('expected an object with a "packages" list');
  refuseUnknownFields(document, ['packages'], 'the file');
  const packages = document.packages ?? [];
  if (!Array.isArray(packages)) throw new Error('"packages" must be a list');
  return { packages: packages.map(toPackage) };
}

function toPackage(entry: unknown, index: number): SystemPackage {
  const at = `packages[${index}]`;
  if (!isObject(entry)) throw new Error(`${at} must be an object with a "name"`);
  refuseUnknownFields(entry, ['name', 'version'], at);
  const { name, version } = entry;
  if (typeof name !== 'string' || !name) throw new Error(`${at}.name must be a non-empty string`);
  if (version === undefined || version === null) return { name };
  // YAML reads `version: 1.10` as the number 1.1; guessing the text back would install the wrong version.
  if (typeof version !== 'string') throw new Error(`${at}.version must be a string (quote it: "${String(version)}")`);
  return { name, version };
}

function refuseUnknownFields(value: Record<string, unknown>, known: readonly string[], where: string): void {
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new Error(`unknown field "${unknown}" in ${where} (expected ${known.join(', ')})`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
