import { compare as comparePep440, explain as parsePep440 } from '@renovatebot/pep440';
import semver from 'semver';

// Versions of installed packages compared by their own ecosystem's rules, and the one range grammar the package
// query (GET /v1/packages) and the rebuild selector {package: ...} accept. Pure: no I/O, no state.
//
// The grammar of `version`:
//
//   range      = constraint *( separator constraint )      at most 8 constraints, all of which must hold
//   separator  = "," (spaces around it allowed) / one or more spaces
//   constraint = [ operator ] [ spaces ] version
//   operator   = "<" / "<=" / ">" / ">=" / "=" / "==" / "!="  none means "=" (== is PEP 440's spelling of =)
//   version    = a letter or digit, then letters, digits and . + ~ : _ ! -
//
// Examples: `3.0.15-1~deb12u1` (exactly that version), `<3.0.15`, `>=2.1,<3`, `>= 2.1 < 3`.
//
// Each constraint orders the installed version against its bound by the row's ecosystem: dpkg's algorithm for deb
// (epochs, `~` before anything, a missing revision), PEP 440 for pypi (`2.1.0rc1` < `2.1` < `2.1.post1`), SemVer for
// npm (loose, with `2.1` read as `2.1.0`; a pre-release sorts before its release and, unlike npm's own ranges, is
// not left out of a range). It is plain ordering, not each package manager's specifier language: no wildcards,
// carets or tildes.
//
// An installed version its ecosystem cannot read (or a bound it cannot read, when the query names no ecosystem and
// the bound only makes sense in another one) never matches an ordering, and is never an error: the query is about
// what is installed, whatever it is. `=` also matches the very same text, so an exact version finds apk and rpm
// packages (and unreadable versions), whose ecosystems have no ordering here.

