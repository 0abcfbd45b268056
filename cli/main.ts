// `dispatch`: the command line for the image service. Verbs (create, get, delete, logs, pause ...) come first and
// kinds second, as in the original CLI, so each kind module adds its subcommands to the shared verb commands.
import { Command, Option } from 'commander';
import { addBaseImageCommands } from './base-image-commands.js';
import { addBuildCommands } from './build-commands.js';
import { addBundleCommands } from './bundle-commands.js';
import { HttpError } from './client.js';
import { DEFAULT_SERVER } from './context.js';
import { addImageCommands } from './image-commands.js';
import { addLogCommands } from './log-commands.js';
import { addOrganizationCommands } from './organization-commands.js';
import { addPlatformTokenCommands } from './platform-token-commands.js';
import { parseOutputFormat } from './output.js';
import { addPackageCommands } from './package-commands.js';
import { addRebuildCommands } from './rebuild-commands.js';
import { withWaitOptions } from './resource-commands.js';
import { addScheduleCommands } from './schedule-commands.js';
import { addTokenCommands } from './token-commands.js';

export function buildProgram(): Command {
  // No commander defaults or .env() here: settings.ts puts the config file between the environment and the defaults.
  const program = new Command('dispatch')
    .description('Manage Dispatch base images and images, and rebuild them in batches')
    .showHelpAfterError('(add --help for usage)')
    // Subcommands inherit this, so `dispatch get base-image --help` lists --server, -o and the rest too.
    .configureHelp({ showGlobalOptions: true })
    .option('--server <url>', `address of the Dispatch API (env DISPATCH_API_URL; default ${DEFAULT_SERVER})`)
    .option('--organization <org>', "organization to work in (env DISPATCH_ORGANIZATION; default: the token's)")
    .option(
      '--token <token>',
      'API bearer token (env DISPATCH_TOKEN; for the organization commands the platform admin token, env DISPATCH_PLATFORM_TOKEN)',
    )
    .option('--config <file>', 'CLI config file (env DISPATCH_CONFIG; default ~/.dispatch/config.json)')
    .addOption(new Option('-o, --output <format>', 'output format: json or yaml').argParser(parseOutputFormat))
    // Hidden, as in the original: a shorthand for `-o json` that scripts used.
    .addOption(new Option('--json', 'same as -o json').hideHelp());

  const verbs = {
    create: withWaitOptions(program.command('create').description('create resources: one by kind, or -f FILE')),
    get: program.command('get').description('show resources'),
    delete: program.command('delete').description('delete resources: one by kind, or -f FILE'),
  };
  addBaseImageCommands(verbs);
  addImageCommands(verbs);
  addTokenCommands(verbs);
  addOrganizationCommands(verbs);
  addPlatformTokenCommands(verbs);
  addBuildCommands(verbs.get);
  addPackageCommands(verbs.get);
  addRebuildCommands(program, verbs);
  addScheduleCommands(program, verbs);
  addBundleCommands(program, verbs);
  addLogCommands(program.command('logs').description('show build logs'));
  return program;
}

/** The one line a user sees for a failure; stack traces are for bugs, and these are not bugs. */
export function describeError(err: unknown): string {
  if (err instanceof HttpError) return err.toString();
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
