import { z } from 'zod';

/** Languages the builds know how to install dependencies for (activities/build-files/install-*.sh). */
export const SUPPORTED_LANGUAGES = ['python3', 'nodejs'] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];

// The only reader of process.env. Defaults make the local stack (scripts/stack.sh) work with no configuration.
const schema = z.object({
  DATABASE_URL: z.string().default('postgres://dispatch:dispatch@127.0.0.1:5432/dispatch'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TASK_QUEUE: z.string().default('dispatch-images'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().positive().default(8080),
  DOCKER_SOCKET: z.string().default('/var/run/docker.sock'),
  /** Where built images are pushed: `<registry>/dispatch/<image id>:<build id prefix>`. */
  IMAGE_REGISTRY: z.string().default('127.0.0.1:5000'),
  /**
   * Certificates builds trust while they download packages (pip, npm, apt over https): the build host's own trust
   * store by default, so a TLS-inspecting proxy trusted by the host is trusted by builds too. Empty: none added.
   */
  BUILD_CA_BUNDLE: z.string().default('/etc/ssl/certs/ca-certificates.crt'),
  /** The time limit of one image build, push included. */
  BUILD_TIMEOUT_MINUTES: z.coerce.number().positive().default(30),
  /**
   * The most builds one batch rebuild runs at once, and the slots each worker gives to the builds of all batches
   * (a queue of their own): a developer's own build never waits behind a batch.
   */
  REBUILD_CONCURRENCY: z.coerce.number().int().positive().default(2),
  /** Credentials for pushing to IMAGE_REGISTRY; empty for an open registry. Never logged. */
  REGISTRY_USERNAME: z.string().default(''),
  REGISTRY_PASSWORD: z.string().default(''),
  /** Languages a base image may declare; comma separated. */
  LANGUAGES: z
    .string()
    .default(SUPPORTED_LANGUAGES.join(','))
    .refine((list) => list.split(',').every((l) => (SUPPORTED_LANGUAGES as readonly string[]).includes(l.trim())), {
      message: `every language must be one the builds support: ${SUPPORTED_LANGUAGES.join(', ')}`,
    }),
  /** A pre-built workflow bundle (tests build one once and share it); otherwise the worker bundles at start. */
  WORKFLOW_BUNDLE: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof schema> & { languages: readonly string[] };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.parse(env);
  return {
    ...parsed,
    languages: parsed.LANGUAGES.split(',')
      .map((l) => l.trim())
      .filter(Boolean),
  };
}
