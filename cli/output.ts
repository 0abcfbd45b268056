// How results reach stdout: a table (or a one-line confirmation) for people, JSON or YAML for scripts.
import { InvalidArgumentError } from 'commander';
import { stringify } from 'yaml';
import { renderTable } from './table.js';

export type OutputFormat = 'table' | 'json' | 'yaml';

/** Parser for `-o/--output`; the message is the original CLI's. */
export function parseOutputFormat(value: string): 'json' | 'yaml' {
  if (value === 'json' || value === 'yaml') return value;
  throw new InvalidArgumentError('invalid format option [yaml|json]');
}

/** `-o` wins over the hidden `--json` shorthand; neither means a table. */
export function outputFormat(options: { output?: 'json' | 'yaml'; json?: boolean }): OutputFormat {
  return options.output ?? (options.json ? 'json' : 'table');
}

/** Prints `data` as JSON or YAML; answers false for the table format so the caller prints its own text. */
export function printStructured(format: OutputFormat, data: unknown): boolean {
  if (format === 'json') console.log(JSON.stringify(data, null, 2));
  // lineWidth 0: no folding, so a long `reason` stays on one line that grep and copy-paste can use.
  else if (format === 'yaml') console.log(stringify(data, { lineWidth: 0 }).trimEnd());
  return format !== 'table';
}

export type Column<R> = { header: string; cell: (resource: R) => string };

/** One table, or the structured form: an object when one resource was asked for by name, an array otherwise. */
export function printResources<R>(format: OutputFormat, columns: readonly Column<R>[], data: R | R[]): void {
  if (!printStructured(format, data)) printTable(columns, Array.isArray(data) ? data : [data]);
}

/** A table of `items`, one row each; for answers whose table shows only part of the document (a catalog's packages). */
export function printTable<R>(columns: readonly Column<R>[], items: readonly R[]): void {
  const rows = items.map((item) => columns.map((column) => column.cell(item)));
  console.log(
    renderTable(
      columns.map((column) => column.header),
      rows,
    ).trimEnd(),
  );
}

/** Parser for one `key=value` tag; the value may itself contain `=`. */
export function parseTag(value: string): { key: string; value: string } {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { key: value.slice(0, at), value: value.slice(at + 1) };
}

/** `--tag key=value` collector for commander (repeatable). */
export function collectTag(value: string, previous: { key: string; value: string }[] = []) {
  return [...previous, parseTag(value)];
}
