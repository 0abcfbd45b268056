// First start of the local stack: make sure the CLI's config file holds a working admin token for org "default",
// creating one when it does not. Prints where it wrote it, never the token.
import { configPath, readCliConfig, writeCliConfig } from '../cli/config-file.js';
import { loadConfig } from '../config.js';
import { connectDb } from '../db/client.js';
import { createToken, findPrincipal } from '../db/tokens.js';

const config = loadConfig();
const { db, pool } = connectDb(config.DATABASE_URL, 1);
try {
  const path = configPath();
  const current = readCliConfig(path);
  const valid = current.token ? await findPrincipal(db, current.token) : undefined;
  if (!valid) {
    const created = await createToken(db, 'default', 'admin', `local admin (${new Date().toISOString()})`);
    writeCliConfig(
      {
        server: `http://${config.API_HOST}:${config.API_PORT}`,
        ...current,
        organization: 'default',
        token: created.token,
      },
      path,
    );
    process.stderr.write(`[stack] wrote a new admin token for org "default" to ${path}\n`);
  }
} finally {
  await pool.end();
}
