import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseSystemDependencies,
  readRuntimeDependencies,
  readSystemDependencies,
} from '../../cli/dependency-files.js';

describe('parseSystemDependencies', () => {
  it("reads the original's JSON", () => {
    const text = '{"packages":[{"name":"curl","version":"7.59.0-1.ph2"},{"name":"jq"}]}';
    expect(parseSystemDependencies(text)).toEqual({
      packages: [{ name: 'curl', version: '7.59.0-1.ph2' }, { name: 'jq' }],
    });
  });

  it('reads YAML of the same shape, where an unquoted dotted version stays text', () => {
    const text = 'packages:\n  - name: curl\n    version: 7.59.0\n  - name: jq\n';
    expect(parseSystemDependencies(text)).toEqual({ packages: [{ name: 'curl', version: '7.59.0' }, { name: 'jq' }] });
  });

  it('takes an empty file, or one without packages, as no packages', () => {
    expect(parseSystemDependencies('')).toEqual({ packages: [] });
    expect(parseSystemDependencies('{}')).toEqual({ packages: [] });
    expect(parseSystemDependencies('{"packages":null}')).toEqual({ packages: [] });
  });

  it('refuses a version YAML read as a number, rather than guess its text', () => {
    expect(() => parseSystemDependencies('packages: [{name: curl, version: 1.10}]')).toThrow(
      'packages[0].version must be a string (quote it: "1.1")',
    );
  });

  it('refuses misspelt fields instead of dropping them', () => {
    expect(() => parseSystemDependencies('{"packages":[{"name":"curl","versoin":"1"}]}')).toThrow(
      'unknown field "versoin" in packages[0] (expected name, version)',
    );
    expect(() => parseSystemDependencies('{"package":[]}')).toThrow('unknown field "package" in the file');
  });

  it('refuses the wrong shapes with the field at fault', () => {
    expect(() => parseSystemDependencies('["curl"]')).toThrow('expected an object with a "packages" list');
    expect(() => parseSystemDependencies('{"packages":"curl"}')).toThrow('"packages" must be a list');
    expect(() => parseSystemDependencies('{"packages":["curl"]}')).toThrow('packages[0] must be an object');
    expect(() => parseSystemDependencies('{"packages":[{"name":""}]}')).toThrow('packages[0].name must be');
  });

  it('lets a syntax error through for the caller to label', () => {
    expect(() => parseSystemDependencies('{"packages": [')).toThrow();
  });
});

describe('reading the dependency files', () => {
  it('sends empty dependencies when no file is given', async () => {
    expect(await readRuntimeDependencies(undefined)).toEqual({ manifest: '' });
    expect(await readSystemDependencies(undefined)).toEqual({ packages: [] });
  });

  it('passes the runtime manifest through verbatim', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-deps-'));
    await writeFile(join(dir, 'requirements.txt'), 'six==1.16.0\n# comment\n');
    expect(await readRuntimeDependencies(join(dir, 'requirements.txt'))).toEqual({
      manifest: 'six==1.16.0\n# comment\n',
    });
  });

  it('labels each failure with the file it concerns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-deps-'));
    await writeFile(join(dir, 'sys.json'), '{"packages": [');
    await expect(readRuntimeDependencies(join(dir, 'missing.txt'))).rejects.toThrow(
      /^failed to read runtime dependencies file: ENOENT/,
    );
    await expect(readSystemDependencies(join(dir, 'missing.json'))).rejects.toThrow(
      /^failed to read system dependencies file: ENOENT/,
    );
    await expect(readSystemDependencies(join(dir, 'sys.json'))).rejects.toThrow(
      /^failed to parse system dependencies file: /,
    );
  });
});
