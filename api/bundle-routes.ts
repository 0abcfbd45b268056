import { Hono } from 'hono';
import {
  startBaseImageCleanup,
  startBaseImageVerification,
  startImageBuild,
  startImageCleanup,
} from '../client/workflow-starts.js';
import { applyBundle, type BundleEffects } from './bundle-apply.js';
import { startCleanup } from './cleanups.js';
import { BUNDLE_OPERATIONS, parseBundle, type BundleOperation } from './bundle-parse.js';
import { limitBody } from './body.js';
import type { AppDeps, AppEnv } from './context.js';
import { ApiError } from './errors.js';
import { mayWriteKind } from './permissions.js';

/** POST /v1/bundle?operation=create|apply|delete with a multi-document YAML body: all documents or none. */
export function bundleRoutes({ config, database, starter, logger }: AppDeps) {
  /** After the commit: the work of every written resource. A failed start is picked up by the reconciler. */
  async function startWorkflows(effects: BundleEffects) {
    const starts = [
      ...effects.verify.map((row) => startBaseImageVerification(starter, row, { supersede: true })),
      ...effects.build.map(({ row, trigger }) => startImageBuild(starter, row, trigger, { supersede: true })),
      ...effects.cleanImage.map(({ row, dockerUrls, cleanup }) =>
        startCleanup(database.db, cleanup, () => startImageCleanup(starter, row, dockerUrls), logger),
      ),
      ...effects.cleanBase.map(({ row, cleanup }) =>
        startCleanup(database.db, cleanup, () => startBaseImageCleanup(starter, row), logger),
      ),
    ];
    for (const outcome of await Promise.allSettled(starts)) {
      if (outcome.status === 'rejected')
        logger.warn('bundle: workflow start failed', { error: String(outcome.reason) });
    }
  }

  return new Hono<AppEnv>().post('/', limitBody, async (c) => {
    const operation = (c.req.query('operation') ?? 'create') as BundleOperation;
    if (!BUNDLE_OPERATIONS.includes(operation)) {
      throw new ApiError(400, `bundle: operation must be one of ${BUNDLE_OPERATIONS.join(', ')} (got ${operation})`);
    }
    const documents = parseBundle(await c.req.text(), operation, {
      languages: config.languages,
      maxDocuments: config.BUNDLE_MAX_DOCUMENTS,
    });
    for (const doc of documents) {
      if (!mayWriteKind(c.get('role'), doc.kind)) {
        throw new ApiError(403, `${doc.label}: role ${c.get('role')} may not ${operation} ${doc.kind} resources`);
      }
    }
    const effects = await database.db.transaction((tx) => applyBundle(tx, c.get('org'), operation, documents));
    await startWorkflows(effects);
    return c.json({ operation, results: effects.results });
  });
}
