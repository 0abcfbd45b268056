import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { and, sql } from 'drizzle-orm';
import type { Ecosystem } from '../package-versions.js';

/** Statuses a resource can be stored in; DELETED is only ever an API answer, never stored. */
export const STORED_STATUSES = ['INITIALIZED', 'CREATING', 'UPDATING', 'READY', 'ERROR'] as const;
export type StoredStatus = (typeof STORED_STATUSES)[number];
export const resourceStatus = pgEnum('resource_status', STORED_STATUSES);

export type Tag = { key: string; value: string };

/**
 * Rows whose work may have been lost: still in progress, untouched for `seconds` (a process died between the
 * commit and the workflow start, say). The reconciler restarts their workflow unless one is running.
 */
export const unsettledFor = (table: { status: AnyPgColumn; modifiedAt: AnyPgColumn }, seconds: number) =>
  and(
    sql`${table.status} in ('INITIALIZED', 'CREATING', 'UPDATING')`,
    sql`${table.modifiedAt} < now() - make_interval(secs => ${seconds})`,
  );

/**
 * The org of a resource, a rebuild or a schedule: an existing organization. An org cannot be deleted while it names
 * such a row, and a row written for an org deleted meanwhile is refused by the database itself (the row's insert
 * waits on the org's row lock, then finds it gone): a later org of the same name never inherits it.
 */
const orgColumn = () =>
  text('org')
    .notNull()
    .references(() => organizations.name);

/** Columns every resource kind shares (images will add theirs beside these). */
const resourceColumns = {
  id: uuid('id').primaryKey().defaultRandom(),
  org: orgColumn(),
  name: text('name').notNull(),
  tags: jsonb('tags').$type<Tag[]>().notNull().default([]),
  status: resourceStatus('status').notNull().default('INITIALIZED'),
  reason: jsonb('reason').$type<string[]>().notNull().default([]),
  /**
   * Bumped by every change of the spec. A workflow carries the generation it works for and its writes only
   * apply while it is still current, so a superseded run (or a zombie activity attempt) cannot overwrite a newer one.
   */
  generation: integer('generation').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  modifiedAt: timestamp('modified_at', { withTimezone: true }).notNull().defaultNow(),
};

export const baseImages = pgTable(
  'base_images',
  {
    ...resourceColumns,
    dockerUrl: text('docker_url').notNull(),
    language: text('language').notNull(),
    /** The content digest (sha256:...) the tag resolved to when last verified; null until then. */
    digest: text('digest'),
  },
  (t) => [uniqueIndex('base_images_org_name').on(t.org, t.name)],
);

export type BaseImageRow = typeof baseImages.$inferSelect;

export type SystemPackage = { name: string; version?: string };

export const images = pgTable(
  'images',
  {
    ...resourceColumns,
    baseImageName: text('base_image_name').notNull(),
    /** Copied from the base image at create and update. */
    language: text('language').notNull(),
    /** The full text of requirements.txt / package.json; travels to the build as a file, never as Dockerfile text. */
    runtimeManifest: text('runtime_manifest').notNull().default(''),
    systemPackages: jsonb('system_packages').$type<SystemPackage[]>().notNull().default([]),
    /** Where the last successful build was pushed, and its digest; kept while a newer build runs. */
    dockerUrl: text('docker_url'),
    digest: text('digest'),
    /** The successful build whose catalog describes dockerUrl. */
    currentBuildId: uuid('current_build_id'),
  },
  (t) => [uniqueIndex('images_org_name').on(t.org, t.name), index('images_org_base').on(t.org, t.baseImageName)],
);

export type ImageRow = typeof images.$inferSelect;

export const BUILD_OUTCOMES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'SUPERSEDED'] as const;
export type BuildOutcome = (typeof BUILD_OUTCOMES)[number];
export const buildOutcome = pgEnum('build_outcome', BUILD_OUTCOMES);

/** What a build was made from; equal inputs give an equal image. */
export type BuildInputs = {
  baseImage: string;
  baseDigest: string;
  language: string;
  manifestSha256: string;
  systemPackages: SystemPackage[];
  template: string;
};

export type CatalogChange = { ecosystem: string; name: string; from: string; to: string };
export type CatalogDiff = {
  previousBuildId: string | null;
  added: CatalogEntry[];
  removed: CatalogEntry[];
  changed: CatalogChange[];
};

