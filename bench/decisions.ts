// Decisions (BENCH_ONLY=decisions; also the last phase of a full run), on Postgres:
//   1. single-row predict latency: the registry's POST …/predict?alias=prod (auth, alias and verdicts
//      looked up, rows validated, HMAC, one runtime call, the decision committed by group commit)
//      against session.run on the same model in this process — sequential requests, p50/p95;
//   2. throughput at 32 connections with every decision durably logged, against a bare node:http
//      handler (predict-baseline-server.ts) that runs the same session and INSERTs one decision row
//      per request (autocommit); both write to the same table, every stored row is counted;
//   3. ingest: reported decisions in batches of 1,000 JSON lines (one client, then four);
//   4. lookups with 10,000,000 decisions seeded (SQL, UUIDv7 ids over a year): a decision by id with
//      its lineage, a filtered page (model + one day), a request id — p50/p95 over sequential requests;
//   5. server RSS at rest in each mode, after start and after the first predict.
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import autocannon from "autocannon";
import * as ort from "onnxruntime-node";
import pg from "pg";
import { envelopeForm } from "@/lib/api/__tests__/envelope-fixture.ts";
import { sampleEnvelope } from "@/lib/checks/testing/sample-envelope.ts";
import { TEST_BOOTSTRAP_TOKEN, type AppServer } from "@/lib/testing/app-server.ts";
import { findAppServerPid, startChildServer } from "./processes.ts";
import { percentile } from "./stats.ts";

export type Latency = { p50Ms: number; p95Ms: number; samples: number };
export type Throughput = { target: string; requestsPerSecond: number; p50Ms: number; p99Ms: number; requests: number; non2xx: number; stored: number };
export type DecisionsBenchResult = {
  single: { sessionRun: Latency; registry: Latency; baseline: Latency };
  throughput: { connections: number; seconds: number; registry: Throughput; baseline: Throughput };
  ingest: { batch: number; oneClient: number; fourClients: number; decisions: number; busyRetries: number };
  lookups: { seeded: number; seedSeconds: number; byId: Latency; page: Latency; byRequestId: Latency; tableBytes: number };
  rss: { mode: string; atRestBytes: number; afterPredictBytes: number }[];
};

const MODEL = "bench-decisions";
const ROW = { score_a: 0.62, score_b: 0.4 };

type Start = (env: Record<string, string>) => Promise<AppServer>;

export async function measureDecisions(opts: {
  dbUrl: string;
  dataDir: (name: string) => string;
  start: Start;
  quick: boolean;
  log: (line: string) => void;
}): Promise<DecisionsBenchResult> {
  const { log, quick } = opts;
  const client = new pg.Client({ connectionString: opts.dbUrl });
  await client.connect();
  try {
    // A pool of 16: a quarter of it (4) is what report batches may hold at once, one per ingest client.
    const app = await opts.start({ DATABASE_URL: opts.dbUrl, DATABASE_POOL_SIZE: "16", DATA_DIR: opts.dataDir("decisions-pg"), CHECK_WORKER_IN_PROCESS: "false" });
    try {
      const setup = await setUp(app, client);
      log("decisions: single-row latency");
      const single = await measureSingle(app, setup, quick ? 300 : 2000);
      log(`decisions: throughput at 32 connections (registry p50 ${single.registry.p50Ms.toFixed(2)} ms, session.run ${single.sessionRun.p50Ms.toFixed(3)} ms)`);
      const throughput = await measureThroughput(app, setup, client, quick ? 3 : 10);
      log(`decisions: ${throughput.registry.requestsPerSecond.toFixed(0)} vs ${throughput.baseline.requestsPerSecond.toFixed(0)} req/s; ingest`);
      const ingest = await measureIngest(app, setup, quick ? 4 : 40);
      log(`decisions: ingest ${ingest.oneClient.toFixed(0)} /s (1 client), ${ingest.fourClients.toFixed(0)} /s (4), ${ingest.busyRetries} busy retries; seeding`);
      const lookups = await measureLookups(app, setup, client, quick ? 200_000 : 10_000_000, quick ? 50 : 300, log);
      await app.stop();
      log("decisions: RSS at rest per mode");
      const rss = [await measureRss(opts, "production (Postgres)", { DATABASE_URL: opts.dbUrl }), await measureRss(opts, "embedded (PGlite)", {})];
      return { single, throughput, ingest, lookups, rss };
    } finally {
      await app.stop();
    }
  } finally {
    await client.end();
  }
}

type Setup = { versionId: string; modelId: string; digest: string; modelBytes: Buffer; viewer: string; auditor: string };

