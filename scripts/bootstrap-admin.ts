// First start of the local stack: make sure the CLI's config file holds a working admin token for org "default"
// (`token`) and a working platform admin token (`platformToken`, used only by the organization commands), creating
// what is missing, expired or unknown. Prints where it wrote them, never a token.
import { configPath, readCliConfig, writeCliConfig } from '../cli/config-file.js';
import { loadConfig } from '../config.js';
import { connectDb } from '../db/client.js';
import { ensureOrganization } from '../db/organizations.js';
import { createPlatformToken, createToken, findPrincipal } from '../db/tokens.js';

const config = loadConfig();
const { db, pool } = connectDb(config.DATABASE_URL, 1);
try {
  const path = configPath();
  const current = readCliConfig(path);
  const usable = async (token: string | undefined) => {
    const principal = token ? await findPrincipal(db, token) : undefined;
    return principal && !principal.expired ? principal : undefined;
  };
  const next = { server: `http://${config.API_HOST}:${config.API_PORT}`, ...current };
  const written: string[] = [];
  if (!(await usable(current.token))) {
    await ensureOrganization(db, 'default');
    const created = await createToken(db, 'default', 'admin', `local admin (${new Date().toISOString()})`);
    Object.assign(next, { organization: 'default', token: created.token });
    written.push('an admin token for org "default"');
  }
  if ((await usable(current.platformToken))?.role !== 'platform') {
    const created = await createPlatformToken(db, `local platform admin (${new Date().toISOString()})`);
    next.platformToken = created.token;
    written.push('a platform admin token');
  }
  if (written.length) {
    writeCliConfig(next, path);
    process.stderr.write(`[stack] wrote ${written.join(' and ')} to ${path}\n`);
  }
} finally {
  await pool.end();
}
