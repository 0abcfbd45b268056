// The parts of `get`, `delete` and `create --wait` that are the same for every kind of resource. A kind (base
// image, image) is described once by a ResourceKind; only `create` differs per kind.
import { InvalidArgumentError, type Command } from 'commander';
import { CliError } from './cli-error.js';
import type { DispatchClient } from './client.js';
import { commandContext, type CommandContext } from './context.js';
import { printResources, printStructured, type Column } from './output.js';
import { createProgress, type Progress } from './progress.js';
import { SETTLED_STATUSES, waitUntilSettled } from './wait.js';

export type Resource = { name: string; status?: string; reason?: string[] | null; createdTime: number };

export type ResourceKind<R extends Resource> = {
  /** In messages: `Created base image: NAME`. */
  noun: string;
  /** The CLI argument (`base-image`) and its aliases (`base-images`). */
  command: string;
  aliases: readonly string[];
  /** The collection under /v1, e.g. `/v1/baseimage`. */
  path: string;
  columns: readonly Column<R>[];
  /** How long --wait waits by default: a pull takes seconds, an image build can take many minutes. */
  waitSeconds: number;
  /** What the resource's work is doing now (an image's build step), shown by --wait next to the status. */
  currentStep?: (client: Pick<DispatchClient, 'get'>, name: string) => Promise<string | undefined>;
};

/** What following a resource needs of its kind; every ResourceKind is one, whatever its columns. */
export type KindRef = Pick<ResourceKind<Resource>, 'noun' | 'path' | 'waitSeconds' | 'currentStep'>;

/** The verb commands every kind adds its subcommands to. */
export type VerbCommands = { create: Command; get: Command; delete: Command };

export const resourcePath = (kind: { path: string }, name: string) => `${kind.path}/${encodeURIComponent(name)}`;

/** `dispatch get KIND [NAME]`: a table of one or all, or the JSON/YAML (an object for a NAME, an array otherwise). */
export function addGetCommand<R extends Resource>(parent: Command, kind: ResourceKind<R>): void {
  parent
    .command(kind.command)
    .aliases(kind.aliases)
    .description(`show one ${kind.noun} or list them all`)
    .argument('[name]', `name of the ${kind.noun}`)
    .action(async (name: string | undefined, _options: object, command: Command) => {
      const { client, format } = commandContext(command);
      const data = name ? await client.get<R>(resourcePath(kind, name)) : await client.getAll<R>(kind.path);
      printResources(format, kind.columns, data);
    });
}

/** `dispatch delete KIND NAME`. */
export function addDeleteCommand<R extends Resource>(parent: Command, kind: ResourceKind<R>): void {
  parent
    .command(kind.command)
    .aliases(kind.aliases)
    .description(`delete a ${kind.noun}`)
    .argument('<name>', `name of the ${kind.noun}`)
    .action(async (name: string, _options: object, command: Command) => {
      const { client, format } = commandContext(command);
      const deleted = await client.delete<R>(resourcePath(kind, name));
      if (!printStructured(format, deleted)) console.log(`Deleted ${kind.noun}: ${deleted.name}`);
    });
}

export type WaitFlags = { wait?: boolean; waitTimeout?: number };

/**
 * Adds `--wait` and `--wait-timeout` to a verb command (create, apply, update). They live on the verb, not on
 * `create image`: commander lets a parent command take its known options from anywhere on the command line, so the
 * verb would take them from `create -f` and `create image` alike. Subcommands read them with optsWithGlobals().
 */
export function withWaitOptions(command: Command): Command {
  return command
    .option('--wait', 'follow the resources until they are READY or ERROR, showing status changes on stderr')
    .option(
      '--wait-timeout <seconds>',
      'give up waiting after this many seconds (default: 600, images 1800)',
      parseSeconds,
    );
}

/**
 * After a create: prints the result, and with --wait follows the resource until it settles. ERROR becomes a
 * CliError carrying the reason, so the exit status tells a script the resource is not usable.
 */
export async function reportCreated<R extends Resource>(
  kind: ResourceKind<R>,
  { client, format }: CommandContext,
  created: R,
  flags: WaitFlags,
): Promise<void> {
  if (!flags.wait) {
    if (!printStructured(format, created)) console.log(`Created ${kind.noun}: ${created.name}`);
    return;
  }
  if (format === 'table') console.log(`Created ${kind.noun}: ${created.name}`);
  const settled = await followResource<R>(kind, client, created, flags.waitTimeout);
  // Scripts asking for JSON get the settled resource, which is what they waited for.
  printStructured(format, settled);
  if (settled.status === 'ERROR') throw new CliError(errorReport(kind, settled));
}

/**
 * Polls one resource until READY or ERROR, showing on stderr its status and, while it works, its current step and
 * the time waited (./progress.ts). `first` (a create or bundle answer) counts as the first poll when it carries a
 * status, so that status shows without another round trip. `progress` is shared when many are followed at once.
 */
export async function followResource<R extends Resource>(
  kind: KindRef,
  client: Pick<DispatchClient, 'get'>,
  first: { name: string; status?: string },
  timeoutSeconds = kind.waitSeconds,
  progress?: Progress,
): Promise<R> {
  const shown = progress ?? createProgress();
  let unseen: R | undefined = first.status ? (first as R) : undefined;
  const fetchResource = async () => {
    const resource = unseen ?? (await client.get<R>(resourcePath(kind, first.name)));
    unseen = undefined;
    const working = !SETTLED_STATUSES.includes(resource.status ?? '');
    const step = working ? await kind.currentStep?.(client, first.name) : undefined;
    return {
      resource,
      status: resource.status,
      state: step ? `${resource.status}: ${step}` : (resource.status ?? 'UNKNOWN'),
    };
  };
  try {
    const settled = await waitUntilSettled(`${kind.noun} ${first.name}`, fetchResource, {
      timeoutMs: timeoutSeconds * 1000,
      progress: ({ state }) => state,
      isSettled: ({ resource }) => SETTLED_STATUSES.includes(resource.status ?? ''),
      onStatus: (state) => shown.update(`${kind.noun} ${first.name}`, state),
    });
    return settled.resource;
  } finally {
    if (!progress) shown.stop();
  }
}

/** `image x is in ERROR: summary`; reason[0] is the summary, what follows (build output) gets lines of its own. */
export function errorReport(kind: { noun: string }, resource: Resource): string {
  const [summary = 'no reason given', ...details] = resource.reason ?? [];
  return [`${kind.noun} ${resource.name} is in ERROR: ${summary}`, ...details].join('\n');
}

/** Parser for `--wait-timeout`: a positive number of seconds. */
export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new InvalidArgumentError(`expected a number of seconds, got "${value}"`);
  }
  return seconds;
}
