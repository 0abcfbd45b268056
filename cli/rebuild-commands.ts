// `dispatch rebuild (--all | --base-image NAME | --tag key=value)` and `dispatch get rebuilds [ID]`: batch rebuilds.
// The service rebuilds only the selected images whose inputs moved (a base image tag pushed again), or all of them
// with --force; --dry-run shows that plan without building anything.
import type { Command } from 'commander';
import type { PlanEntry, Rebuild, RebuildDetail, RebuildItem, RebuildPlan, RebuildStarted } from './api-types.js';
import { commandContext } from './context.js';
import { printResources, printStructured, printTable, type Column } from './output.js';
import { selectorFromFlags, withSelectorOptions, type SelectorFlags } from './rebuild-selector.js';
import { failedItems, followRebuild, progressLine, REBUILDS_PATH } from './rebuild-wait.js';
import { CliError } from './cli-error.js';
import { parseSeconds, type VerbCommands } from './resource-commands.js';
import { formatDate } from './table.js';

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

export const planColumns: readonly Column<PlanEntry>[] = [
  { header: 'IMAGE', cell: (e) => e.imageName },
  { header: 'BASEIMAGE', cell: (e) => e.baseImageName },
  { header: 'REBUILD', cell: (e) => yesNo(e.rebuild) },
  { header: 'REASON', cell: (e) => e.reason },
];

export const itemColumns: readonly Column<RebuildItem>[] = [
  { header: 'IMAGE', cell: (i) => i.imageName },
  { header: 'OUTCOME', cell: (i) => i.outcome },
  { header: 'REASON', cell: (i) => i.reason },
];

export const rebuildColumns: readonly Column<Rebuild>[] = [
  { header: 'ID', cell: (r) => r.id },
  { header: 'TRIGGER', cell: (r) => r.trigger },
  { header: 'STATUS', cell: (r) => r.status },
  { header: 'DRY RUN', cell: (r) => yesNo(r.dryRun) },
  { header: 'CREATED DATE', cell: (r) => formatDate(r.createdTime) },
];

type DryRunAnswer = RebuildPlan;
type StartedAnswer = RebuildStarted;
type RebuildFlags = SelectorFlags & { dryRun?: boolean; force?: boolean; wait?: boolean; waitTimeout?: number };

// A batch builds a few images at a time, each taking minutes at worst: an image's half hour would cut it off.
const REBUILD_WAIT_SECONDS = 3 * 60 * 60;

export function addRebuildCommands(program: Command, verbs: VerbCommands): void {
  withSelectorOptions(
    program.command('rebuild').description('rebuild the selected images whose inputs changed (base image, packages)'),
  )
    .option('--dry-run', 'show what would be rebuilt and why, without building')
    .option('--force', 'rebuild every selected image, changed or not')
    .option('--wait', 'follow the rebuild until it is done, showing progress on stderr; exit 1 if a build failed')
    .option(
      '--wait-timeout <seconds>',
      `give up waiting after this many seconds (default ${REBUILD_WAIT_SECONDS})`,
      parseSeconds,
    )
    .action(async (flags: RebuildFlags, command: Command) => {
      const { client, format } = commandContext(command);
      const body = { selector: selectorFromFlags(flags), dryRun: Boolean(flags.dryRun), force: Boolean(flags.force) };
      if (flags.dryRun) {
        // The API answers a dry run once it is planned; a big one it cannot plan in the request's time is followed.
        const reply = await client.post<DryRunAnswer | StartedAnswer>(REBUILDS_PATH, body);
        const answer = 'plan' in reply ? reply : await followPlan(client, reply.id, flags.waitTimeout);
        if (printStructured(format, answer)) return;
        if (!answer.plan.length) console.error('No image matches the selector.');
        printTable(planColumns, answer.plan);
        return;
      }
      const started = await client.post<StartedAnswer>(REBUILDS_PATH, body);
      if (!flags.wait) {
        if (!printStructured(format, started)) console.log(`Started rebuild: ${started.id}`);
        return;
      }
      if (format === 'table') console.log(`Started rebuild: ${started.id}`);
      const done = await followRebuild(client, started.id, flags.waitTimeout ?? REBUILD_WAIT_SECONDS);
      if (!printStructured(format, done)) printTable(itemColumns, done.items);
      const failed = failedItems(done);
      if (failed.length) {
        const names = failed.map((i) => i.imageName).join(', ');
        throw new CliError(`rebuild ${done.id}: ${failed.length} of ${done.items.length} images failed: ${names}`);
      }
    });

  verbs.get
    .command('rebuilds')
    .alias('rebuild')
    .description('list batch rebuilds, newest first, or show the images of one')
    .argument('[id]', 'a rebuild ID, from `dispatch get rebuilds`')
    .action(async (id: string | undefined, _options: object, command: Command) => {
      const { client, format } = commandContext(command);
      if (!id) return printResources(format, rebuildColumns, await client.getAll<Rebuild>(REBUILDS_PATH));
      const run = await client.get<RebuildDetail>(`${REBUILDS_PATH}/${encodeURIComponent(id)}`);
      if (printStructured(format, run)) return;
      // The item table does not say whether the run is over; stderr does, leaving stdout to the table.
      console.error(`rebuild ${run.id}: ${progressLine(run)}`);
      printTable(itemColumns, run.items);
    });
}

/** A dry run still planning, followed until DONE: its items are its plan. */
async function followPlan(
  client: Parameters<typeof followRebuild>[0],
  id: string,
  waitTimeout: number | undefined,
): Promise<DryRunAnswer> {
  const done = await followRebuild(client, id, waitTimeout ?? REBUILD_WAIT_SECONDS);
  const plan = done.items.map(({ imageName, baseImageName, rebuild, reason }) => ({
    imageName,
    baseImageName,
    rebuild,
    reason,
  }));
  return { id: done.id, dryRun: true, plan };
}
