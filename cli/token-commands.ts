// `dispatch create token NAME --role R [--expires-in 30d]`, `get tokens`, `delete token ID`: an org's administrators hand out API
// tokens. The server keeps only a hash, so a new token is visible exactly once, in the answer to its creation.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CreatedToken, Token as TokenInfo } from './api-types.js';
import { commandContext } from './context.js';
import { printResources, printStructured, type Column, type OutputFormat } from './output.js';
import type { VerbCommands } from './resource-commands.js';
import { formatDate } from './table.js';

export const ROLES = ['admin', 'developer', 'viewer'] as const;

type TokenBasics = Omit<TokenInfo, 'role'>;
const [idColumn, nameColumn, ...timeColumns]: readonly Column<TokenBasics>[] = [
  { header: 'ID', cell: (t) => t.id },
  { header: 'NAME', cell: (t) => t.name },
  { header: 'CREATED DATE', cell: (t) => formatDate(t.createdTime) },
  { header: 'EXPIRES', cell: (t) => (t.expiresAt ? formatDate(Date.parse(t.expiresAt) / 1000) : 'never') },
];

export const tokenColumns: readonly Column<TokenInfo>[] = [
  idColumn!,
  nameColumn!,
  { header: 'ROLE', cell: (t) => t.role },
  ...timeColumns,
];

/** The platform admin's tokens: the same columns, but no role (they are all the platform's). */
export const platformTokenColumns: readonly Column<TokenBasics>[] = [idColumn!, nameColumn!, ...timeColumns];

/** The most days a token may last; the server refuses more (expiresInDays). */
export const MAX_EXPIRES_IN_DAYS = 3650;

/** Parser for `--expires-in`: whole days, written `30d` or `30`, 1 to 3650. */
export function parseExpiresIn(value: string): number {
  const days = /^\s*(\d{1,5})\s*d?\s*$/i.exec(value)?.[1];
  if (days === undefined || Number(days) < 1 || Number(days) > MAX_EXPIRES_IN_DAYS) {
    throw new InvalidArgumentError(
      `expected a number of days from 1 to ${MAX_EXPIRES_IN_DAYS}, such as 30d; got "${value}"`,
    );
  }
  return Number(days);
}

/**
 * A new token: the token alone on stdout, so `TOKEN=$(dispatch create ...)` works (or the whole answer with -o),
 * and the advice on stderr. `what`: how the advice names it, e.g. 'viewer token "ci" (id ...) for org acme'.
 */
export function printCreatedToken(
  format: OutputFormat,
  created: { token: string; expiresAt: string | null },
  what: string,
): void {
  if (!printStructured(format, created)) console.log(created.token);
  console.error(
    `Created ${what}${created.expiresAt ? `, expiring ${created.expiresAt}` : ''}. It is shown only now: store it safely.`,
  );
}

export function addTokenCommands(parents: VerbCommands): void {
  parents.create
    .command('token')
    .description('create an API token for your org (admins only); it is printed once')
    .argument('<name>', 'what the token is for, e.g. "ci pipeline"')
    // Required: a forgotten flag must not quietly mint an admin token.
    .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).makeOptionMandatory())
    .addOption(
      new Option(
        '--expires-in <days>',
        'the token stops working after this many days, e.g. 30d (default: never)',
      ).argParser(parseExpiresIn),
    )
    .action(async (name: string, options: { role: string; expiresIn?: number }, command: Command) => {
      const { client, format } = commandContext(command);
      const body = {
        name,
        role: options.role,
        ...(options.expiresIn === undefined ? {} : { expiresInDays: options.expiresIn }),
      };
      const created = await client.post<CreatedToken>('/v1/token', body);
      printCreatedToken(
        format,
        created,
        `${created.role} token "${created.name}" (id ${created.id}) for org ${created.org}`,
      );
    });

  parents.get
    .command('tokens')
    .alias('token')
    .description("list your org's API tokens (their names and roles; the tokens themselves are never shown)")
    .action(async (_options: object, command: Command) => {
      const { client, format } = commandContext(command);
      printResources(format, tokenColumns, await client.getAll<TokenInfo>('/v1/token'));
    });

  parents.delete
    .command('token')
    .alias('tokens')
    .description('revoke an API token: requests carrying it are refused from now on')
    .argument('<id>', 'the token ID, from `dispatch get tokens`')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, format } = commandContext(command);
      const deleted = await client.delete<{ id: string }>(`/v1/token/${encodeURIComponent(id)}`);
      if (!printStructured(format, deleted)) console.log(`Deleted token: ${deleted.id}`);
    });
}
