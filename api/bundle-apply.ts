import {
  deleteBaseImage,
  findBaseImage,
  insertBaseImage,
  lockBaseImage,
  replaceBaseImageSpec,
} from '../db/base-images.js';
import { recordCleanup } from '../db/cleanups.js';
import { buildDockerUrls } from '../db/builds.js';
import type { Queryable } from '../db/client.js';
import { deleteImage, findImage, imagesUsingBase, insertImage, replaceImageSpec } from '../db/images.js';
import type { BaseImageRow, ImageRow } from '../db/schema.js';
import type { BundleOperation, BundleResult } from './bundle-model.js';
import type { BundleDocument } from './bundle-parse.js';
import { ApiError } from './errors.js';
import { specOnBase } from './image-spec.js';

/** What the transaction did, for starting the workflows once it has committed. */
export type BundleEffects = {
  results: BundleResult[];
  verify: BaseImageRow[];
  build: Array<{ row: ImageRow; trigger: 'create' | 'update' }>;
  /** With the id of each cleanup's record (db/cleanups.ts), forgotten once its workflow started. */
  cleanBase: Array<{ row: BaseImageRow; cleanup: string }>;
  cleanImage: Array<{ row: ImageRow; dockerUrls: string[]; cleanup: string }>;
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Writes a validated bundle inside one transaction: base images before the images that use them, and for delete,
 * images before their base images, so the order of documents does not matter. Throws (rolling everything back)
 * on the first document that cannot be applied.
 */
export async function applyBundle(
  tx: Queryable,
  org: string,
  operation: BundleOperation,
  documents: BundleDocument[],
): Promise<BundleEffects> {
  const effects: BundleEffects = { results: [], verify: [], build: [], cleanBase: [], cleanImage: [] };
  const record = (doc: BundleDocument, result: BundleResult['result'], status: BundleResult['status']) =>
    effects.results.push({ index: doc.index, kind: doc.kind, name: doc.name, result, status });
  // Rows are written in name order, so two bundles touching the same resources lock them in the same order.
  const byName = (a: BundleDocument, b: BundleDocument) => a.name.localeCompare(b.name);
  const bases = documents.filter((d) => d.kind === 'BaseImage').sort(byName);
  const images = documents.filter((d) => d.kind === 'Image').sort(byName);

  if (operation === 'delete') {
    for (const doc of images) {
      const row = await findImage(tx, org, doc.name);
      if (!row) throw new ApiError(404, `${doc.label}: image ${doc.name} not found`);
      const dockerUrls = await buildDockerUrls(tx, row.id);
      await deleteImage(tx, org, doc.name);
      const cleanup = await recordCleanup(tx, { kind: 'Image', resourceId: row.id, org, name: doc.name, dockerUrls });
      effects.cleanImage.push({ row, dockerUrls, cleanup });
      record(doc, 'deleted', 'DELETED');
    }
    for (const doc of bases) {
      // Locked first, as DELETE /v1/baseimage does: a concurrent image create on it waits, then fails cleanly.
      if (!(await lockBaseImage(tx, org, doc.name, 'update'))) {
        throw new ApiError(404, `${doc.label}: base image ${doc.name} not found`);
      }
      const users = await imagesUsingBase(tx, org, doc.name);
      if (users.length)
        throw new ApiError(409, `${doc.label}: base image ${doc.name} is used by images ${users.join(', ')}`);
      const row = await deleteBaseImage(tx, org, doc.name);
      if (!row) throw new ApiError(404, `${doc.label}: base image ${doc.name} not found`);
      const cleanup = await recordCleanup(tx, {
        kind: 'BaseImage',
        resourceId: row.id,
        org,
        name: doc.name,
        dockerUrls: [row.dockerUrl],
      });
      effects.cleanBase.push({ row, cleanup });
      record(doc, 'deleted', 'DELETED');
    }
    return sorted(effects);
  }

  for (const doc of bases) {
    if (doc.kind !== 'BaseImage' || !doc.body) continue;
    const { name, dockerUrl, language, tags } = doc.body;
    const spec = { name, dockerUrl, language, tags };
    const existing = await findBaseImage(tx, org, name);
    if (existing && operation === 'create') throw new ApiError(409, `${doc.label}: base image ${name} already exists`);
    if (existing && same([existing.dockerUrl, existing.language, existing.tags], [dockerUrl, language, tags])) {
      record(doc, 'unchanged', existing.status);
      continue;
    }
    const row = existing ? await replaceBaseImageSpec(tx, org, spec) : await insertBaseImage(tx, org, spec);
    if (!row) throw new ApiError(409, `${doc.label}: base image ${name} changed concurrently; try again`);
    effects.verify.push(row);
    record(doc, existing ? 'updated' : 'created', row.status);
  }
  for (const doc of images) {
    if (doc.kind !== 'Image' || !doc.body) continue;
    const spec = await specOnBase(tx, org, doc.body, doc.label);
    const existing = await findImage(tx, org, spec.name);
    if (existing && operation === 'create') throw new ApiError(409, `${doc.label}: image ${spec.name} already exists`);
    const inputs = (r: typeof spec) => [r.baseImageName, r.runtimeManifest, r.systemPackages, r.tags];
    if (existing && same(inputs(existing), inputs(spec))) {
      record(doc, 'unchanged', existing.status);
      continue;
    }
    const row = existing ? await replaceImageSpec(tx, org, spec) : await insertImage(tx, org, spec);
    if (!row) throw new ApiError(409, `${doc.label}: image ${spec.name} changed concurrently; try again`);
    effects.build.push({ row, trigger: existing ? 'update' : 'create' });
    record(doc, existing ? 'updated' : 'created', row.status);
  }
  return sorted(effects);
}

/** One result per document, in the bundle's order. */
function sorted(effects: BundleEffects): BundleEffects {
  effects.results.sort((a, b) => a.index - b.index);
  return effects;
}
