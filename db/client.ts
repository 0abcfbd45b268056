import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLogger } from '../logger.js';
import * as schema from './schema.js';

const dbLogger = createLogger('db');

export type Db = NodePgDatabase<typeof schema>;
export type DbHandle = { db: Db; pool: pg.Pool };

export function connectDb(databaseUrl: string, max = 10): DbHandle {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  // An idle connection that PostgreSQL ends (a restart, a failover) makes the pool emit 'error': without a listener
  // Node ends the whole process. The pool drops that client and opens a new one when asked; a warning is enough.
  pool.on('error', (err) => dbLogger.warn('an idle database connection was closed', { error: err.message }));
  return { db: drizzle(pool, { schema }), pool };
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

const MIGRATION_LOCK = 7_242_001;

/**
 * Applies the committed drizzle-kit migrations. The API, workers and tests all call this at start, so it holds a
 * Postgres advisory lock: drizzle's migrator alone would race when two processes start together.
 */
export async function applyMigrations(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client, { schema }), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

/** A database or a transaction: query helpers accept either. */
export type Queryable = Db | Parameters<Parameters<Db['transaction']>[0]>[0];
