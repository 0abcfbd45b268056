// `dispatch create|apply|update|delete -f FILE [-w DIR]`: many resources from one multi-document YAML file, as in
// the original and the seed. The server applies a bundle all or nothing; the CLI reads '@file' manifests, checks
// `update`'s documents exist, prints one line per document and, with --wait, follows what the bundle wrote.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { BundleAnswer, BundleResult } from './api-types.js';
import { HttpError } from './client.js';
import { commandContext } from './context.js';
import {
  documentIdentity,
  inlineManifests,
  manifestBaseDir,
  parseBundleText,
  serializeBundle,
  type BundleFileDocument,
} from './bundle-file.js';
import { followBundle, kindOf } from './bundle-wait.js';
import { printStructured } from './output.js';
import { CliError } from './cli-error.js';
import { resourcePath, withWaitOptions, type VerbCommands, type WaitFlags } from './resource-commands.js';

export type BundleVerb = 'create' | 'apply' | 'update' | 'delete';
export type BundleFlags = WaitFlags & { file?: string; workDir?: string; ignoreNotFound?: boolean };

/**
 * `apply -f` and `update -f` are commands of their own; `create -f` and `delete -f` share their verb with the kind
 * subcommands (`create image ...`), so -f is an option of the verb, whose action runs when no subcommand is named.
 * Call this after the kinds have added their subcommands: they would inherit allowExcessArguments otherwise.
 */
export function addBundleCommands(program: Command, verbs: VerbCommands): void {
  const bundleVerb = (command: Command, verb: 'create' | 'delete') =>
    withBundleOptions(command)
      // Excess arguments reach the action, which names them as an unknown kind rather than "too many arguments".
      .allowExcessArguments()
      .action(async (flags: BundleFlags, self: Command) => {
        if (self.args.length) self.error(`error: unknown command '${self.args[0]}'`);
        if (!flags.file) self.help({ error: true });
        await runBundle(self, verb, flags);
      })
      // A verb's options reach its subcommands' hooks: `create image x b -f f.yaml` must not ignore the file silently.
      .hook('preAction', (self, action) => {
        const { file, workDir } = self.opts<BundleFlags>();
        if (action !== self && (file || workDir)) {
          throw new CliError(`-f/--file and -w/--work-dir cannot be combined with \`${verb} ${action.name()}\``);
        }
      });
  bundleVerb(verbs.create, 'create');
  bundleVerb(verbs.delete, 'delete').option(
    '--ignore-not-found',
    'with -f: delete the documents that exist and skip (and name) those that do not',
  );
  for (const verb of ['apply', 'update'] as const) {
    const description =
      verb === 'apply'
        ? 'create or update every resource of a bundle file'
        : 'update every resource of a bundle file; each must already exist';
    withWaitOptions(withBundleOptions(program.command(verb).description(description), true)).action(
      (flags: BundleFlags, self: Command) => runBundle(self, verb, flags),
    );
  }
}

function withBundleOptions(command: Command, required = false): Command {
  const file = '-f, --file <file>';
  const description = 'a multi-document YAML file of BaseImage and Image documents';
  return (required ? command.requiredOption(file, description) : command.option(file, description)).option(
    '-w, --work-dir <dir>',
    "folder that '@file' manifests are read from (default: the bundle file's folder)",
  );
}

/** `Created BaseImage: name`, the original's line for each document; `apply` tells created, updated, unchanged. */
export function resultLine({ kind, name, result }: BundleResult): string {
  return `${result.charAt(0).toUpperCase()}${result.slice(1)} ${kind}: ${name}`;
}

export async function runBundle(command: Command, verb: BundleVerb, flags: BundleFlags): Promise<void> {
  const { client, format } = commandContext(command);
  // As in the original (path.Join(workDir, file)): with --work-dir, the file is read from there too.
  const path = flags.workDir ? resolve(flags.workDir, flags.file ?? '') : (flags.file ?? '');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`Error reading file ${path}: ${err instanceof Error ? err.message : err}`);
  }
  let documents = parseBundleText(text);
  // A delete needs only kinds and names: it must work even after the manifest files are gone.
  if (verb !== 'delete') documents = await inlineManifests(documents, manifestBaseDir(path, flags.workDir));
  if (verb === 'update') await requireExisting(client, documents);
  if (verb === 'delete') {
    documents = await withoutMissing(client, documents, flags.ignoreNotFound ?? false);
    if (!documents.length) return;
  }

  const operation = verb === 'update' ? 'apply' : verb;
  const body = serializeBundle(documents);
  const answer = await client.postText<BundleAnswer>(`/v1/bundle?operation=${operation}`, body, 'application/yaml');
  if (!flags.wait || verb === 'delete') {
    if (!printStructured(format, answer)) answer.results.forEach((result) => console.log(resultLine(result)));
    return;
  }
  if (format === 'table') answer.results.forEach((result) => console.log(resultLine(result)));
  const { statuses, errors } = await followBundle(client, answer.results, flags.waitTimeout);
  // Scripts asking for JSON get the statuses they waited for, not those of the moment the bundle was written.
  printStructured(format, {
    ...answer,
    results: answer.results.map((r) => ({ ...r, status: statuses.get(r.index) ?? r.status })),
  });
  if (errors.length) throw new CliError(errors.join('\n'));
}

/**
 * `delete -f` of a bundle some of whose resources are gone already: the server would refuse it whole (404 for the
 * first); this names every missing one, and with --ignore-not-found deletes the others.
 */
async function withoutMissing(
  client: ReturnType<typeof commandContext>['client'],
  documents: BundleFileDocument[],
  ignoreNotFound: boolean,
): Promise<BundleFileDocument[]> {
  const present: BundleFileDocument[] = [];
  const missing: string[] = [];
  for (const doc of documents) {
    const identity = documentIdentity(doc.value);
    const kind = identity && kindOf(identity.kind);
    if (!identity || !kind) {
      present.push(doc); // the server names what is wrong with it
      continue;
    }
    try {
      await client.get(resourcePath(kind, identity.name));
      present.push(doc);
    } catch (err) {
      if (!(err instanceof HttpError) || err.code !== 404) throw err;
      missing.push(`${identity.kind} ${identity.name}`);
    }
  }
  if (!missing.length) return documents;
  if (!ignoreNotFound) {
    throw new CliError(
      `not found: ${missing.join(', ')}; nothing was deleted (--ignore-not-found deletes the others and skips these)`,
    );
  }
  for (const name of missing) console.error(`Not found ${name}: skipped`);
  return present;
}

/**
 * `update` changes resources and never creates one, as the original's PUT did: each document must name an existing
 * resource. The 404 names the document the way the server's bundle errors do.
 */
async function requireExisting(client: ReturnType<typeof commandContext>['client'], documents: BundleFileDocument[]) {
  // One after the other, so the first missing document is the one reported.
  for (const { index, value } of documents) {
    const identity = documentIdentity(value);
    const kind = identity && kindOf(identity.kind);
    if (!identity || !kind) continue; // the server names what is wrong with it
    try {
      await client.get(resourcePath(kind, identity.name));
    } catch (err) {
      if (!(err instanceof HttpError) || err.code !== 404) throw err;
      throw new HttpError(404, `bundle document ${index} (${identity.kind} ${identity.name}): ${err.message}`);
    }
  }
}
