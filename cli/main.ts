// `dispatch`: the command line for the image service. Verbs (create, get, delete, logs) come first and kinds second,
// as in the original CLI, so each kind module adds its subcommands to the shared verb commands.
import { Command, Option } from 'commander';
import { addBaseImageCommands } from './base-image-commands.js';
import { addBuildCommands } from './build-commands.js';
import { ApiError } from './client.js';
import { DEFAULT_ORGANIZATION, DEFAULT_SERVER } from './context.js';
import { addImageCommands } from './image-commands.js';
import { addLogCommands } from './log-commands.js';
import { parseOutputFormat } from './output.js';

export function buildProgram(): Command {
  const program = new Command('dispatch')
    .description('Manage Dispatch base images and images')
    .showHelpAfterError('(add --help for usage)')
    // Subcommands inherit this, so `dispatch get base-image --help` lists --server, -o and the rest too.
    .configureHelp({ showGlobalOptions: true })
    .addOption(
      new Option('--server <url>', 'address of the Dispatch API').env('DISPATCH_API_URL').default(DEFAULT_SERVER),
    )
    .addOption(
      new Option('--organization <org>', 'organization (tenant) to work in')
        .env('DISPATCH_ORGANIZATION')
        .default(DEFAULT_ORGANIZATION),
    )
    .addOption(new Option('-o, --output <format>', 'output format: json or yaml').argParser(parseOutputFormat))
    // Hidden, as in the original: a shorthand for `-o json` that scripts used.
    .addOption(new Option('--json', 'same as -o json').hideHelp());

  const create = program.command('create').description('create a resource');
  const get = program.command('get').description('show resources');
  const del = program.command('delete').description('delete a resource');
  addBaseImageCommands({ create, get, delete: del });
  addImageCommands({ create, get, delete: del });
  addBuildCommands(get);
  addLogCommands(program.command('logs').description('show build logs'));
  return program;
}

/** The one line a user sees for a failure; stack traces are for bugs, and these are not bugs. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.toString();
  if (err instanceof Error) return err.message;
  return String(err);
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  console.error(describeError(err));
  // exitCode rather than exit(): stdout written just before the failure (a JSON document) is flushed first.
  process.exitCode = 1;
}
