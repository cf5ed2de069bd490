// One typed configuration object, parsed from the environment with zod. Every env var the registry
// reads is declared here (and documented in README.md's configuration table).
import path from "node:path";
import { z } from "zod";
import { emailSchema } from "../schemas/email.ts";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const bytes = z.coerce.number().int().positive();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOSTNAME: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  S3_ENDPOINT: z.string().url().optional(),
  S3_BUCKET: z.string().min(3).optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  /** Upper bound for one version upload (all files together), in bytes. */
  MAX_UPLOAD_BYTES: bytes.default(20 * 1024 ** 3),
  /** Upper bound for the manifest part, in bytes. */
  MAX_MANIFEST_BYTES: bytes.default(1024 * 1024),
  /** Upper bound on the number of files in one envelope. */
  MAX_FILES_PER_VERSION: z.coerce.number().int().positive().default(1000),
  REGISTRY_BOOTSTRAP_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  /** Email/password of the first admin, created on first start if no user exists. */
  REGISTRY_ADMIN_EMAIL: emailSchema.default("admin@localhost"),
  REGISTRY_ADMIN_PASSWORD: z.string().min(12).optional(),
  AUTH_SECRET: z.string().min(32).optional(),
  /** PEM private key (ECDSA P-256 or Ed25519) used to sign manifests; generated under DATA_DIR if absent. */
  SIGNING_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Run a checks worker inside the web server process (embedded default); set false when `npm run worker` runs them. */
  CHECK_WORKER_IN_PROCESS: bool.default(true),
  /** Checks one worker process runs at the same time (each in its own child process). */
  CHECK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Wall-clock limit of one check run; exceeding it is an `error` verdict. */
  CHECK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** Resident memory limit of one check run's process; exceeding it is an `error` verdict. */
  CHECK_MEMORY_LIMIT_MB: z.coerce.number().int().min(128).max(1_048_576).default(2048),
  /** Largest file the security check scans (streamed, in flat memory); unset, MAX_UPLOAD_BYTES. */
  CHECK_MAX_SCAN_BYTES: bytes.optional(),
  /** A worker that stops sending heartbeats for this long is presumed dead and its job is re-run elsewhere (pg-boss: >= 10). */
  CHECK_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(30),
  /** How often workers look for dead jobs and unsent check runs. */
  CHECK_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /**
   * X-Forwarded-For/-Proto/-Host are honoured only from trusted proxies: "false" (none, the
   * default), "true" (one proxy in front), or the number of proxies in front.
   */
  TRUST_PROXY: z
    .union([z.enum(["true", "false"]), z.string().regex(/^\d{1,2}$/, 'must be "true", "false" or a number of proxies')])
    .default("false")
    .transform((v) => (v === "true" ? 1 : v === "false" ? 0 : Number(v))),
  /** A client must send a request's whole head (request line and headers) within this time. */
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  /** A request body must arrive at least this fast, judged over each window in which the server waits for it. */
  HTTP_BODY_MIN_BYTES_PER_SECOND: z.coerce.number().int().min(1).default(1024),
  HTTP_BODY_WINDOW_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  // Single sign-on (docs/sso.md). Mappings and domain lists are parsed by lib/auth/sso/settings.ts,
  // which knows the roles; the server checks them at start.
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().max(60).default("Single sign-on"),
  OIDC_SCOPES: z.string().default("openid email profile"),
  OIDC_ROLE_CLAIM: z.string().default("groups"),
  OIDC_ROLE_MAPPING: z.string().optional(),
  OIDC_DEFAULT_ROLE: z.string().optional(),
  OIDC_ALLOWED_DOMAINS: z.string().optional(),
  /** Treat the provider's email as verified even without `email_verified` (only for providers that issue verified emails only). */
  OIDC_TRUST_EMAIL: bool.default(false),
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  GITHUB_ROLE_MAPPING: z.string().optional(),
  GITHUB_DEFAULT_ROLE: z.string().optional(),
  GITHUB_ALLOWED_DOMAINS: z.string().optional(),
  /** GitHub Enterprise Server: its web and API base URLs. */
  GITHUB_URL: z.string().url().default("https://github.com"),
  GITHUB_API_URL: z.string().url().default("https://api.github.com"),
  // Outbound webhooks (docs/webhooks.md).
  /** 32-byte key (base64 or 64 hex digits) that encrypts webhook signing secrets at rest; generated under DATA_DIR/keys if unset. */
  WEBHOOK_ENCRYPTION_KEY: z
    .string()
    .refine((v) => decodeKey32(v) !== undefined, "must be 32 bytes as base64 (44 characters) or hex (64 digits), e.g. `openssl rand -base64 32`")
    .optional(),
  /** Let webhooks target loopback, private, link-local and other non-public addresses (off: SSRF protection). */
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  /** Wall-clock limit of one delivery attempt (connect, send, response). */
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(120).default(10),
  /** Attempts before a delivery is given up as failed. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  /** Retry n waits WEBHOOK_RETRY_BASE_SECONDS · 2^(n-1), at most WEBHOOK_RETRY_MAX_SECONDS. */
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().min(0.01).max(3600).default(5),
  WEBHOOK_RETRY_MAX_SECONDS: z.coerce.number().min(0.01).max(86_400).default(3600),
  /** How often a dispatcher looks for due deliveries. */
  WEBHOOK_POLL_SECONDS: z.coerce.number().min(0.05).max(600).default(1),
  // Predict and the decisions ledger (docs/decisions.md).
  /** What the ledger keeps of each decision's input: full, digest (the HMAC only) or redacted (DECISION_REDACT_FIELDS left out). */
  DECISION_INPUT_RETENTION: z.enum(["full", "digest", "redacted"]).default("full"),
  /** Comma-separated feature names left out of stored inputs when DECISION_INPUT_RETENTION=redacted. */
  DECISION_REDACT_FIELDS: z.string().default(""),
  /** 32-byte key (base64 or 64 hex digits) of the input digests' HMAC; generated under DATA_DIR/keys if unset. */
  DECISION_INPUT_KEY: z
    .string()
    .refine((v) => decodeKey32(v) !== undefined, "must be 32 bytes as base64 (44 characters) or hex (64 digits), e.g. `openssl rand -base64 32`")
    .optional(),
  /** Rows one predict request may send. */
  PREDICT_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Model sessions kept loaded for predict and replay (least recently used ones are released). */
  PREDICT_MAX_MODELS: z.coerce.number().int().min(1).max(1000).default(4),
  /** onnxruntime intra-op threads per session in the server process (predict, replay). */
  PREDICT_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * How long (ms) a process reuses what an alias or version resolves to for predict — the version,
   * its owners, its security/validation verdicts. A promotion, rollback or failed rerun reaches predict
   * within this time; 0 reads them on every request.
   */
  PREDICT_TARGET_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** Largest number of decisions one group-commit INSERT writes (more queued ones wait for the next). */
  DECISION_WRITE_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(5000),
});