/** The sample model, uploaded; its security and validation runs marked passed; prod pointing at it; tokens. */
async function setUp(app: AppServer, client: pg.Client): Promise<Setup> {
  const boot = { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(app.url + path, { method: "POST", headers: { ...boot, "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, string>;
  };
  await post("/api/v1/models", { name: MODEL });
  const env = sampleEnvelope(MODEL, "1.0.0", { rows: 200 });
  const up = await fetch(`${app.url}/api/v1/models/${MODEL}/versions`, { method: "POST", headers: boot, body: envelopeForm(env.manifest, env.files) });
  const version = (await up.json()) as { manifestDigest: string };
  const { rows } = await client.query<{ id: string; modelId: string }>(`SELECT v.id, v."modelId" FROM "ModelVersion" v JOIN "Model" m ON m.id = v."modelId" WHERE m.name = $1`, [MODEL]);
  const { id: versionId, modelId } = rows[0]!;
  // No checks worker runs (it would compete for the two cores): the verdicts are set, as the worker would.
  await client.query(`UPDATE "CheckRun" SET status = 'finished', verdict = 'pass', "startedAt" = now(), "finishedAt" = now() WHERE "versionId" = $1`, [versionId]);
  await client.query(`INSERT INTO "Alias" ("modelId", "name", "versionId", "updatedAt") VALUES ($1, 'prod', $2, now())`, [modelId, versionId]);
  const token = async (email: string, role: string) => {
    await post("/api/v1/users", { email, name: role, role });
    return (await post("/api/v1/tokens", { name: "bench", scopes: ["read"], userEmail: email })).token!;
  };
  return { versionId, modelId, digest: version.manifestDigest, modelBytes: env.files["model.onnx"]!, viewer: await token("bench-viewer@example.com", "viewer"), auditor: await token("bench-auditor@example.com", "auditor") };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request over a kept-alive connection; resolves with the status and the time to the last byte. */
function request(url: string, method: string, token: string | undefined, body?: string): Promise<{ status: number; ms: number; text: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { method, agent, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, ms: performance.now() - started, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const stats = (ms: number[]): Latency => ({ p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95), samples: ms.length });

async function sequential(n: number, call: () => Promise<{ status: number; ms: number; text: string }>): Promise<Latency> {
  for (let i = 0; i < Math.min(200, n); i++) await call(); // warm-up: JIT, pools, the session
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await call();
    if (r.status !== 200) throw new Error(`status ${r.status}: ${r.text.slice(0, 300)}`);
    ms.push(r.ms);
  }
  return stats(ms);
}

async function measureSingle(app: AppServer, setup: Setup, n: number) {
  const session = await ort.InferenceSession.create(setup.modelBytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential" });
  const feeds = () => ({ x: new ort.Tensor("float32", Float32Array.from([ROW.score_a, ROW.score_b]), [1, 2]) });
  for (let i = 0; i < 500; i++) await session.run(feeds());
  const runs: number[] = [];
  for (let i = 0; i < n * 2; i++) {
    const t = performance.now();
    await session.run(feeds());
    runs.push(performance.now() - t);
  }
  await session.release();
  const body = JSON.stringify({ rows: [ROW] });
  const baseline = await startBaseline(app, setup);
  try {
    return {
      sessionRun: stats(runs),
      registry: await sequential(n, () => request(`${app.url}/api/v1/models/${MODEL}/predict?alias=prod`, "POST", setup.viewer, body)),
      baseline: await sequential(n, () => request(`${baseline.info.url}/predict`, "POST", undefined, body)),
    };
  } finally {
    await baseline.stop();
  }
}

async function startBaseline(app: AppServer, setup: Setup) {
  const modelPath = `${app.dataDir}/bench-model.onnx`;
  writeFileSync(modelPath, setup.modelBytes);
  return startChildServer<{ url: string }>("./predict-baseline-server.ts", {
    DATABASE_URL: app.env.DATABASE_URL!,
    MODEL_PATH: modelPath,
    MODEL_ID: setup.modelId,
    VERSION_ID: setup.versionId,
    MANIFEST_DIGEST: setup.digest,
    POOL_SIZE: "10",
  });
}

async function measureThroughput(app: AppServer, setup: Setup, client: pg.Client, seconds: number) {
  const body = JSON.stringify({ rows: [ROW] });
  const baseline = await startBaseline(app, setup);
  const count = async (actor: string) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Decision" WHERE "actorId" ${actor === "baseline" ? "=" : "<>"} 'baseline'`)).rows[0]!.n);
  const run = async (target: string, url: string, headers: Record<string, string>, actor: string): Promise<Throughput> => {
    await autocannon({ url, method: "POST", body, headers: { ...headers, "content-type": "application/json" }, connections: 32, duration: 2 });
    const before = await count(actor);
    const r = await autocannon({ url, method: "POST", body, headers: { ...headers, "content-type": "application/json" }, connections: 32, duration: seconds });
    const stored = (await count(actor)) - before;
    // Every answered request's decision must be in the table (requests cut off at the end may add a few more).
    if (stored < r["2xx"]) throw new Error(`${target}: ${r["2xx"]} answered but ${stored} stored`);
    return { target, requestsPerSecond: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, requests: r.requests.total, non2xx: r.non2xx, stored };
  };
  try {
    const registry = await run("registry", `${app.url}/api/v1/models/${MODEL}/predict?alias=prod`, { authorization: `Bearer ${setup.viewer}` }, "registry");
    const bare = await run("bare node:http + session.run + INSERT per request", `${baseline.info.url}/predict`, {}, "baseline");
    return { connections: 32, seconds, registry, baseline: bare };
  } finally {
    await baseline.stop();
  }
}

async function measureIngest(app: AppServer, setup: Setup, batches: number) {
  const BATCH = 1000;
  let serial = 0;
  const makeBatch = () => {
    const at = new Date().toISOString();
    const lines: string[] = [];
    for (let i = 0; i < BATCH; i++) {
      const k = serial++;
      lines.push(JSON.stringify({ id: `ingest-${k}`, manifestDigest: setup.digest, at, input: { score_a: (k % 100) / 100, score_b: 0.5 }, output: { label: 1, probabilities: [0.2, 0.8] }, score: 0.8, requestId: `ingest-${k % 5000}` }));
    }
    return lines.join("\n") + "\n";
  };
  // As a reporting server would: a 503 reports_busy is retried after its Retry-After with the same
  // batch (idempotent). The bench's server has 4 report slots (pool of 16), so four clients fit.
  let busy = 0;
  const send = async () => {
    const body = makeBatch();
    for (;;) {
      const res = await fetch(`${app.url}/api/v1/decisions`, { method: "POST", headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}`, "content-type": "application/x-ndjson" }, body });
      if (res.status === 503) {
        busy++;
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("retry-after") ?? 1)));
        continue;
      }
      if (res.status !== 201) throw new Error(`ingest: ${res.status} ${await res.text()}`);
      return;
    }
  };
  await send(); // warm-up
  const rate = async (clients: number) => {
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, async () => {
      for (let i = 0; i < batches / clients; i++) await send();
    }));
    return (batches * BATCH) / ((performance.now() - started) / 1000);
  };
  const oneClient = await rate(1);
  const fourClients = await rate(4);
  return { batch: BATCH, oneClient, fourClients, decisions: serial, busyRetries: busy };
}

async function measureLookups(app: AppServer, setup: Setup, client: pg.Client, rows: number, n: number, log: (line: string) => void) {
  const started = performance.now();
  const chunk = 1_000_000;
  const yearMs = 365 * 24 * 3600 * 1000;
  const t0 = Date.now() - yearMs - 3600_000;
  for (let from = 0; from < rows; from += chunk) {
    const to = Math.min(rows, from + chunk);
    // Time-ordered UUIDv7 ids over the year (48-bit ms prefix, version 7, variant 10, md5 bits).
    await client.query(
      `INSERT INTO "Decision" ("id", "at", "modelId", "versionId", "manifestDigest", "source", "inputDigest", "inputRetention", "input", "redactedFields", "output", "score", "latencyMs", "actorType", "actorId", "requestId")
       SELECT (lpad(to_hex(ms), 12, '0') || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid,
              to_timestamp(ms / 1000.0), $1, $2, $3, 'predict', 'hmac-sha256:' || h || h, 'full',
              jsonb_build_object('score_a', (i % 100) / 100.0, 'score_b', 0.5), '{}',
              jsonb_build_object('label', i % 2, 'probabilities', jsonb_build_array(0.3, 0.7)), 0.7, 0.2, 'user', 'seed',
              CASE WHEN i % 100 = 0 THEN 'seed-' || i ELSE NULL END
       FROM (SELECT i, ($4::bigint + (i::bigint * $5::bigint / $6::bigint)) AS ms, md5(i::text) AS h FROM generate_series($7::bigint, $8::bigint - 1) AS i) s`,
      [setup.modelId, setup.versionId, setup.digest, t0, yearMs, rows, from, to],
    );
    log(`decisions: seeded ${to.toLocaleString("en-US")} rows (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  // A settled table, as a ledger that grew over months is: autovacuum would otherwise start on the
  // fresh 10 M rows during the measurement.
  await client.query(`VACUUM (ANALYZE) "Decision"`);
  await client.query(`CHECKPOINT`);
  const seedSeconds = (performance.now() - started) / 1000;
  const tableBytes = Number((await client.query<{ b: string }>(`SELECT pg_total_relation_size('"Decision"') AS b`)).rows[0]!.b);
  const ids = (await client.query<{ id: string }>(`SELECT id FROM "Decision" TABLESAMPLE SYSTEM (0.1) WHERE "actorId" = 'seed' LIMIT $1`, [n * 2])).rows.map((r) => r.id);
  const pick = (i: number) => ids[i % ids.length]!;
  let k = 0;
  const byId = await sequential(n, () => request(`${app.url}/api/v1/decisions/${pick(k++)}`, "GET", setup.auditor));
  const day = 24 * 3600 * 1000;
  const page = await sequential(n, () => {
    const from = new Date(t0 + Math.floor(Math.random() * 360) * day);
    return request(`${app.url}/api/v1/decisions?model=${MODEL}&from=${from.toISOString()}&to=${new Date(from.getTime() + day).toISOString()}&limit=50`, "GET", setup.auditor);
  });
  const byRequestId = await sequential(n, () => request(`${app.url}/api/v1/decisions?requestId=seed-${100 * Math.floor(Math.random() * (rows / 100))}`, "GET", setup.auditor));
  return { seeded: rows, seedSeconds, byId, page, byRequestId, tableBytes };
}

/** The server process's own resident set (VmRSS), not its check children. */
function vmRss(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;
}

async function measureRss(opts: { dataDir: (name: string) => string; start: Start }, mode: string, env: Record<string, string>) {
  // A fresh database for the Postgres mode would be fairer, but the ledger's size does not enter the
  // process's memory; the data directory is fresh in both.
  const app = await opts.start({ ...env, DATA_DIR: opts.dataDir(`rss-${mode.split(" ")[0]}`), CHECK_WORKER_IN_PROCESS: "false" });
  try {
    const pid = findAppServerPid(Number(new URL(app.url).port));
    await new Promise((r) => setTimeout(r, 3000));
    const atRestBytes = vmRss(pid);
    const boot = { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` };
    const model = `rss-${Date.now()}`;
    await fetch(`${app.url}/api/v1/models`, { method: "POST", headers: { ...boot, "content-type": "application/json" }, body: JSON.stringify({ name: model }) });
    const env2 = sampleEnvelope(model, "1.0.0", { rows: 50 });
    await fetch(`${app.url}/api/v1/models/${model}/versions`, { method: "POST", headers: boot, body: envelopeForm(env2.manifest, env2.files) });
    // Predict would be refused here (no checks ran); replaying a reported decision loads the model
    // through the same path (ServingModels), so "after" is a server that has run a model.
    const line = JSON.stringify({ id: "rss-1", manifestDigest: await digestOf(app, model), at: new Date().toISOString(), input: ROW, output: { label: 1 } });
    await fetch(`${app.url}/api/v1/decisions`, { method: "POST", headers: { ...boot, "content-type": "application/x-ndjson" }, body: line + "\n" });
    const list = (await (await fetch(`${app.url}/api/v1/decisions?model=${model}`, { headers: boot })).json()) as { items: { id: string }[] };
    const replay = await fetch(`${app.url}/api/v1/decisions/${list.items[0]!.id}/replay`, { method: "POST", headers: boot });
    if (replay.status !== 200) throw new Error(`replay for RSS: ${replay.status} ${await replay.text()}`);
    await new Promise((r) => setTimeout(r, 1000));
    return { mode, atRestBytes, afterPredictBytes: vmRss(pid) };
  } finally {
    await app.stop();
  }
}

async function digestOf(app: AppServer, model: string): Promise<string> {
  const res = await fetch(`${app.url}/api/v1/models/${model}/versions/1.0.0`, { headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` } });
  return ((await res.json()) as { manifestDigest: string }).manifestDigest;
}

const ms = (v: number) => (v < 1 ? v.toFixed(3) : v.toFixed(2));
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

export function renderDecisionsSection(r: DecisionsBenchResult, machine: string, date: string): string {
  const added = r.single.registry.p50Ms - r.single.sessionRun.p50Ms;
  const ratio = r.throughput.registry.requestsPerSecond / r.throughput.baseline.requestsPerSecond;
  const met = (ok: boolean) => (ok ? "met" : "**missed**");
  return `<!-- decisions:start -->
## ${date}: decisions — predict, the ledger, lookups (\`BENCH_ONLY=decisions\`)

Machine: ${machine}. Postgres with its defaults (\`fsync\`, \`synchronous_commit\` on): every decision
below is durable before its answer.

| Target | Measured | |
|---|---|---|
| Single-row predict: added p50 over in-process \`session.run\` ≤ 1 ms | ${ms(added)} ms (registry p50 ${ms(r.single.registry.p50Ms)} ms − session.run p50 ${ms(r.single.sessionRun.p50Ms)} ms) | ${met(added <= 1)} |
| Throughput at ${r.throughput.connections} connections, durably logged ≥ 0.7× bare node:http + session.run + INSERT | ${r.throughput.registry.requestsPerSecond.toFixed(0)} vs ${r.throughput.baseline.requestsPerSecond.toFixed(0)} req/s = ${ratio.toFixed(2)}× | ${met(ratio >= 0.7)} |
| Decision ingest ≥ 20,000/s in batches of ${r.ingest.batch.toLocaleString("en-US")} | ${r.ingest.oneClient.toFixed(0)}/s (one client), ${r.ingest.fourClients.toFixed(0)}/s (four${r.ingest.busyRetries ? `; ${r.ingest.busyRetries} batches retried after 503 reports_busy` : ""}) | ${met(Math.max(r.ingest.oneClient, r.ingest.fourClients) >= 20_000)} |
| Lookup by id p95 < 10 ms, ${r.lookups.seeded.toLocaleString("en-US")} decisions | ${ms(r.lookups.byId.p95Ms)} ms (p50 ${ms(r.lookups.byId.p50Ms)}) — the decision with its full lineage | ${met(r.lookups.byId.p95Ms < 10)} |
| Filtered page p95 < 10 ms (model + one day, 50 rows) | ${ms(r.lookups.page.p95Ms)} ms (p50 ${ms(r.lookups.page.p50Ms)}); by request id ${ms(r.lookups.byRequestId.p95Ms)} ms | ${met(r.lookups.page.p95Ms < 10)} |

Single-row latency, sequential requests over one kept-alive connection (${r.single.registry.samples} each, after a warm-up):

| | p50 | p95 |
|---|---|---|
| \`session.run\` in process (no HTTP) | ${ms(r.single.sessionRun.p50Ms)} ms | ${ms(r.single.sessionRun.p95Ms)} ms |
| bare node:http + session.run + INSERT (autocommit) | ${ms(r.single.baseline.p50Ms)} ms | ${ms(r.single.baseline.p95Ms)} ms |
| registry \`POST …/predict?alias=prod\` | ${ms(r.single.registry.p50Ms)} ms | ${ms(r.single.registry.p95Ms)} ms |

Throughput, autocannon, ${r.throughput.connections} connections, ${r.throughput.seconds} s after a 2 s warm-up; every answered decision counted in the table:

| | req/s | p50 | p99 | answered | stored |
|---|---|---|---|---|---|
| registry | ${r.throughput.registry.requestsPerSecond.toFixed(0)} | ${r.throughput.registry.p50Ms} ms | ${r.throughput.registry.p99Ms} ms | ${r.throughput.registry.requests} | ${r.throughput.registry.stored} |
| ${r.throughput.baseline.target} | ${r.throughput.baseline.requestsPerSecond.toFixed(0)} | ${r.throughput.baseline.p50Ms} ms | ${r.throughput.baseline.p99Ms} ms | ${r.throughput.baseline.requests} | ${r.throughput.baseline.stored} |

Seeding ${r.lookups.seeded.toLocaleString("en-US")} decisions took ${r.lookups.seedSeconds.toFixed(0)} s (SQL); the table with its indexes is ${mib(r.lookups.tableBytes)}.
Lookups: ${r.lookups.byId.samples} sequential requests each, an auditor's read token.

Server RSS (the server process, VmRSS; no checks worker):

| Mode | At rest after start | After the first model run |
|---|---|---|
${r.rss.map((x) => `| ${x.mode} | ${mib(x.atRestBytes)} | ${mib(x.afterPredictBytes)} |`).join("\n")}
<!-- decisions:end -->`;
}

export function spliceDecisionsSection(previous: string, section: string): string {
  const start = previous.indexOf("<!-- decisions:start -->");
  const end = previous.indexOf("<!-- decisions:end -->");
  if (start >= 0 && end > start) return previous.slice(0, start) + section + previous.slice(end + "<!-- decisions:end -->".length);
  const firstSection = previous.indexOf("\n## ");
  return firstSection < 0 ? `${previous}\n${section}\n` : `${previous.slice(0, firstSection)}\n${section}\n${previous.slice(firstSection)}`;
}