/** One row per build (per workflow run): why it ran, its inputs, outcome, digest and duration. */
export const builds = pgTable(
  'builds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    imageId: uuid('image_id')
      .notNull()
      .references(() => images.id, { onDelete: 'cascade' }),
    /** The workflow run that owns the build: a retried activity finds its row again instead of adding one. */
    runId: text('run_id').notNull(),
    generation: integer('generation').notNull(),
    trigger: text('trigger').notNull(),
    inputs: jsonb('inputs').$type<BuildInputs>(),
    /** SHA-256 of the canonical inputs: equal hashes in one org give the same image, which is then built once. */
    inputsSha256: text('inputs_sha256'),
    /** The build whose image this one reused instead of building (identical inputs). */
    reusedBuildId: uuid('reused_build_id'),
    /** The batch rebuild that started this build, if any. */
    rebuildId: uuid('rebuild_id'),
    /** What changed in the catalog against the image's previous successful build. */
    catalogDiff: jsonb('catalog_diff').$type<CatalogDiff>(),
    outcome: buildOutcome('outcome').notNull().default('RUNNING'),
    error: text('error'),
    /**
     * The last lines of a failed build's output, recorded by the build activity itself: they explain the failure
     * and become the image's reason, but never travel through workflow history.
     */
    failureLines: text('failure_lines').array(),
    /** What the build is doing now (its last step once it ended), in the service's own words: `--wait` shows it. */
    step: text('step'),
    dockerUrl: text('docker_url'),
    digest: text('digest'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('builds_run_id').on(t.runId),
    // The build history's page order (newest first, the id breaking ties); GET .../builds?limit=1 reads one entry.
    index('builds_image_started').on(t.imageId, t.startedAt, t.id),
    index('builds_inputs').on(t.inputsSha256),
  ],
);

export type BuildRow = typeof builds.$inferSelect;

/** Build output, in arrival order; kept here rather than in workflow history, and followed by the logs endpoint. */
export const buildLogChunks = pgTable(
  'build_log_chunks',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    buildId: uuid('build_id')
      .notNull()
      .references(() => builds.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('build_log_chunks_build').on(t.buildId, t.seq)],
);

/**
 * The builds of an org holding one of its build slots, fleet-wide (ORG_BUILD_CONCURRENCY): a slot counts only while
 * its build is RUNNING, so a build that ended, was superseded or died with its workflow frees it by itself.
 */
export const orgBuildSlots = pgTable(
  'org_build_slots',
  {
    buildId: uuid('build_id')
      .primaryKey()
      .references(() => builds.id, { onDelete: 'cascade' }),
    org: text('org').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('org_build_slots_org').on(t.org)],
);

/**
 * Local copies a delete must remove, written in the delete's own transaction and forgotten once the cleanup
 * workflow started: a process dying in between leaves the row, and the reconciler starts the cleanup later.
 */
