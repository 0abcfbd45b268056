import { integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** Statuses a resource can be stored in; DELETED is only ever an API answer, never stored. */
export const STORED_STATUSES = ['INITIALIZED', 'CREATING', 'UPDATING', 'READY', 'ERROR'] as const;
export type StoredStatus = (typeof STORED_STATUSES)[number];
export const resourceStatus = pgEnum('resource_status', STORED_STATUSES);

export type Tag = { key: string; value: string };

/** Columns every resource kind shares (images will add theirs beside these). */
const resourceColumns = {
  id: uuid('id').primaryKey().defaultRandom(),
  org: text('org').notNull(),
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
    /** The content digest the tag resolved to when last verified (repo@sha256:...). */
    digest: text('digest'),
  },
  (t) => [uniqueIndex('base_images_org_name').on(t.org, t.name)],
);

export type BaseImageRow = typeof baseImages.$inferSelect;
