import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  inVersionRange,
  parseVersionRange,
  versionRangeProblem,
  type VersionRange,
} from '../../package-versions.js';

const range = (text: string): VersionRange => {
  const parsed = parseVersionRange(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.range;
};
const matches = (ecosystem: string, version: string, text: string) => inVersionRange(ecosystem, version, range(text));

describe('the range grammar', () => {
  it.each([
    ['3.0.15', [{ operator: '=', version: '3.0.15' }]],
    ['==2.1', [{ operator: '=', version: '2.1' }]],
    ['<3.0.15', [{ operator: '<', version: '3.0.15' }]],
    [
      '>=2.1,<3',
      [
        { operator: '>=', version: '2.1' },
        { operator: '<', version: '3' },
      ],
    ],
    [
      ' >= 2.1 , < 3 ',
      [
        { operator: '>=', version: '2.1' },
        { operator: '<', version: '3' },
      ],
    ],
    [
      '>2 !=2.5',
      [
        { operator: '>', version: '2' },
        { operator: '!=', version: '2.5' },
      ],
    ],
  ])('reads %j', (text, constraints) => {
    expect(parseVersionRange(text)).toEqual({ range: constraints });
  });

  it.each(['', '   ', '<', '<<3', '>=2.1,', ',1', '~1.2', '^1.2', '1.*', '>=1 || <0', 'a;b', '1,,2'])(
    'refuses %j',
    (text) => {
      expect(parseVersionRange(text)).toHaveProperty('problem');
    },
  );

  it('refuses more than 8 constraints and very long text', () => {
    expect(parseVersionRange(Array(9).fill('>1').join(','))).toHaveProperty('problem');
    expect(parseVersionRange(`=${'1'.repeat(300)}`)).toHaveProperty('problem');
  });

  it('refuses a bound the named ecosystem cannot order, and one no ecosystem can', () => {
    expect(versionRangeProblem('<1:2.0', 'deb')).toBeUndefined();
    expect(versionRangeProblem('<1:2.0', 'npm')).toBe('"1:2.0" is not a version npm can order');
    expect(versionRangeProblem('<1:2.0')).toBeUndefined(); // deb can
    expect(versionRangeProblem('<abc')).toBe('"abc" is not a version deb, pypi, npm can order');
    // An exact version is matched as text too: good anywhere, apk included.
    expect(versionRangeProblem('=abc', 'apk')).toBeUndefined();
    expect(versionRangeProblem('<3', 'apk')).toBe('"3" is not a version apk can order');
  });
});

describe('deb versions (dpkg rules)', () => {
  it.each([
    ['1:2.0', '3.0', 1], // an epoch outranks everything after it
    ['0:1.0', '1.0', 0], // epoch 0 is no epoch
    ['1.0~rc1', '1.0', -1], // ~ sorts before even the end
    ['1.0~~', '1.0~', -1],
    ['1.0', '1.0+b1', -1],
    ['3.0.15-1~deb12u1', '3.0.15', 1], // a revision sorts after none
    ['3.0.15-1~deb12u1', '3.0.15-1', -1],
    ['3.0.14-1+deb12u3', '3.0.15', -1],
    ['2.36-9+deb12u7', '2.36-9+deb12u10', -1], // numerically
    ['1.0', '1.00', 0],
    ['1.0-a', '1.0-1', 1], // a letter where the other has digits sorts after
    ['1.0a', '1.0.1', -1], // letters before other characters
  ])('%s against %s is %d', (a, b, order) => {
    expect(compareVersions('deb', a, b)).toBe(order);
    expect(compareVersions('deb', b, a)).toBe(-order || 0);
  });

  it('matches ranges the way apt reads them', () => {
    expect(matches('deb', '3.0.15-1~deb12u1', '<3.0.15')).toBe(false);
    expect(matches('deb', '3.0.14-1~deb12u2', '<3.0.15')).toBe(true);
    expect(matches('deb', '3.0.15~rc1-1', '<3.0.15')).toBe(true);
    expect(matches('deb', '1:1.0', '>=2.0')).toBe(true);
    expect(matches('deb', '1.00', '1.0')).toBe(true);
  });

  it.each(['1.0-', 'a1.0', '1:', ':1.0', '1.0 beta', 'x:1.0', '1.0:2'])('cannot read %j: it matches nothing', (v) => {
    expect(compareVersions('deb', v, '1.0')).toBeUndefined();
    expect(matches('deb', v, '<99')).toBe(false);
    expect(matches('deb', v, '!=1.0')).toBe(false);
  });

  // The reference: dpkg itself, where the machine has it (Debian-based ones do).
  // dpkg is on every machine this runs on (Debian; the stack itself installs Debian packages): the reference, always.
  it('agrees with dpkg --compare-versions', () => {
    const versions = [
      '1.0',
      '1.0-1',
      '1.0~rc1',
      '1.0+b1',
      '1:0.9',
      '3.0.15',
      '3.0.15-1~deb12u1',
      '1.00',
      '1.0-a',
      '10',
    ];
    for (const a of versions) {
      for (const b of versions) {
        const dpkg = (op: string) => {
          try {
            execFileSync('dpkg', ['--compare-versions', a, op, b], { stdio: 'ignore' });
            return true;
          } catch {
            return false;
          }
        };
        const expected = dpkg('lt') ? -1 : dpkg('eq') ? 0 : 1;
        expect(compareVersions('deb', a, b), `${a} vs ${b}`).toBe(expected);
      }
    }
  });
});

describe('pypi versions (PEP 440)', () => {
  it.each([
    ['2.1.0rc1', '2.1', -1],
    ['2.1.post1', '2.1', 1],
    ['2.1.dev0', '2.1.0rc1', -1],
    ['2.1', '2.1.0', 0],
    ['1!1.0', '2.0', 1], // an epoch
    ['1.0+local.1', '1.0', 1],
  ])('%s against %s is %d', (a, b, order) => {
    expect(compareVersions('pypi', a, b)).toBe(order);
  });

  it('matches ranges, pre- and post-releases included', () => {
    expect(matches('pypi', '2.1.0rc1', '>=2.1')).toBe(false);
    expect(matches('pypi', '2.1.0rc1', '<2.1')).toBe(true);
    expect(matches('pypi', '2.1.post1', '>2.1,<2.2')).toBe(true);
    expect(matches('pypi', '2.1.0', '==2.1')).toBe(true);
    expect(matches('pypi', 'not-a-version', '<3')).toBe(false);
  });
});

describe('npm versions (SemVer)', () => {
  it.each([
    ['1.2.3-beta', '1.2.3', -1],
    ['1.2.3-beta.2', '1.2.3-beta.10', -1],
    ['1.2.3+build', '1.2.3', 0],
    ['v1.2.3', '1.2.3', 0], // loose
    ['2.1', '2.1.0', 0], // a short bound reads as .0
  ])('%s against %s is %d', (a, b, order) => {
    expect(compareVersions('npm', a, b)).toBe(order);
  });

  it('keeps pre-releases in ranges (plain ordering, not npm range semantics)', () => {
    expect(matches('npm', '1.2.3-beta', '<1.2.3')).toBe(true);
    expect(matches('npm', '1.2.3-beta', '>=1.2.0,<1.2.3')).toBe(true);
    expect(matches('npm', '4.17.21', '>=4.17.21')).toBe(true);
  });

  it('never invents a version for text that is not one', () => {
    expect(compareVersions('npm', 'latest', '1.0.0')).toBeUndefined();
    expect(compareVersions('npm', '1.2.3.4.5', '1.0.0')).toBeUndefined();
    expect(matches('npm', 'garbage1', '>=0')).toBe(false);
  });
});

describe('ecosystems without an ordering (apk, rpm)', () => {
  it('match an exact version as text only', () => {
    expect(matches('apk', '1.2.4-r2', '1.2.4-r2')).toBe(true);
    expect(matches('apk', '1.2.4-r2', '<2')).toBe(false);
    expect(matches('rpm', '5.1-1', '!=5.1-1')).toBe(false);
  });
});
