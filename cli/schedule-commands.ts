// `dispatch create|get|pause|unpause|trigger|delete rebuild-schedule`: batch rebuilds on a cron. The service keeps
// each schedule in Temporal, which answers whether it is paused and when it runs next.
import type { Command } from 'commander';
import type { RebuildSchedule } from './api-types.js';
import { commandContext } from './context.js';
import { printResources, printStructured, type Column } from './output.js';
import { describeSelector, selectorFromFlags, withSelectorOptions, type SelectorFlags } from './rebuild-selector.js';
import { resourcePath, type VerbCommands } from './resource-commands.js';
import { formatDate } from './table.js';

/** The API's rebuild schedule, as returned by /v1/rebuildschedules. */

const NOUN = 'rebuild schedule';
const KIND = { command: 'rebuild-schedule', aliases: ['rebuild-schedules'], path: '/v1/rebuildschedules' };

/** Temporal's ISO date in the format of the other tables' dates; empty when it has no next run. */
export function nextRun(schedule: Pick<RebuildSchedule, 'nextRunTimes'>): string {
  const [next] = schedule.nextRunTimes ?? [];
  return next ? formatDate(Date.parse(next) / 1000) : '';
}

export const scheduleColumns: readonly Column<RebuildSchedule>[] = [
  { header: 'NAME', cell: (s) => s.name },
  { header: 'CRON', cell: (s) => s.cron },
  { header: 'SELECTOR', cell: (s) => describeSelector(s.selector) + (s.force ? ' --force' : '') },
  { header: 'PAUSED', cell: (s) => (s.paused ? 'yes' : 'no') },
  { header: 'NEXT RUN', cell: nextRun },
];

type CreateFlags = SelectorFlags & { cron: string; force?: boolean; paused?: boolean };

/** The schedule verbs; pause, unpause and trigger are verbs of their own, as the original's verbs come first. */
export function addScheduleCommands(program: Command, verbs: VerbCommands): void {
  withSelectorOptions(
    verbs.create
      .command(KIND.command)
      .aliases(KIND.aliases)
      .description('rebuild the selected images on a cron (times are UTC)')
      .argument('<name>', 'name of the schedule')
      .requiredOption('--cron <expression>', 'when to run, e.g. "0 3 * * *" for 03:00 every day'),
  )
    .option('--force', 'rebuild every selected image, changed or not')
    .option('--paused', 'create the schedule paused (unpause it to start)')
    .action(async (name: string, flags: CreateFlags, command: Command) => {
      const { client, format } = commandContext(command);
      const body = { name, cron: flags.cron, selector: selectorFromFlags(flags), force: Boolean(flags.force) };
      const created = await client.post<RebuildSchedule>(KIND.path, { ...body, paused: Boolean(flags.paused) });
      if (!printStructured(format, created)) console.log(`Created ${NOUN}: ${created.name}`);
    });

  verbs.get
    .command(KIND.command)
    .aliases(KIND.aliases)
    .description(`show one ${NOUN} or list them all`)
    .argument('[name]', `name of the ${NOUN}`)
    .action(async (name: string | undefined, _options: object, command: Command) => {
      const { client, format } = commandContext(command);
      const data = name
        ? await client.get<RebuildSchedule>(resourcePath(KIND, name))
        : await client.getAll<RebuildSchedule>(KIND.path);
      printResources(format, scheduleColumns, data);
    });

  const actions = [
    ['pause', 'Paused', 'stop a schedule from starting rebuilds until it is unpaused'],
    ['unpause', 'Unpaused', 'let a paused schedule start rebuilds again'],
    ['trigger', 'Triggered', 'start a rebuild of a schedule now (see `dispatch get rebuilds`)'],
    ['delete', 'Deleted', `delete a ${NOUN}; rebuilds it started are kept`],
  ] as const;
  for (const [verb, done, description] of actions) {
    const parent = verb === 'delete' ? verbs.delete : program.command(verb).description(`${verb} a ${NOUN}`);
    parent
      .command(KIND.command)
      .aliases(KIND.aliases)
      .description(description)
      .argument('<name>', `name of the ${NOUN}`)
      .action(async (name: string, _options: object, command: Command) => {
        const { client, format } = commandContext(command);
        const path = resourcePath(KIND, name);
        const answer = await client.request<RebuildSchedule>(
          verb === 'delete' ? 'DELETE' : 'POST',
          verb === 'delete' ? path : `${path}/${verb}`,
        );
        if (!printStructured(format, answer)) console.log(`${done} ${NOUN}: ${answer.name}`);
      });
  }
}