/** A 32-byte key written as base64 (standard or url-safe) or hex; undefined when it is neither. */
export function decodeKey32(value: string): Buffer | undefined {
  const text = value.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, "hex") : /^[A-Za-z0-9+/_-]{43}=?$/.test(text) ? Buffer.from(text, "base64") : undefined;
  return bytes?.length === 32 ? bytes : undefined;
}

export type Env = z.input<typeof envSchema>;

export type Config = {
  port: number;
  hostname: string;
  publicUrl?: string;
  dataDir: string;
  database: { kind: "postgres"; url: string; poolSize: number } | { kind: "pglite"; dir: string };
  storage:
    | {
        kind: "s3";
        endpoint?: string;
        bucket: string;
        region: string;
        accessKeyId?: string;
        secretAccessKey?: string;
        forcePathStyle: boolean;
      }
    | { kind: "filesystem"; dir: string };
  limits: { maxUploadBytes: number; maxManifestBytes: number; maxFilesPerVersion: number };
  bootstrapToken?: string;
  admin: { email: string; password?: string };
  authSecret?: string;
  signingKey?: string;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  http: {
    /** Proxies in front whose X-Forwarded-* headers are believed (0: none). */
    trustProxy: number;
    headersTimeoutSeconds: number;
    bodyMinBytesPerSecond: number;
    bodyWindowSeconds: number;
  };
  /** Single sign-on as configured; lib/auth/sso/settings.ts parses the mapping and domain strings. */
  sso: {
    oidc?: {
      issuer: string;
      clientId: string;
      clientSecret: string;
      name: string;
      scopes: string;
      roleClaim: string;
      roleMapping?: string;
      defaultRole?: string;
      allowedDomains?: string;
      trustEmail: boolean;
    };
    github?: {
      clientId: string;
      clientSecret: string;
      roleMapping?: string;
      defaultRole?: string;
      allowedDomains?: string;
      url: string;
      apiUrl: string;
    };
  };
  checks: {
    workerInProcess: boolean;
    concurrency: number;
    timeoutSeconds: number;
    memoryLimitMb: number;
    maxScanBytes: number;
    heartbeatSeconds: number;
    superviseSeconds: number;
  };
  webhooks: {
    /** WEBHOOK_ENCRYPTION_KEY as given; lib/webhooks/secret-box.ts decodes it (or generates a key file). */
    encryptionKey?: string;
    allowPrivate: boolean;
    timeoutMs: number;
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
    pollMs: number;
  };
  decisions: {
    retention: "full" | "digest" | "redacted";
    redactFields: string[];
    /** DECISION_INPUT_KEY as given; lib/decisions/input-digest.ts decodes it (or generates a key file). */
    inputKey?: string;
    maxRows: number;
    maxModels: number;
    threads: number;
    targetCacheMs: number;
    writeMaxRows: number;
  };
};

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join("\n  ")}`);
  }
}

export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  // Treat empty strings as unset: `FOO=` in a .env file means "no value".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const e = result.data;
  const dataDir = path.resolve(e.DATA_DIR);
  if (e.S3_ENDPOINT && !e.S3_BUCKET) throw new ConfigError(["S3_BUCKET: required when S3_ENDPOINT is set"]);
  const missingSso = [
    ...(e.OIDC_ISSUER ? (["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const).filter((k) => !e[k]) : []),
    ...(e.GITHUB_CLIENT_ID && !e.GITHUB_CLIENT_SECRET ? ["GITHUB_CLIENT_SECRET"] : []),
  ];
  if (e.DECISION_INPUT_RETENTION === "redacted" && !e.DECISION_REDACT_FIELDS.trim())
    throw new ConfigError(["DECISION_REDACT_FIELDS: name the fields to leave out when DECISION_INPUT_RETENTION=redacted"]);
  if (missingSso.length) throw new ConfigError(missingSso.map((k) => `${k}: required when ${k.startsWith("OIDC") ? "OIDC_ISSUER" : "GITHUB_CLIENT_ID"} is set`));
  return {
    port: e.PORT,
    hostname: e.HOSTNAME,
    publicUrl: e.PUBLIC_URL,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: "pglite", dir: path.join(dataDir, "db") },
    storage: e.S3_BUCKET
      ? {
          kind: "s3",
          endpoint: e.S3_ENDPOINT,
          bucket: e.S3_BUCKET,
          region: e.S3_REGION,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
        }
      : { kind: "filesystem", dir: path.join(dataDir, "objects") },
    limits: {
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      maxManifestBytes: e.MAX_MANIFEST_BYTES,
      maxFilesPerVersion: e.MAX_FILES_PER_VERSION,
    },
    bootstrapToken: e.REGISTRY_BOOTSTRAP_TOKEN,
    admin: { email: e.REGISTRY_ADMIN_EMAIL, password: e.REGISTRY_ADMIN_PASSWORD },
    authSecret: e.AUTH_SECRET,
    signingKey: e.SIGNING_KEY,
    logLevel: e.LOG_LEVEL,
    http: {
      trustProxy: e.TRUST_PROXY,
      headersTimeoutSeconds: e.HTTP_HEADERS_TIMEOUT_SECONDS,
      bodyMinBytesPerSecond: e.HTTP_BODY_MIN_BYTES_PER_SECOND,
      bodyWindowSeconds: e.HTTP_BODY_WINDOW_SECONDS,
    },
    sso: {
      ...(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? {
            oidc: {
              issuer: e.OIDC_ISSUER,
              clientId: e.OIDC_CLIENT_ID,
              clientSecret: e.OIDC_CLIENT_SECRET,
              name: e.OIDC_NAME,
              scopes: e.OIDC_SCOPES,
              roleClaim: e.OIDC_ROLE_CLAIM,
              roleMapping: e.OIDC_ROLE_MAPPING,
              defaultRole: e.OIDC_DEFAULT_ROLE,
              allowedDomains: e.OIDC_ALLOWED_DOMAINS,
              trustEmail: e.OIDC_TRUST_EMAIL,
            },
          }
        : {}),
      ...(e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET
        ? {
            github: {
              clientId: e.GITHUB_CLIENT_ID,
              clientSecret: e.GITHUB_CLIENT_SECRET,
              roleMapping: e.GITHUB_ROLE_MAPPING,
              defaultRole: e.GITHUB_DEFAULT_ROLE,
              allowedDomains: e.GITHUB_ALLOWED_DOMAINS,
              url: e.GITHUB_URL.replace(/\/+$/, ""),
              apiUrl: e.GITHUB_API_URL.replace(/\/+$/, ""),
            },
          }
        : {}),
    },
    checks: {
      workerInProcess: e.CHECK_WORKER_IN_PROCESS,
      concurrency: e.CHECK_CONCURRENCY,
      timeoutSeconds: e.CHECK_TIMEOUT_SECONDS,
      memoryLimitMb: e.CHECK_MEMORY_LIMIT_MB,
      maxScanBytes: e.CHECK_MAX_SCAN_BYTES ?? e.MAX_UPLOAD_BYTES,
      heartbeatSeconds: e.CHECK_HEARTBEAT_SECONDS,
      superviseSeconds: e.CHECK_SUPERVISE_SECONDS,
    },
    webhooks: {
      encryptionKey: e.WEBHOOK_ENCRYPTION_KEY,
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
      timeoutMs: Math.round(e.WEBHOOK_TIMEOUT_SECONDS * 1000),
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: Math.round(e.WEBHOOK_RETRY_BASE_SECONDS * 1000),
      retryMaxMs: Math.round(e.WEBHOOK_RETRY_MAX_SECONDS * 1000),
      pollMs: Math.round(e.WEBHOOK_POLL_SECONDS * 1000),
    },
    decisions: {
      retention: e.DECISION_INPUT_RETENTION,
      redactFields: e.DECISION_REDACT_FIELDS.split(",")
        .map((f) => f.trim())
        .filter(Boolean),
      inputKey: e.DECISION_INPUT_KEY,
      maxRows: e.PREDICT_MAX_ROWS,
      maxModels: e.PREDICT_MAX_MODELS,
      threads: e.PREDICT_THREADS,
      targetCacheMs: e.PREDICT_TARGET_CACHE_MS,
      writeMaxRows: e.DECISION_WRITE_MAX_ROWS,
    },
  };
}

let cached: Config | undefined;

/** The process-wide configuration, parsed once from process.env. */
export function getConfig(): Config {
  cached ??= parseConfig();
  return cached;
}

/** For command-line entry points (npm start, npm run worker): the configuration, or exit 2 with the problems listed. */
export function parseConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
