/** An error the user caused or can act on: main.ts prints only its message. */
export class CliError extends Error {
  override name = 'CliError';
}
