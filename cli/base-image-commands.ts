// `dispatch create|get|delete base-image`. Base images are registered Docker images that the service pulls to
// prove they exist; an admin creates one with a name, a Docker reference and a language.
import type { Command } from 'commander';
import type { BaseImage, Tag } from './api-types.js';
import { commandContext } from './context.js';
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

export const baseImageKind: ResourceKind<BaseImage> = {
  noun: 'base image',
  command: 'base-image',
  aliases: ['base-images'],
  path: '/v1/baseimage',
  columns: [
    { header: 'NAME', cell: (b) => b.name },
    { header: 'URL', cell: (b) => b.dockerUrl },
    { header: 'STATUS', cell: (b) => b.status ?? '' },
    { header: 'CREATED DATE', cell: (b) => formatDate(b.createdTime) },
  ],
  waitSeconds: 600,
};

export function addBaseImageCommands(parents: VerbCommands): void {
  parents.create
    .command(baseImageKind.command)
    .aliases(baseImageKind.aliases)
    .description('register a Docker image as a base image; the service pulls it to verify it')
    .argument('<name>', 'name of the base image')
    .argument('<url>', 'Docker reference of the image, e.g. dispatchframework/python3-base:0.0.13')
    .requiredOption('--language <language>', 'language runtime the image provides, e.g. python3 or nodejs')
    .option('--tag <key=value>', 'add a tag (repeatable)', collectTag)
    .action(async (name: string, url: string, options: CreateOptions, command: Command) => {
      const context = commandContext(command);
      const created = await context.client.post<BaseImage>(baseImageKind.path, {
        name,
        dockerUrl: url,
        language: options.language,
        tags: options.tag ?? [],
      });
      // --wait and --wait-timeout belong to `create` (see withWaitOptions), hence optsWithGlobals.
      await reportCreated(baseImageKind, context, created, command.optsWithGlobals<WaitFlags>());
    });

  addGetCommand(parents.get, baseImageKind);
  addDeleteCommand(parents.delete, baseImageKind);
}

type CreateOptions = { language: string; tag?: Tag[] };