export const pendingCleanups = pgTable('pending_cleanups', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind').$type<'BaseImage' | 'Image'>().notNull(),
  /** The deleted resource's id: the late cleanup's workflow id, so it never takes a newer resource's id. */
  resourceId: uuid('resource_id').notNull(),
  org: text('org').notNull(),
  name: text('name').notNull(),
  dockerUrls: jsonb('docker_urls').$type<string[]>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type PendingCleanup = typeof pendingCleanups.$inferSelect;

/**
 * The name a package is looked up by: lowercase, runs of `-`, `_` and `.` as one `-` (PEP 503's normalisation, which
 * pip applies to every name). The index below and the queries of db/packages.ts must spell it identically, or
 * Postgres would not use the index: hence one definition, with the pattern as literal SQL text.
 */
export const packageLookupName = (name: AnyPgColumn) => sql`regexp_replace(lower(${name}), '[-_.]+', '-', 'g')`;
export const lookupNameOf = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** What is really installed in a build's image: OS packages and language packages. */
export const catalogPackages = pgTable(
  'catalog_packages',
  {
    buildId: uuid('build_id')
      .notNull()
      .references(() => builds.id, { onDelete: 'cascade' }),
    ecosystem: text('ecosystem').notNull(),
    name: text('name').notNull(),
    version: text('version').notNull(),
  },
  (t) => [
    uniqueIndex('catalog_packages_entry').on(t.buildId, t.ecosystem, t.name),
    // Which builds hold a package (GET /v1/packages, rebuilds by package): by lookup name, then build, so that
    // both plans read it (all builds holding a name, or one probe per image of the org), and covering the columns
    // the query answers, so that neither reads the table. See db/packages.ts.
    index('catalog_packages_holding').on(packageLookupName(t.name), t.buildId, t.ecosystem, t.name, t.version),
  ],
);

export type CatalogEntry = { ecosystem: string; name: string; version: string };

/** The roles of an org's tokens. admin: everything in its org; developer: images, reading base images; viewer: reading. */
export const ORG_ROLES = ['admin', 'developer', 'viewer'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
/**
 * Every role: the org roles, and `platform`, the operator of the service above all orgs, who opens and closes
 * organizations and acts inside none of them. Its tokens belong to no org (api_tokens.org is null).
 */
export const ROLES = [...ORG_ROLES, 'platform'] as const;
export type Role = (typeof ROLES)[number];
export const role = pgEnum('role', ROLES);

/** The tenants. Tokens name theirs by a foreign key (and go with it); resources by their org column. */
export const organizations = pgTable('organizations', {
  name: text('name').primaryKey(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type OrganizationRow = typeof organizations.$inferSelect;

/** Bearer tokens. Only a SHA-256 of each token is stored; the token itself is shown once, when it is created. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The org the token acts in; null for a platform token, which acts in none. */
    org: text('org').references(() => organizations.name, { onDelete: 'cascade' }),
    role: role('role').notNull(),
    name: text('name').notNull(),
    tokenSha256: text('token_sha256').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** After this the token is refused (401 token expired); null: it never expires. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [
    // The token list's page order: names repeat, so oldest first with the id breaking ties.
    index('api_tokens_org_created').on(t.org, t.createdAt, t.id),
    // An org token names its org, a platform token none. Compared as text: the enum value is new in the migration
    // that adds this, and Postgres refuses to use a new enum value in the transaction that created it.
    check('api_tokens_org_of_role', sql`(${t.org} is null) = (${t.role}::text = 'platform')`),
  ],
);

export type ApiTokenRow = typeof apiTokens.$inferSelect;

/** Which installed package: a name, optionally one ecosystem and a version range (package-versions.ts). */
export type PackageFilter = { name: string; ecosystem?: Ecosystem; version?: string };

/**
 * A rebuild selector: every image of the org, the images of one base image, the images carrying a tag, or those
 * whose current build holds a package (db/packages.ts).
 */
export type RebuildSelector = { all: true } | { baseImageName: string } | { tag: Tag } | { package: PackageFilter };

/** One batch rebuild (or its dry run): what was asked, by whom, and when it ended. */
export const rebuilds = pgTable(
  'rebuilds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    org: orgColumn(),
    selector: jsonb('selector').$type<RebuildSelector>().notNull(),
    dryRun: boolean('dry_run').notNull(),
    force: boolean('force').notNull().default(false),
    /** "api", or the name of the schedule that started it. */
    trigger: text('trigger').notNull(),
    status: text('status').$type<'PLANNING' | 'RUNNING' | 'DONE'>().notNull().default('PLANNING'),
    /** The workflow that runs it: the reconciler closes a rebuild whose workflow ended without finishing it. */
    workflowId: text('workflow_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  // The rebuild list's page order: newest first, the id breaking ties.
  (t) => [index('rebuilds_org_created').on(t.org, t.createdAt, t.id)],
);

export type RebuildRow = typeof rebuilds.$inferSelect;

/** The plan of a rebuild, one row per selected image, and what became of it. */
export const rebuildItems = pgTable(
  'rebuild_items',
  {
    rebuildId: uuid('rebuild_id')
      .notNull()
      .references(() => rebuilds.id, { onDelete: 'cascade' }),
    imageName: text('image_name').notNull(),
    baseImageName: text('base_image_name').notNull(),
    rebuild: boolean('rebuild').notNull(),
    reason: text('reason').notNull(),
    /** PLANNED, SKIPPED, RUNNING, SUCCEEDED, FAILED. */
    outcome: text('outcome').notNull(),
    buildId: uuid('build_id'),
    /** The image and the spec generation the plan saw: a build of a newer spec supersedes the planned one. */
    imageId: uuid('image_id'),
    generation: integer('generation'),
    /** SHA-256 of the inputs the image would be built from (builds.inputs_sha256): equal keys are built once. */
    inputsSha256: text('inputs_sha256'),
  },
  (t) => [
    uniqueIndex('rebuild_items_entry').on(t.rebuildId, t.imageName),
    // The windows of a batch: its pending items, identical inputs next to one another.
    index('rebuild_items_window').on(t.rebuildId, t.outcome, t.inputsSha256, t.imageName),
  ],
);

export type RebuildItemRow = typeof rebuildItems.$inferSelect;

/** Rebuild schedules of an org; their state (paused, next runs) lives in the Temporal schedule of the same name. */
export const rebuildSchedules = pgTable(
  'rebuild_schedules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    org: orgColumn(),
    name: text('name').notNull(),
    cron: text('cron').notNull(),
    selector: jsonb('selector').$type<RebuildSelector>().notNull(),
    force: boolean('force').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('rebuild_schedules_org_name').on(t.org, t.name)],
);

export type RebuildScheduleRow = typeof rebuildSchedules.$inferSelect;
