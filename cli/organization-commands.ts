// `dispatch create organization NAME`, `get organizations [NAME]`, `delete organization NAME`: the platform admin
// opens and closes organizations. These commands alone use the platform admin token (`platformToken` in the config
// file, DISPATCH_PLATFORM_TOKEN, or --token); every other command uses an org's token.
import { Option, type Command } from 'commander';
import type { CreatedOrganization, DeletedOrganization, Organization } from './api-types.js';
import { commandContext } from './context.js';
import { printResources, printStructured, type Column } from './output.js';
import type { VerbCommands } from './resource-commands.js';
import { formatDate } from './table.js';
import { parseExpiresIn } from './token-commands.js';

export const organizationColumns: readonly Column<Organization>[] = [
  { header: 'NAME', cell: (o) => o.name },
  { header: 'CREATED DATE', cell: (o) => formatDate(Date.parse(o.createdAt) / 1000) },
];

const path = (name: string) => `/v1/org/${encodeURIComponent(name)}`;

export function addOrganizationCommands(parents: VerbCommands): void {
  parents.create
    .command('organization')
    .alias('org')
    .description('open an organization (platform admin only); its first admin token is printed once')
    .argument('<name>', 'the name of the organization')
    .addOption(
      new Option('--expires-in <days>', 'the first admin token expires after this many days, e.g. 30d').argParser(
        parseExpiresIn,
      ),
    )
    .action(async (name: string, options: { expiresIn?: number }, command: Command) => {
      const { client, format } = commandContext(command, 'platform');
      const body = options.expiresIn === undefined ? { name } : { name, expiresInDays: options.expiresIn };
      const created = await client.post<CreatedOrganization>('/v1/org', body);
      // Scripts get the name and the token, nothing else; a person gets the token alone on stdout
      // (`TOKEN=$(dispatch create organization ...)`), and the advice on stderr.
      if (!printStructured(format, { name: created.name, token: created.token })) console.log(created.token);
      console.error(
        `Created organization ${created.name}. The token above is the admin token of its first administrator, ` +
          'shown only now: store it safely and hand it over (dispatch --token TOKEN create token ... makes more).',
      );
    });

  parents.get
    .command('organizations')
    .aliases(['organization', 'orgs', 'org'])
    .description('show one organization or list them all (platform admin only)')
    .argument('[name]', 'the name of the organization')
    .action(async (name: string | undefined, _options: object, command: Command) => {
      const { client, format } = commandContext(command, 'platform');
      const data = name ? await client.get<Organization>(path(name)) : await client.getAll<Organization>('/v1/org');
      printResources(format, organizationColumns, data);
    });

  parents.delete
    .command('organization')
    .aliases(['organizations', 'org'])
    .description('delete an empty organization and all its tokens (platform admin only)')
    .argument('<name>', 'the name of the organization')
    .action(async (name: string, _options: object, command: Command) => {
      const { client, format } = commandContext(command, 'platform');
      const deleted = await client.delete<DeletedOrganization>(path(name));
      if (!printStructured(format, deleted)) {
        const tokens = `${deleted.deletedTokens} token${deleted.deletedTokens === 1 ? '' : 's'}`;
        console.log(`Deleted organization: ${deleted.name} (${tokens} revoked)`);
      }
    });
}
