// The server's answers and bodies as the CLI sees them: type-only imports of the very schemas the API validates
// with and answers by (api/*-model.ts), so a change to the contract fails `tsc` here instead of drifting. Nothing
// of the server is loaded at run time.
import type { z } from 'zod';
import type { BaseImage } from '../api/base-image-model.js';
import type { BundleAnswer, BundleResult } from '../api/bundle-model.js';
import type { Build, Catalog, CatalogDiff, CatalogEntry, Image, systemPackageSchema } from '../api/image-model.js';
import type {
  PlanEntry,
  Rebuild,
  RebuildDetail,
  RebuildItem,
  RebuildPlan,
  RebuildSchedule,
  RebuildSelector,
  RebuildStarted,
} from '../api/rebuild-model.js';
import type { ErrorAnswer, Tag } from '../api/resource-schema.js';
import type { CreatedToken, Token } from '../api/token-model.js';

export type {
  BaseImage,
  Build,
  BundleAnswer,
  BundleResult,
  Catalog,
  CatalogDiff,
  CatalogEntry,
  CreatedToken,
  ErrorAnswer,
  Image,
  PlanEntry,
  Rebuild,
  RebuildDetail,
  RebuildItem,
  RebuildPlan,
  RebuildSchedule,
  RebuildSelector,
  RebuildStarted,
  Tag,
  Token,
};
export type SystemPackage = z.infer<typeof systemPackageSchema>;
export type CatalogChange = CatalogDiff['changed'][number];
