// `dispatch get catalog|builds IMAGE_NAME`: what an image's builds did. The catalog lists what is really installed
// in the image now in use (OS and language packages); the build history says when and why each build ran.
import type { Command } from 'commander';
import { commandContext } from './context.js';
import { imageKind } from './image-commands.js';
import { printResources, printStructured, printTable, type Column } from './output.js';
import { resourcePath } from './resource-commands.js';
import { formatDate } from './table.js';

export type CatalogEntry = { ecosystem: string; name: string; version: string };

/** GET /v1/image/NAME/catalog: the packages of the build whose image is in use. */
export type Catalog = { image: string; buildId: string; packages: CatalogEntry[] };

/** One entry of GET /v1/image/NAME/builds (newest first). */
export type Build = {
  id: string;
  generation: number;
  trigger: string;
  inputs: unknown;
  /** RUNNING, SUCCEEDED, FAILED or SUPERSEDED (a newer spec replaced it before it finished). */
  outcome: string;
  error: string | null;
  dockerUrl: string | null;
  digest: string | null;
  startedTime: number;
  finishedTime: number | null;
  durationMs: number | null;
};

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
      printResources(format, buildColumns, await client.get<Build[]>(imageSubpath(imageName, 'builds')));
    });
}
