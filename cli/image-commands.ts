// `dispatch create|get|delete image`. An image is a base image plus a developer's dependencies: the service builds
// it (system packages, then the runtime manifest), pushes it to its registry and records what got installed.
import type { Command } from 'commander';
import type { Build, Image, Tag } from './api-types.js';
import type { DispatchClient } from './client.js';
import { commandContext } from './context.js';
import { readRuntimeDependencies, readSystemDependencies } from './dependency-files.js';
import { collectTag } from './output.js';
import {
  addDeleteCommand,
  addGetCommand,
  reportCreated,
  type ResourceKind,
  type VerbCommands,
  type WaitFlags,
} from './resource-commands.js';
import { formatDate } from './table.js';

export const imageKind: ResourceKind<Image> = {
  noun: 'image',
  command: 'image',
  aliases: ['images'],
  path: '/v1/image',
  columns: [
    { header: 'NAME', cell: (i) => i.name },
    { header: 'URL', cell: (i) => i.dockerUrl ?? '' },
    { header: 'BASEIMAGE', cell: (i) => i.baseImageName },
    { header: 'STATUS', cell: (i) => i.status ?? '' },
    { header: 'CREATED DATE', cell: (i) => formatDate(i.createdTime) },
  ],
  // A build downloads from package mirrors and pushes to a registry: minutes are normal, so ten would cut builds off.
  waitSeconds: 30 * 60,
  currentStep: runningStep,
};

/** The step of the image's running build, if one runs (before its build starts an image waits for its base). */
export async function runningStep(client: Pick<DispatchClient, 'get'>, name: string): Promise<string | undefined> {
  const [latest] = await client
    .get<Build[]>(`/v1/image/${encodeURIComponent(name)}/builds?limit=1`)
    .catch((): Build[] => []);
  return latest?.outcome === 'RUNNING' ? (latest.step ?? undefined) : undefined;
}

export function addImageCommands(parents: VerbCommands): void {
  parents.create
    .command(imageKind.command)
    .aliases(imageKind.aliases)
    .description('build an image from a base image plus runtime and system dependencies')
    .argument('<name>', 'name of the image')
    .argument('<base-image-name>', 'name of the base image to build on')
    .option('--runtime-deps <file>', 'runtime manifest, e.g. requirements.txt (python3) or package.json (nodejs)')
    .option('--system-deps <file>', 'OS packages, JSON or YAML: {"packages":[{"name":"curl","version":"7.59.0"}]}')
    .option('-a, --application <app>', 'tag the image with Application=APP')
    .option('--tag <key=value>', 'add a tag (repeatable)', collectTag)
    .action(async (name: string, baseImageName: string, options: CreateOptions, command: Command) => {
      const context = commandContext(command);
      // One after the other, so that with two bad files the message is always about the first.
      const runtimeDependencies = await readRuntimeDependencies(options.runtimeDeps);
      const systemDependencies = await readSystemDependencies(options.systemDeps);
      const tags = [...(options.tag ?? [])];
      if (options.application) tags.push({ key: 'Application', value: options.application });
      const created = await context.client.post<Image>(imageKind.path, {
        name,
        baseImageName,
        runtimeDependencies,
        systemDependencies,
        tags,
      });
      // --wait and --wait-timeout belong to `create` (see withWaitOptions), hence optsWithGlobals.
      await reportCreated(imageKind, context, created, command.optsWithGlobals<WaitFlags>());
    });

  addGetCommand(parents.get, imageKind);
  addDeleteCommand(parents.delete, imageKind);
}

type CreateOptions = { runtimeDeps?: string; systemDeps?: string; application?: string; tag?: Tag[] };
