// `dispatch get packages NAME [--ecosystem E] [--version RANGE]`: which images of the org hold a package, fleet-wide,
// every page followed; `dispatch get sbom IMAGE_NAME`: an image's SBOM (CycloneDX JSON) as the server wrote it.
import type { Command } from 'commander';
import type { PackageHolding } from './api-types.js';
import { commandContext } from './context.js';
import { printResources, printStructured, type Column } from './output.js';
import { imageSubpath } from './build-commands.js';

export const PACKAGES_PATH = '/v1/packages';

export const holdingColumns: readonly Column<PackageHolding>[] = [
  { header: 'IMAGE', cell: (h) => h.image },
  { header: 'ECOSYSTEM', cell: (h) => h.ecosystem },
  { header: 'NAME', cell: (h) => h.name },
  { header: 'VERSION', cell: (h) => h.version },
  { header: 'BUILD', cell: (h) => h.buildId },
];

type PackageFlags = { ecosystem?: string; version?: string };

/** The query of GET /v1/packages; the server checks the ecosystem and the range, and names the field at fault. */
export function packagesPath(name: string, flags: PackageFlags): string {
  const query = new URLSearchParams({ name });
  if (flags.ecosystem !== undefined) query.set('ecosystem', flags.ecosystem);
  if (flags.version !== undefined) query.set('version', flags.version);
  return `${PACKAGES_PATH}?${query}`;
}

export function addPackageCommands(get: Command): void {
  get
    .command('packages')
    .alias('package')
    .description('list the images whose current build holds a package (every image of the org)')
    .argument('<name>', 'package name (for pypi as pip reads it: case, - _ . alike)')
    .option('--ecosystem <ecosystem>', 'only this ecosystem: deb, apk, rpm, pypi or npm')
    .option('--version <range>', "only versions in this range, e.g. '<3.0.15' or '>=2.1,<3' (quote it for the shell)")
    .action(async (name: string, flags: PackageFlags, command: Command) => {
      const { client, format } = commandContext(command);
      printResources(format, holdingColumns, await client.getAll<PackageHolding>(packagesPath(name, flags)));
    });

  get
    .command('sbom')
    .description("print an image's SBOM: its current build as a CycloneDX JSON document")
    .argument('<image-name>', 'name of the image')
    .action(async (imageName: string, _options: object, command: Command) => {
      const { client, format } = commandContext(command);
      const sbom = await client.get<unknown>(imageSubpath(imageName, 'sbom'));
      // The document has no table form: JSON unless -o yaml asks otherwise.
      if (!printStructured(format, sbom)) printStructured('json', sbom);
    });
}
