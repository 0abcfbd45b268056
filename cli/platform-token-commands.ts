// `dispatch create platform-token NAME [--expires-in 30d]`, `get platform-tokens`, `delete platform-token ID`: the
// platform admin's own tokens, made and revoked with the platform admin token (like the organization commands).
// A leaked one is revoked once its successor exists: the server refuses to delete the last one valid for a day.
// Tokens the leaked one made are not revoked with it (a rotation makes the new one with the old): list and revoke.
import { Option, type Command } from 'commander';
import type { CreatedPlatformToken, PlatformToken } from './api-types.js';
import { commandContext } from './context.js';
import { printResources, printStructured } from './output.js';
import type { VerbCommands } from './resource-commands.js';
import { parseExpiresIn, platformTokenColumns, printCreatedToken } from './token-commands.js';

export function addPlatformTokenCommands(parents: VerbCommands): void {
  parents.create
    .command('platform-token')
    .description('create a platform admin token (platform admin only); it is printed once')
    .argument('<name>', 'what the token is for, e.g. "ops on-call"')
    .addOption(
      new Option(
        '--expires-in <days>',
        'the token stops working after this many days, e.g. 30d (default: when the token making it does, or never)',
      ).argParser(parseExpiresIn),
    )
    .action(async (name: string, options: { expiresIn?: number }, command: Command) => {
      const { client, format } = commandContext(command, 'platform');
      const body = options.expiresIn === undefined ? { name } : { name, expiresInDays: options.expiresIn };
      const created = await client.post<CreatedPlatformToken>('/v1/platform/token', body);
      printCreatedToken(format, created, `platform admin token "${created.name}" (id ${created.id})`);
    });

  parents.get
    .command('platform-tokens')
    .alias('platform-token')
    .description('list the platform admin tokens (platform admin only; the tokens themselves are never shown)')
    .action(async (_options: object, command: Command) => {
      const { client, format } = commandContext(command, 'platform');
      printResources(format, platformTokenColumns, await client.getAll<PlatformToken>('/v1/platform/token'));
    });

  parents.delete
    .command('platform-token')
    .alias('platform-tokens')
    .description('revoke a platform admin token (platform admin only); refused unless another stays valid a day')
    .argument('<id>', 'the token ID, from `dispatch get platform-tokens`')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, format } = commandContext(command, 'platform');
      const deleted = await client.delete<{ id: string }>(`/v1/platform/token/${encodeURIComponent(id)}`);
      if (!printStructured(format, deleted)) console.log(`Deleted platform token: ${deleted.id}`);
    });
}
