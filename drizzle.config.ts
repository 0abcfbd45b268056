import { defineConfig } from 'drizzle-kit';
import { loadConfig } from './config.js';

export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
  dbCredentials: { url: loadConfig().DATABASE_URL },
});
