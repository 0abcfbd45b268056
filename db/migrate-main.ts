import { loadConfig } from '../config.js';
import { applyMigrations, connectDb } from './client.js';

const { pool } = connectDb(loadConfig().DATABASE_URL, 1);
try {
  await applyMigrations(pool);
} finally {
  await pool.end();
}
