import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { DEFAULT_REBUILD_WINDOW } from './workflows/jobs.js';

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
  // How long a dry run may plan: Temporal ends its workflow after that (POST /v1/rebuilds answers 503 if it was
  // still waiting; after its 202, the reconciler closes the run).
  REBUILD_PLAN_TIMEOUT_SECONDS: z.coerce.number().positive().default(300),
  // How long POST /v1/rebuilds waits for a dry run's plan before answering 202 with the id to follow instead.
  REBUILD_DRY_RUN_WAIT_SECONDS: z.coerce.number().positive().default(20),
  /** Plan items a batch rebuild reads and builds at a time; a run continues as new past REBUILD_RUN_MAX_EVENTS. */
  // Bounded so that a run stays under Temporal's 51,200 events: ~25 per image, 500 * 25 + 20,000 = 32,500.
  REBUILD_WINDOW_SIZE: z.coerce.number().int().positive().max(500).default(DEFAULT_REBUILD_WINDOW.size),
  REBUILD_RUN_MAX_EVENTS: z.coerce.number().int().min(100).max(20_000).default(DEFAULT_REBUILD_WINDOW.maxRunEvents),
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
  /** The Docker network builds run on; the worker creates it (inter-container traffic off) and owns its firewall. */
  BUILD_NETWORK: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/)
    .default('dispatch-build'),
  /**
   * `host:port,...` a build may reach although the build firewall drops traffic to the host and to private ranges:
   * a package proxy, a test's download server. Host names are resolved once, when the worker starts.
   */
  BUILD_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((list, ctx) => parseHostPorts(list, ctx)),
  /** Destinations (IPv4 CIDR) builds may never reach, besides the build host itself and 169.254.0.0/16. */
  BUILD_BLOCKED_RANGES: z
    .string()
    .default('10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10')
    .transform((list) => splitList(list))
    .refine((ranges) => ranges.every((r) => ipaddr.IPv4.isValidCIDR(r)), {
      message: 'every entry must be an IPv4 CIDR such as 10.0.0.0/8',
    }),
  /** Limits of every build and catalog container. */
  BUILD_MEMORY_MB: z.coerce.number().int().min(64).default(2048),
  BUILD_CPUS: z.coerce.number().positive().max(256).default(1),
  /** 0: no pids limit (otherwise a worker that cannot enforce it does not start). */
  BUILD_PIDS: z.coerce
    .number()
    .int()
    .refine((n) => n === 0 || n >= 16, { message: 'must be 0 (no limit) or at least 16' })
    .default(1024),
  /** The build log kept per build: its first and last bytes, with a line saying how much was dropped between. */
  BUILD_LOG_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(4096)
    .default(2 * 1024 * 1024),
  /** The most packages one catalog records; a larger catalog makes the build ERROR with a reason saying so. */
  CATALOG_MAX_ENTRIES: z.coerce.number().int().positive().default(50_000),
  /**
   * The most builds one org runs at once across every worker: keep it below the fleet's build slots (8 per worker)
   * so that a flood from one org always leaves slots for the others.
   */
  ORG_BUILD_CONCURRENCY: z.coerce.number().int().positive().default(3),
  /** The shortest interval a rebuild schedule may have between two runs. */
  SCHEDULE_MIN_INTERVAL_MINUTES: z.coerce.number().positive().default(5),
  /** The most documents one bundle may hold. */
  BUNDLE_MAX_DOCUMENTS: z.coerce.number().int().positive().default(100),
  /** A pre-built workflow bundle (tests build one once and share it); otherwise the worker bundles at start. */
  WORKFLOW_BUNDLE: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /**
   * Where the API serves /metrics, apart from the API's own port: request counts across every org and the process's
   * runtime are the operator's, not the tenants' who reach API_PORT. Two APIs on one machine need two ports.
   * 0: no metrics listener.
   */
  API_METRICS_HOST: z.string().default('127.0.0.1'),
  API_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9461),
  /**
   * Where a worker serves /metrics (Prometheus text: its own metrics, then the Temporal SDK's). Two workers on one
   * machine need two ports. 0: no metrics server (and no SDK exporter).
   */
  WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /**
   * The loopback port of the Temporal SDK's own Prometheus exporter, read by the worker's /metrics (never scraped
   * directly). Default WORKER_METRICS_PORT + 1000; 0: no SDK metrics.
   */
  WORKER_SDK_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
});

function splitList(list: string): string[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** `host:port` entries, with a clear message naming the one that is not. */
function parseHostPorts(list: string, ctx: z.RefinementCtx): Array<{ host: string; port: number }> {
  return splitList(list).flatMap((entry) => {
    const match = /^([A-Za-z0-9.-]{1,253}):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(entry)} is not host:port (an IPv4 address or name)` });
      return [];
    }
    return [{ host: match[1]!, port }];
  });
}

export type Config = Omit<z.infer<typeof schema>, 'WORKER_SDK_METRICS_PORT'> & {
  languages: readonly string[];
  /** Resolved: never undefined (see the schema). */
  WORKER_SDK_METRICS_PORT: number;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.parse(env);
  const sdkMetricsPort =
    parsed.WORKER_SDK_METRICS_PORT ?? (parsed.WORKER_METRICS_PORT === 0 ? 0 : parsed.WORKER_METRICS_PORT + 1000);
  if (sdkMetricsPort > 65535) {
    throw new Error(`WORKER_SDK_METRICS_PORT: WORKER_METRICS_PORT + 1000 is past 65535; set it explicitly`);
  }
  return {
    ...parsed,
    WORKER_SDK_METRICS_PORT: sdkMetricsPort,
    languages: parsed.LANGUAGES.split(',')
      .map((l) => l.trim())
      .filter(Boolean),
  };
}