/** The ecosystems a catalog records (activities/build-files/catalog.sh). */
export const ECOSYSTEMS = ['deb', 'apk', 'rpm', 'pypi', 'npm'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

/** The ecosystems whose versions are ordered here; the others only match an exact version. */
export const ORDERED_ECOSYSTEMS = ['deb', 'pypi', 'npm'] as const satisfies readonly Ecosystem[];

export type Operator = '<' | '<=' | '>' | '>=' | '=' | '!=';
export type Constraint = { operator: Operator; version: string };
export type VersionRange = readonly Constraint[];

export const VERSION_RANGE_RULE =
  'must be a version or a range such as "<3.0.15" or ">=2.1,<3" (operators < <= > >= = !=, constraints joined by commas or spaces)';
const MAX_CONSTRAINTS = 8;
export const MAX_RANGE_LENGTH = 256;

const CONSTRAINT = /(<=|>=|==|!=|<|>|=)?\s*([0-9A-Za-z][0-9A-Za-z.+~:_!-]*)/y;
const SEPARATOR = /\s*,\s*|\s+/y;

/** The constraints of `text`, or why it is not a range of this grammar. */
export function parseVersionRange(text: string): { range: VersionRange } | { problem: string } {
  const input = text.trim();
  if (!input) return { problem: 'must not be empty' };
  if (input.length > MAX_RANGE_LENGTH) return { problem: `must be at most ${MAX_RANGE_LENGTH} characters` };
  const range: Constraint[] = [];
  let at = 0;
  while (at < input.length) {
    if (range.length) {
      SEPARATOR.lastIndex = at;
      if (!SEPARATOR.exec(input)) return { problem: VERSION_RANGE_RULE };
      at = SEPARATOR.lastIndex;
    }
    CONSTRAINT.lastIndex = at;
    const match = CONSTRAINT.exec(input);
    if (!match) return { problem: VERSION_RANGE_RULE };
    at = CONSTRAINT.lastIndex;
    const operator = (match[1] === '==' ? '=' : (match[1] ?? '=')) as Operator;
    range.push({ operator, version: match[2]! });
    if (range.length > MAX_CONSTRAINTS) return { problem: `must hold at most ${MAX_CONSTRAINTS} constraints` };
  }
  return { range };
}

/**
 * Why `text` cannot filter versions of `ecosystem` (or of any ordered ecosystem when none is given): not a range of
 * the grammar, or a bound the ecosystem cannot read. Undefined when it can.
 */
export function versionRangeProblem(text: string, ecosystem?: Ecosystem): string | undefined {
  const parsed = parseVersionRange(text);
  if ('problem' in parsed) return parsed.problem;
  const ordered = ({ operator }: Constraint) => operator !== '=' && operator !== '!=';
  for (const constraint of parsed.range) {
    // An exact version is also matched as text, so it is good in every ecosystem (apk and rpm included).
    if (!ordered(constraint)) continue;
    const readers = ecosystem ? [ecosystem] : ORDERED_ECOSYSTEMS;
    if (!readers.some((e) => parseVersion(e, constraint.version) !== undefined)) {
      const which = ecosystem ?? ORDERED_ECOSYSTEMS.join(', ');
      return `"${constraint.version}" is not a version ${which} can order`;
    }
  }
  return undefined;
}

/** Whether an installed `version` of `ecosystem` meets every constraint of `range`. */
export function inVersionRange(ecosystem: string, version: string, range: VersionRange): boolean {
  return range.every(({ operator, version: bound }) => {
    if (operator === '=' && version === bound) return true;
    if (operator === '!=' && version === bound) return false;
    const order = compareVersions(ecosystem, version, bound);
    if (order === undefined) return false;
    switch (operator) {
      case '<':
        return order < 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      case '>=':
        return order >= 0;
      case '=':
        return order === 0;
      case '!=':
        return order !== 0;
    }
  });
}

/** -1, 0 or 1 as `a` sorts before, with or after `b` in `ecosystem`; undefined when either cannot be read. */
export function compareVersions(ecosystem: string, a: string, b: string): -1 | 0 | 1 | undefined {
  const left = parseVersion(ecosystem, a);
  const right = parseVersion(ecosystem, b);
  if (left === undefined || right === undefined) return undefined;
  const order =
    ecosystem === 'deb'
      ? compareDeb(left as DebVersion, right as DebVersion)
      : ecosystem === 'pypi'
        ? comparePep440(a, b)
        : semver.compare(left as semver.SemVer, right as semver.SemVer);
  return Math.sign(order) as -1 | 0 | 1;
}

type DebVersion = { epoch: number; upstream: string; revision: string };

// Debian policy 5.6.12: [epoch:]upstream[-revision]; upstream starts with a digit, holds a colon only after an
// epoch and a hyphen only before a revision.
const DEB_VERSION = /^(?:(\d{1,9}):)?(\d[A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/;
const NPM_PARTIAL = /^v?\d+(\.\d+)?$/;

function parseVersion(ecosystem: string, version: string): DebVersion | semver.SemVer | string | undefined {
  if (ecosystem === 'deb') {
    const match = DEB_VERSION.exec(version);
    if (!match) return undefined;
    const [, epoch, upstream = '', revision] = match;
    if ((epoch === undefined && upstream.includes(':')) || (revision === undefined && upstream.includes('-'))) {
      return undefined;
    }
    return { epoch: Number(epoch ?? 0), upstream, revision: revision ?? '' };
  }
  if (ecosystem === 'pypi') return parsePep440(version) ? version : undefined;
  if (ecosystem === 'npm') {
    // semver.coerce only for the short forms people write ("2.1"): coercing anything else would invent a version.
    const parsed =
      semver.parse(version, { loose: true }) ?? (NPM_PARTIAL.test(version) ? semver.coerce(version) : null);
    return parsed ?? undefined;
  }
  return undefined;
}

/**
 * dpkg's own comparison (lib/dpkg/version.c, dpkg_version_compare): epochs numerically, then upstream and revision
 * each by verrevcmp. Written out here because the deb-version-compare package gets it wrong where it matters: it
 * finds `3.0.15` equal to `3.0.15-1~deb12u1` and `1.0` different from `1.00` (checked against dpkg in the tests).
 */
function compareDeb(a: DebVersion, b: DebVersion): number {
  return a.epoch - b.epoch || verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision);
}

const isDigit = (c: string) => c >= '0' && c <= '9';
const isLetter = (c: string) => /^[A-Za-z]$/.test(c);
/** Letters sort before everything else, `~` before even the end of the string. */
const weight = (c: string) =>
  c === '' || isDigit(c) ? 0 : isLetter(c) ? c.charCodeAt(0) : c === '~' ? -1 : c.charCodeAt(0) + 256;

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const at = (s: string, k: number) => s.charAt(k); // '' past the end
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(at(a, i))) || (j < b.length && !isDigit(at(b, j)))) {
      const diff = weight(at(a, i)) - weight(at(b, j));
      if (diff) return diff;
      i++;
      j++;
    }
    while (at(a, i) === '0') i++;
    while (at(b, j) === '0') j++;
    let firstDiff = 0;
    while (isDigit(at(a, i)) && isDigit(at(b, j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(at(a, i))) return 1;
    if (isDigit(at(b, j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}
