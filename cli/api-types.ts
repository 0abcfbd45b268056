// The server's answers and bodies as the CLI sees them: type-only re-exports of the very schemas the API validates
// with and answers by (api/*-model.ts), so a change to the contract fails `tsc` here instead of drifting. Nothing
// of the server is loaded at run time.
import type { z } from 'zod';
import type { systemPackageSchema } from '../api/image-model.js';

export type { BaseImage } from '../api/base-image-model.js';
export type { BundleAnswer, BundleResult } from '../api/bundle-model.js';
export type { Build, Catalog, CatalogDiff, CatalogEntry, Image } from '../api/image-model.js';
export type { PackageHolding } from '../api/package-model.js';
export type {
  PlanEntry,
  Rebuild,
  RebuildDetail,
  RebuildItem,
  RebuildPlan,
  RebuildSchedule,
  RebuildSelector,
  RebuildStarted,
} from '../api/rebuild-model.js';
export type { Tag } from '../api/resource-schema.js';
export type { CreatedPlatformToken, CreatedToken, PlatformToken, Token } from '../api/token-model.js';
export type { CreatedOrganization, DeletedOrganization, Organization } from '../api/organization-model.js';
export type SystemPackage = z.infer<typeof systemPackageSchema>;
