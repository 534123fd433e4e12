import { z } from 'zod';

/**
 * The process environment, parsed once into one typed object. Nothing else reads `process.env`.
 * Each error names the variable to set and what it accepts.
 */

const port = (fallback: number) =>
  z.coerce.number().int('must be a whole number').min(0).max(65535).default(fallback);

const schema = z.object({
  PORT: port(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COSMOS_ENDPOINT: z
    .url('must be a URL such as https://myaccount.documents.azure.com:443/')
    .optional(),
  COSMOS_KEY: z.string().min(1).optional(),
  COSMOS_DATABASE: z.string().min(1).default('CounterDB'),
  COSMOS_CONTAINER: z.string().min(1).default('Counters'),
  EMULATOR_PORT: port(0),
  LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  COSMOS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  GROUP_COMMIT: z.enum(['on', 'off']).default('on'),
  IDEMPOTENCY_RETENTION_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .optional(),
});

interface StoreNames {
  database: string;
  container: string;
  /** A store request that takes longer is abandoned; a write then has an unknown outcome. */
  requestTimeoutMs: number;
}

export type StoreConfig =
  | ({ kind: 'embedded'; port: number } & StoreNames)
  | ({ kind: 'key'; endpoint: string; key: string } & StoreNames)
  | ({ kind: 'keyless'; endpoint: string } & StoreNames);

export interface Config {
  port: number;
  host: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** How long a split or merge left by a dead process blocks the next one. */
  leaseTtlMs: number;
  /** Off sends every update as a patch of its own: for comparison and diagnosis. */
  groupCommit: boolean;
  /** How long an Idempotency-Key is remembered: a day on Azure, ten minutes in memory. */
  idempotencyRetentionSeconds: number;
  store: StoreConfig;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(withoutBlanks(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }

  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    leaseTtlMs: e.LEASE_TTL_MS,
    groupCommit: e.GROUP_COMMIT === 'on',
    idempotencyRetentionSeconds:
      e.IDEMPOTENCY_RETENTION_SECONDS ?? (e.COSMOS_ENDPOINT === undefined ? 600 : 24 * 3600),
    store: storeConfig(e),
  };
}

function storeConfig(e: z.infer<typeof schema>): StoreConfig {
  const names = {
    database: e.COSMOS_DATABASE,
    container: e.COSMOS_CONTAINER,
    requestTimeoutMs: e.COSMOS_REQUEST_TIMEOUT_MS,
  };
  if (e.COSMOS_ENDPOINT === undefined) {
    if (e.COSMOS_KEY !== undefined) {
      throw new ConfigError('COSMOS_KEY is set but COSMOS_ENDPOINT is not: set both, or neither');
    }
    return { kind: 'embedded', port: e.EMULATOR_PORT, ...names };
  }
  if (e.COSMOS_KEY !== undefined) {
    return { kind: 'key', endpoint: e.COSMOS_ENDPOINT, key: e.COSMOS_KEY, ...names };
  }
  return { kind: 'keyless', endpoint: e.COSMOS_ENDPOINT, ...names };
}

/** An empty variable (`COSMOS_ENDPOINT=`) means "not set", as in most shells' habits. */
function withoutBlanks(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') out[name] = value.trim();
  }
  return out;
}
