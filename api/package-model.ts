import { z } from '@hono/zod-openapi';
import { ECOSYSTEMS, MAX_RANGE_LENGTH, ORDERED_ECOSYSTEMS, versionRangeProblem } from '../package-versions.js';
import { pageQueryFields } from './paging.js';

// The contract of the fleet-wide package query (GET /v1/packages) and of the package filter it shares with the
// rebuild selector {package: ...}: one set of fields, one check of the version range.

export const PACKAGES = 'packages';

/** The names catalogs record: npm's `@scope/name` included. */
const PACKAGE_NAME = /^[A-Za-z0-9@][A-Za-z0-9@/+._~-]{0,255}$/;

const RANGE_DOC = [
  'An exact version or a range: constraints such as `<3.0.15`, `>=2.1` joined by commas or spaces, all of which must hold (`>=2.1,<3`);',
  'operators < <= > >= = (or ==) and !=, none meaning =.',
  `Versions are ordered by the row's ecosystem (${ORDERED_ECOSYSTEMS.join(', ')}: dpkg, PEP 440 and SemVer rules; pre-releases sort before their release and are not left out);`,
  'apk and rpm rows match an exact version only, and a version its ecosystem cannot read matches no ordering.',
].join(' ');

/** The fields that name a package: the query's parameters and the selector's object. */
export const packageFilterFields = {
  name: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .regex(PACKAGE_NAME, 'must be a package name: letters, digits and @ / + . _ ~ - (at most 256)')
    .openapi({
      description:
        'The package name, as the catalog records it; matched case-insensitively, and for pypi as pip does (PEP 503: `-`, `_` and `.` alike).',
    }),
  ecosystem: z
    .enum(ECOSYSTEMS, { error: `must be one of ${ECOSYSTEMS.join(', ')}` })
    .optional()
    .openapi({ description: 'Only packages of this ecosystem; every ecosystem otherwise.' }),
  version: z
    .string({ error: 'must be a string' })
    .max(MAX_RANGE_LENGTH, { error: `must be at most ${MAX_RANGE_LENGTH} characters` })
    .optional()
    .openapi({ description: RANGE_DOC }),
};

/** A version range must be one of the grammar that the named ecosystem (or some ordered one) can read. */
export function refuseBadRange(value: { ecosystem?: string; version?: string }, ctx: z.RefinementCtx): void {
  if (value.version === undefined) return;
  const ecosystem = ECOSYSTEMS.find((e) => e === value.ecosystem);
  const problem = versionRangeProblem(value.version, ecosystem);
  if (problem) ctx.addIssue({ code: 'custom', path: ['version'], message: problem });
}

export const packageFilterSchema = z
  .strictObject(packageFilterFields)
  .superRefine(refuseBadRange)
  .openapi('PackageFilter', {
    description: 'Which installed package: a name, optionally an ecosystem and a version range.',
  });

export const packageQuerySchema = z.object({ ...packageFilterFields, ...pageQueryFields }).superRefine(refuseBadRange);

export const packageHoldingSchema = z
  .strictObject({
    image: z.string().openapi({ description: 'The image whose current build holds the package' }),
    buildId: z.uuid().openapi({ description: "The image's current build, whose catalog lists the package" }),
    ecosystem: z.string(),
    name: z.string().openapi({ description: 'The name as the catalog records it' }),
    version: z.string(),
  })
  .openapi('PackageHolding', { description: "A package in an image's current build." });

export type PackageHolding = z.infer<typeof packageHoldingSchema>;
