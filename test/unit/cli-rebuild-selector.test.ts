import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  describeSelector,
  selectorFromFlags,
  withSelectorOptions,
  type SelectorFlags,
} from '../../cli/rebuild-selector.js';

/** The flags as commander parses them from a command line, as `dispatch rebuild` does. */
function flagsOf(...args: string[]): SelectorFlags {
  // The refusal is asserted through the thrown error; commander's own print of it would only be noise here.
  const quiet = { writeErr: () => undefined, writeOut: () => undefined };
  const command = withSelectorOptions(new Command('rebuild').exitOverride().configureOutput(quiet)).action(
    () => undefined,
  );
  command.parse(args, { from: 'user' });
  return command.opts<SelectorFlags>();
}

describe('rebuild selector flags', () => {
  it('maps each flag to its API selector', () => {
    expect(selectorFromFlags(flagsOf('--all'))).toEqual({ all: true });
    expect(selectorFromFlags(flagsOf('--base-image', 'py'))).toEqual({ baseImageName: 'py' });
    expect(selectorFromFlags(flagsOf('--tag', 'query=a=b'))).toEqual({ tag: { key: 'query', value: 'a=b' } });
    expect(selectorFromFlags(flagsOf('--package', 'openssl'))).toEqual({ package: { name: 'openssl' } });
    expect(selectorFromFlags(flagsOf('--package', 'openssl', '--ecosystem', 'deb', '--version', '<3.0.15'))).toEqual({
      package: { name: 'openssl', ecosystem: 'deb', version: '<3.0.15' },
    });
  });

  it('refuses --ecosystem or --version without --package', () => {
    expect(() => selectorFromFlags(flagsOf('--all', '--version', '<3'))).toThrow(
      '--version narrows --package NAME, which is missing',
    );
    expect(() => selectorFromFlags(flagsOf('--ecosystem', 'deb'))).toThrow('--ecosystem narrows --package NAME');
    expect(() => selectorFromFlags(flagsOf('--tag', 'a=b', '--package', 'six'))).toThrow(
      '--tag and --package cannot be combined',
    );
  });

  it('requires one selector, naming the choices', () => {
    expect(() => selectorFromFlags(flagsOf())).toThrow(
      'choose the images: one of --all, --base-image NAME, --tag key=value or --package NAME is required',
    );
  });

  it('refuses two selectors rather than guessing, naming both', () => {
    expect(() => selectorFromFlags(flagsOf('--all', '--tag', 'team=data'))).toThrow(
      '--all and --tag cannot be combined: give exactly one of --all, --base-image NAME, --tag key=value or --package NAME',
    );
    expect(() => selectorFromFlags({ all: true, baseImage: 'py', tag: { key: 'a', value: 'b' } })).toThrow(
      /^--all and --base-image and --tag cannot be combined/,
    );
  });

  it('refuses a tag without a key when parsing', () => {
    expect(() => flagsOf('--tag', 'novalue')).toThrow('expected key=value, got "novalue"');
  });

  it('describes a selector as the flags that give it', () => {
    expect(describeSelector({ all: true })).toBe('--all');
    expect(describeSelector({ baseImageName: 'py' })).toBe('--base-image py');
    expect(describeSelector({ tag: { key: 'team', value: 'data' } })).toBe('--tag team=data');
    expect(describeSelector({ package: { name: 'six' } })).toBe('--package six');
    expect(describeSelector({ package: { name: 'openssl', ecosystem: 'deb', version: '>=3,<3.0.15' } })).toBe(
      "--package openssl --ecosystem deb --version '>=3,<3.0.15'",
    );
  });
});
