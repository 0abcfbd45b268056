import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { collectTag, outputFormat, parseOutputFormat } from '../../cli/output.js';

describe('output options', () => {
  it('accepts json and yaml only, with the original message', () => {
    expect(parseOutputFormat('yaml')).toBe('yaml');
    expect(() => parseOutputFormat('xml')).toThrow(new InvalidArgumentError('invalid format option [yaml|json]'));
  });

  it('lets -o win over --json, and defaults to a table', () => {
    expect(outputFormat({})).toBe('table');
    expect(outputFormat({ json: true })).toBe('json');
    expect(outputFormat({ json: true, output: 'yaml' })).toBe('yaml');
  });
});

describe('collectTag', () => {
  it('collects repeated key=value tags, splitting at the first =', () => {
    const tags = collectTag('query=a=b', collectTag('role=docs'));
    expect(tags).toEqual([
      { key: 'role', value: 'docs' },
      { key: 'query', value: 'a=b' },
    ]);
  });

  it('refuses a tag without a key', () => {
    expect(() => collectTag('novalue')).toThrow(InvalidArgumentError);
    expect(() => collectTag('=x')).toThrow('expected key=value, got "=x"');
  });
});
