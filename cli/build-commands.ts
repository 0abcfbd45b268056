// `dispatch get catalog|builds|catalog-diff IMAGE_NAME`: what an image's builds did. The catalog lists what is really
// installed in the image now in use (OS and language packages); the build history says when and why each build ran;
// the catalog diff, what a build changed against the build before it.
import type { Command } from 'commander';
import type { Build, Catalog, CatalogEntry } from './api-types.js';
import { comparisonLine, diffColumns, diffRows, diffSummary } from './catalog-diff.js';
import { commandContext } from './context.js';
import { imageKind } from './image-commands.js';
import { printResources, printStructured, printTable, type Column } from './output.js';
import { CliError } from './cli-error.js';
import { resourcePath } from './resource-commands.js';
import { formatDate } from './table.js';

export const catalogColumns: readonly Column<CatalogEntry>[] = [
  { header: 'ECOSYSTEM', cell: (p) => p.ecosystem },
  { header: 'NAME', cell: (p) => p.name },
  { header: 'VERSION', cell: (p) => p.version },
];

export const buildColumns: readonly Column<Build>[] = [
  { header: 'ID', cell: (b) => b.id },
  { header: 'TRIGGER', cell: (b) => b.trigger },
  { header: 'OUTCOME', cell: (b) => b.outcome },
  { header: 'DURATION', cell: (b) => formatDuration(b.durationMs) },
  { header: 'STARTED', cell: (b) => formatDate(b.startedTime) },
];

/**
 * The build columns, with CATALOG (`+3 -1 ~2`) after OUTCOME once some build has a previous one to compare with:
 * an image's first build has nothing to show there, and the table keeps the original's columns until then.
 */
export function buildColumnsFor(builds: readonly Build[]): readonly Column<Build>[] {
  if (!builds.some((b) => b.catalogDiff?.previousBuildId)) return buildColumns;
  const catalog: Column<Build> = { header: 'CATALOG', cell: (b) => diffSummary(b.catalogDiff) };
  const at = buildColumns.findIndex((c) => c.header === 'OUTCOME') + 1;
  return [...buildColumns.slice(0, at), catalog, ...buildColumns.slice(at)];
}

/** Seconds with one decimal (`12.3s`); empty while the build runs, as it has no duration yet. */
export function formatDuration(durationMs: number | null): string {
  return durationMs === null ? '' : `${(durationMs / 1000).toFixed(1)}s`;
}

export const imageSubpath = (imageName: string, rest: string) => `${resourcePath(imageKind, imageName)}/${rest}`;

export function addBuildCommands(get: Command): void {
  get
    .command('catalog')
    .description('list the packages installed in an image (OS and language packages, with versions)')
    .argument('<image-name>', 'name of the image')
    .action(async (imageName: string, _options: object, command: Command) => {
      const { client, format } = commandContext(command);
      const catalog = await client.get<Catalog>(imageSubpath(imageName, 'catalog'));
      // JSON/YAML keep the whole document (which build it describes); the table is the package list.
      if (!printStructured(format, catalog)) printTable(catalogColumns, catalog.packages);
    });

  get
    .command('builds')
    .alias('build')
    .description("list an image's builds, newest first")
    .argument('<image-name>', 'name of the image')
    .action(async (imageName: string, _options: object, command: Command) => {
      const { client, format } = commandContext(command);
      const builds = await client.getAll<Build>(imageSubpath(imageName, 'builds'));
      printResources(format, buildColumnsFor(builds), builds);
    });

  get
    .command('catalog-diff')
    .description('show what the latest build of an image (or one build) changed in its catalog')
    .argument('<image-name>', 'name of the image')
    .option('--build <id>', 'a build ID from `dispatch get builds IMAGE_NAME` instead of the latest build')
    .action(async (imageName: string, options: { build?: string }, command: Command) => {
      const { client, format } = commandContext(command);
      // There is no one-build endpoint: the latest is the first of the history (newest first), another is searched
      // for in all of it.
      const builds = options.build
        ? await client.getAll<Build>(imageSubpath(imageName, 'builds'))
        : await client.get<Build[]>(imageSubpath(imageName, 'builds?limit=1'));
      const build = options.build ? builds.find((b) => b.id === options.build) : builds[0];
      if (!build) {
        throw new CliError(
          options.build ? `image ${imageName} has no build ${options.build}` : `image ${imageName} has no build yet`,
        );
      }
      const diff = build.catalogDiff;
      if (!diff) throw new CliError(`build ${build.id} has no catalog diff (outcome ${build.outcome})`);
      // Like `get catalog`: JSON/YAML keep which build it describes; the table is the list of changes.
      if (printStructured(format, { image: imageName, buildId: build.id, ...diff })) return;
      console.error(comparisonLine(build.id, diff));
      const rows = diffRows(diff);
      // Without a previous build every package would show as added: the stderr line says why nothing is listed.
      if (diff.previousBuildId && rows.length) printTable(diffColumns, rows);
    });
}
