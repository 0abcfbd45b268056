import type { Client } from '@temporalio/client';
import { createMiddleware } from 'hono/factory';
import type { Config } from '../config.js';
import type { DbHandle } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { WorkflowStarter } from '../workflows/client.js';
import { ApiError } from './errors.js';
import { NAME_PATTERN, NAME_RULE } from './resource-schema.js';

export type AppDeps = {
  config: Pick<Config, 'languages'>;
  database: DbHandle;
  temporal: Client;
  starter: WorkflowStarter;
  logger: Logger;
};

export type AppEnv = { Variables: { org: string } };

export const ORG_HEADER = 'X-Dispatch-Org';
export const DEFAULT_ORG = 'default';

/** Every resource lives in the org named by X-Dispatch-Org (default "default"). */
export const orgScope = createMiddleware<AppEnv>(async (c, next) => {
  const org = c.req.header(ORG_HEADER) ?? DEFAULT_ORG;
  if (!NAME_PATTERN.test(org)) throw new ApiError(400, `header ${ORG_HEADER}: ${NAME_RULE}`);
  c.set('org', org);
  await next();
});
