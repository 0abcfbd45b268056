// Which images a batch rebuild (or a rebuild schedule) takes, from `--all`, `--base-image NAME`, `--tag key=value` or
// `--package NAME [--ecosystem E] [--version RANGE]`.
// The API wants exactly one selector; checking it here names the flags, where the API could only name its JSON.
import type { Command } from 'commander';
import type { RebuildSelector, Tag } from './api-types.js';
import { parseTag } from './output.js';
import { CliError } from './cli-error.js';

/** The API's selector: every image of the org, the images of one base image, or those carrying a tag. */

/** What commander makes of the selector flags; each is undefined when not given. */
export type SelectorFlags = {
  all?: boolean;
  baseImage?: string;
  tag?: Tag;
  package?: string;
  ecosystem?: string;
  version?: string;
};

const CHOICES = 'one of --all, --base-image NAME, --tag key=value or --package NAME';

/** Adds the three selector flags; selectorFromFlags() checks that exactly one was given. */
export function withSelectorOptions(command: Command): Command {
  return command
    .option('--all', 'every image of the org')
    .option('--base-image <name>', 'the images built on this base image')
    .option('--tag <key=value>', 'the images carrying this tag', parseTag)
    .option('--package <name>', 'the images whose current build holds this package')
    .option('--ecosystem <ecosystem>', 'with --package: only in this ecosystem (deb, apk, rpm, pypi, npm)')
    .option('--version <range>', "with --package: only versions in this range, e.g. '<3.0.15' or '>=2.1,<3'");
}

/** The selector the flags name; a CliError when none or several were given (never a guess at what was meant). */
export function selectorFromFlags(flags: SelectorFlags): RebuildSelector {
  const given: [string, RebuildSelector][] = [];
  if (flags.all) given.push(['--all', { all: true }]);
  if (flags.baseImage !== undefined) given.push(['--base-image', { baseImageName: flags.baseImage }]);
  if (flags.tag) given.push(['--tag', { tag: flags.tag }]);
  if (flags.package !== undefined) given.push(['--package', { package: packageFilterOf(flags, flags.package) }]);
  else {
    const stray = flags.ecosystem !== undefined ? '--ecosystem' : flags.version !== undefined ? '--version' : undefined;
    if (stray) throw new CliError(`${stray} narrows --package NAME, which is missing`);
  }
  const [first, ...others] = given;
  if (!first) throw new CliError(`choose the images: ${CHOICES} is required`);
  if (others.length) {
    const names = given.map(([flag]) => flag).join(' and ');
    throw new CliError(`${names} cannot be combined: give exactly ${CHOICES}`);
  }
  return first[1];
}

type PackageSelector = Extract<RebuildSelector, { package: unknown }>['package'];

/** The server checks the ecosystem and the range (one rule for the API and the CLI); only given fields are sent. */
function packageFilterOf(flags: SelectorFlags, name: string): PackageSelector {
  return {
    name,
    ...(flags.ecosystem !== undefined && { ecosystem: flags.ecosystem as PackageSelector['ecosystem'] }),
    ...(flags.version !== undefined && { version: flags.version }),
  };
}

/** The selector as the flags that would give it, for tables: `--all`, `--base-image py`, `--tag team=data`. */
export function describeSelector(selector: RebuildSelector): string {
  if ('all' in selector) return '--all';
  if ('baseImageName' in selector) return `--base-image ${selector.baseImageName}`;
  if ('tag' in selector) return `--tag ${selector.tag.key}=${selector.tag.value}`;
  const { name, ecosystem, version } = selector.package;
  // The range grammar has no quote character, so single quotes show it as a shell would need it.
  return [`--package ${name}`, ecosystem && `--ecosystem ${ecosystem}`, version && `--version '${version}'`]
    .filter(Boolean)
    .join(' ');
}
