// The reviewer's workspace at scale, and the deciding transaction:
//   1. pages (review queue, request page, version page, model page) rendered by the production build
//      with 1,000 models × 50 versions (200,000 check runs) and 5,000 promotion requests seeded —
//      server time per page, p50/p95 over sequential requests after a warm-up (target < 300 ms);
//   2. approval → alias moved: the last required approval of a prod request through the real service
//      (lock, every gate re-evaluated against prod, alias moved, stages, history, audit) — p50/p95
//      (target < 50 ms p95), against a bare `pg` transaction doing the same row writes without the
//      gates, in the same run.
// Seeding is SQL (generate_series), so the numbers measure reading, not the seeding.
import pg from "pg";
import { roleScopes, type Actor } from "@/lib/auth/roles.ts";
import { checkerVersions } from "@/lib/checks/checker-versions.ts";
import { thresholdsToStore } from "@/lib/checks/thresholds.ts";
import { checkKinds } from "@/lib/checks/types.ts";
import { parseConfig } from "@/lib/config/index.ts";
import { resolveThresholds } from "@/lib/policy/stage-policy.ts";
import { decidePromotion } from "@/lib/promotion/decide-promotion.ts";
import { closeServices, createServices } from "@/lib/server/services.ts";
import { signIn } from "@/lib/testing/browser-session.ts";
import { percentile } from "./stats.ts";

export type Timing = { name: string; path: string; p50Ms: number; p95Ms: number; samples: number };
export type PromotionBenchResult = {
  seeded: { models: number; versions: number; checkRuns: number; requests: number };
  pages: Timing[];
  approval: { samples: number; registry: { p50Ms: number; p95Ms: number }; bare: { p50Ms: number; p95Ms: number } };
};

const MODELS = 1000;
const VERSIONS = 50;
const REQUESTS = 5000;

export async function measurePromotion(opts: {
  dbUrl: string;
  dataDir: string;
  appUrl: string;
  adminEmail: string;
  adminPassword: string;
  approvals: number;
  pageSamples: number;
  log: (line: string) => void;
}): Promise<PromotionBenchResult> {
  const client = new pg.Client({ connectionString: opts.dbUrl });
  await client.connect();
  try {
    opts.log(`seeding ${MODELS} models × ${VERSIONS} versions, ${MODELS * VERSIONS * 4} check runs, ${REQUESTS} requests`);
    const seeded = await seed(client, opts.approvals);
    const pages = await measurePages(client, opts);
    const approval = await measureApprovals(client, opts);
    return { seeded, pages, approval };
  } finally {
    await client.end();
  }
}

async function seed(client: pg.Client, approvals: number) {
  const thresholds = resolveThresholds({});
  await client.query(`INSERT INTO "User"(id, email, name, role) VALUES
    (gen_random_uuid(), 'bench-owner@bench.example', 'Bench owner', 'contributor'),
    (gen_random_uuid(), 'bench-r1@bench.example', 'Reviewer one', 'reviewer'),
    (gen_random_uuid(), 'bench-r2@bench.example', 'Reviewer two', 'reviewer')`);
  await client.query(`INSERT INTO "Model"(id, name, description, tags, policy, "updatedAt")
    SELECT gen_random_uuid(), 'bench-m-' || lpad(g::text, 4, '0'), 'seeded for the benchmark', '{}', '{"schemaVersion": 2}', now() FROM generate_series(1, ${MODELS}) g`);
  const manifest = JSON.stringify({
    artifact: { path: "model.onnx", format: "onnx" },
    metrics: { auc: 0.91, accuracy: 0.87 },
    inputSchema: { features: [{ name: "age", type: "int", min: 0, max: 120 }, { name: "income", type: "float", min: 0 }], tensor: "x" },
    card: "MODEL_CARD.md",
  });
  await client.query(
    `INSERT INTO "ModelVersion"(id, "modelId", version, major, minor, patch, manifest, "manifestDigest", status, stage, "createdById", "createdAt")
     SELECT gen_random_uuid(), m.id, '1.' || v || '.0', 1, v, 0, jsonb_set($1::jsonb, '{name}', to_jsonb(m.name)) || jsonb_build_object('version', '1.' || v || '.0'),
            encode(sha256((m.name || '@' || v)::bytea), 'hex'), 'checked', 'dev', (SELECT id FROM "User" WHERE email = 'bench-owner@bench.example'),
            now() - ((${VERSIONS} - v) || ' hours')::interval
     FROM "Model" m CROSS JOIN generate_series(0, ${VERSIONS - 1}) v WHERE m.name LIKE 'bench-m-%'`,
    [manifest],
  );
  for (const kind of checkKinds)
    await client.query(
      `INSERT INTO "CheckRun"(id, "versionId", kind, "checkerVersion", "inputsDigest", status, verdict, summary, metrics, findings, thresholds, seed, trigger, attempts, "queuedAt", "startedAt", "finishedAt", "durationMs")
       SELECT gen_random_uuid(), v.id, $1::"CheckKind", $2, encode(sha256((v.id::text || $1)::bytea), 'hex'), 'finished', 'pass', $1 || ' passed', '{}', '[]', $3::jsonb, 1, 'upload', 1, v."createdAt", v."createdAt", v."createdAt", 1000
       FROM "ModelVersion" v JOIN "Model" m ON m.id = v."modelId" WHERE m.name LIKE 'bench-m-%'`,
      [kind, checkerVersions[kind], JSON.stringify(thresholdsToStore(kind, thresholds))],
    );
  // 5,000 requests over the first 100 models' versions (50 each): every tenth open, the rest closed.
  const gates = JSON.stringify([
    ...checkKinds.map((k) => ({ id: `check.${k}`, label: k, status: "pass", detail: "Passed." })),
    { id: "card", label: "Model card complete", status: "pass", detail: "Complete." },
    { id: "schema", label: "Schema compatible with prod", status: "pass", detail: "Same input schema." },
    { id: "approvals", label: "2 reviewer approvals", status: "pending", detail: "0 of 2 approvals so far." },
  ]);
  await client.query(
    `INSERT INTO "PromotionRequest"(id, "modelId", "versionId", "manifestDigest", "fromStage", "toStage", status, reason, "requestedById", "requiredApprovals", gates, card, "createdAt", "updatedAt", "closedAt")
     SELECT gen_random_uuid(), v."modelId", v.id, v."manifestDigest", 'staging', 'prod',
            (CASE WHEN row_number() OVER () % 10 = 0 THEN 'awaiting_approval' ELSE 'rejected' END)::"PromotionStatus",
            'seeded', (SELECT id FROM "User" WHERE email = 'bench-owner@bench.example'), 2, $1::jsonb, '{"complete": true, "missing": []}',
            v."createdAt", v."createdAt", CASE WHEN row_number() OVER () % 10 = 0 THEN NULL ELSE v."createdAt" END
     FROM "ModelVersion" v JOIN "Model" m ON m.id = v."modelId"
     WHERE m.name <= 'bench-m-' || lpad('${REQUESTS / VERSIONS}', 4, '0') AND m.name LIKE 'bench-m-%'`,
    [gates],
  );
  // The approval measurement's requests: the newest version of the last `approvals` models, in
  // staging, with a prod request holding one approval already (r1's), waiting for r2's.
  await client.query(
    `WITH targets AS (
       SELECT v.id, v."modelId", v."manifestDigest" FROM "ModelVersion" v JOIN "Model" m ON m.id = v."modelId"
       WHERE m.name > 'bench-m-' || lpad('${MODELS - approvals}', 4, '0') AND v.version = '1.${VERSIONS - 1}.0'
     ), staged AS (UPDATE "ModelVersion" SET stage = 'staging' WHERE id IN (SELECT id FROM targets) RETURNING id),
     requests AS (
       INSERT INTO "PromotionRequest"(id, "modelId", "versionId", "manifestDigest", "fromStage", "toStage", status, reason, "requestedById", "requiredApprovals", gates, card, "updatedAt")
       SELECT gen_random_uuid(), t."modelId", t.id, t."manifestDigest", 'staging', 'prod', 'awaiting_approval', 'bench', (SELECT id FROM "User" WHERE email = 'bench-owner@bench.example'), 2, $1::jsonb, '{"complete": true, "missing": []}', now()
       FROM targets t RETURNING id, "manifestDigest")
     INSERT INTO "Approval"(id, "requestId", "userId", credential, decision, comment, "manifestDigest")
     SELECT gen_random_uuid(), r.id, (SELECT id FROM "User" WHERE email = 'bench-r1@bench.example'), 'bench', 'approve', '', r."manifestDigest" FROM requests r`,
    [gates],
  );
  await client.query("ANALYZE");
  const count = async (table: string) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)).rows[0]!.n);
  return { models: await count("Model"), versions: await count("ModelVersion"), checkRuns: await count("CheckRun"), requests: await count("PromotionRequest") };
}

async function measurePages(client: pg.Client, opts: Parameters<typeof measurePromotion>[0]): Promise<Timing[]> {
  const { cookie } = await signIn(opts.appUrl, opts.adminEmail, opts.adminPassword);
  const open = (await client.query<{ id: string; model: string; version: string }>(
    `SELECT r.id, m.name AS model, v.version FROM "PromotionRequest" r JOIN "Model" m ON m.id = r."modelId" JOIN "ModelVersion" v ON v.id = r."versionId"
     WHERE r.status = 'awaiting_approval' AND r.reason = 'seeded' ORDER BY r."createdAt" DESC LIMIT 1`,
  )).rows[0]!;
  const pages = [
    { name: "review queue", path: "/reviews" },
    { name: "request page", path: `/reviews/${open.id}` },
    { name: "version page", path: `/models/${open.model}/versions/${open.version}` },
    { name: "model page (50 versions)", path: `/models/${open.model}` },
  ];
  const timings: Timing[] = [];
  for (const page of pages) {
    const samples: number[] = [];
    for (let i = 0; i < opts.pageSamples + 3; i++) {
      const started = performance.now();
      const res = await fetch(opts.appUrl + page.path, { headers: { cookie } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${page.path}: HTTP ${res.status}`);
      if (i >= 3) samples.push(performance.now() - started); // the first ones compile and fill caches
    }
    timings.push({ ...page, p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95), samples: samples.length });
    opts.log(`page ${page.name}: p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms`);
  }
  return timings;
}

async function measureApprovals(client: pg.Client, opts: Parameters<typeof measurePromotion>[0]) {
  const services = await createServices(parseConfig({ DATABASE_URL: opts.dbUrl, DATA_DIR: opts.dataDir, CHECK_WORKER_IN_PROCESS: "false", LOG_LEVEL: "warn" }), { announce: false, worker: false });
  try {
    const r2 = (await client.query<{ id: string }>(`SELECT id FROM "User" WHERE email = 'bench-r2@bench.example'`)).rows[0]!.id;
    const reviewer: Actor = { type: "user", id: r2, email: "bench-r2@bench.example", role: "reviewer", scopes: [...roleScopes.reviewer], sessionId: "bench" };
    const requests = (await client.query<{ id: string; manifestDigest: string; modelId: string; versionId: string }>(
      `SELECT id, "manifestDigest", "modelId", "versionId" FROM "PromotionRequest" WHERE reason = 'bench' ORDER BY id`,
    )).rows;
    const half = Math.floor(requests.length / 2);
    const registry: number[] = [];
    for (const [i, r] of requests.slice(0, half).entries()) {
      const started = performance.now();
      const view = await decidePromotion(services.prisma, { actor: reviewer, id: r.id, decision: "approve", comment: "", manifestDigest: r.manifestDigest });
      const elapsed = performance.now() - started;
      if (view.status !== "promoted") throw new Error(`request ${r.id} was not promoted: ${view.status} (${view.blockedReason})`);
      if (i >= 3) registry.push(elapsed);
    }
    // The same row writes as one bare transaction, without reading or evaluating anything.
    const bare: number[] = [];
    for (const [i, r] of requests.slice(half).entries()) {
      const started = performance.now();
      await client.query("BEGIN");
      await client.query(`SELECT 1 FROM "Model" WHERE id = $1 FOR NO KEY UPDATE`, [r.modelId]);
      await client.query(`INSERT INTO "Approval"(id, "requestId", "userId", credential, decision, comment, "manifestDigest") VALUES (gen_random_uuid(), $1, $2, 'bench', 'approve', '', $3)`, [r.id, r2, r.manifestDigest]);
      await client.query(`INSERT INTO "Alias"("modelId", name, "versionId", "updatedAt") VALUES ($1, 'prod', $2, now()) ON CONFLICT ("modelId", name) DO UPDATE SET "versionId" = $2, "updatedAt" = now()`, [r.modelId, r.versionId]);
      await client.query(`UPDATE "ModelVersion" SET stage = 'prod' WHERE id = $1`, [r.versionId]);
      await client.query(`INSERT INTO "StageEvent"(id, "modelId", "versionId", kind, "fromStage", "toStage", alias, "requestId", "actorType", "actorId", reason) VALUES (gen_random_uuid(), $1, $2, 'promoted', 'staging', 'prod', 'prod', $3, 'user', $4, 'bench')`, [r.modelId, r.versionId, r.id, r2]);
      await client.query(`UPDATE "PromotionRequest" SET status = 'promoted', "closedAt" = now(), "updatedAt" = now() WHERE id = $1`, [r.id]);
      await client.query("COMMIT");
      if (i >= 3) bare.push(performance.now() - started);
    }
    opts.log(`approval → alias: registry p95 ${percentile(registry, 95).toFixed(1)} ms, bare p95 ${percentile(bare, 95).toFixed(1)} ms`);
    return {
      samples: registry.length,
      registry: { p50Ms: percentile(registry, 50), p95Ms: percentile(registry, 95) },
      bare: { p50Ms: percentile(bare, 50), p95Ms: percentile(bare, 95) },
    };
  } finally {
    await closeServices(services);
  }
}

const f = (ms: number) => `${ms.toFixed(1)} ms`;

export function renderPromotionSection(r: PromotionBenchResult, machine: string, date: string): string {
  const pageRows = r.pages.map((p) => `| ${p.name} (\`${p.path.replace(/[0-9a-f-]{36}/, "{id}")}\`) | ${f(p.p50Ms)} | ${f(p.p95Ms)} | ${p.p95Ms < 300 ? "met" : "**not met**"} |`);
  return `<!-- promotion:start -->
## ${date}: the reviewer's workspace and the deciding transaction (\`BENCH_ONLY=promotion\`)

${machine}. Production build, Postgres. Seeded: ${r.seeded.models.toLocaleString("en")} models, ${r.seeded.versions.toLocaleString("en")} versions,
${r.seeded.checkRuns.toLocaleString("en")} check runs, ${r.seeded.requests.toLocaleString("en")} promotion requests. Pages are fetched signed in as an admin,
one at a time after three warm-up requests; the time is the whole response on localhost (server rendering dominates).

| Page | p50 | p95 | < 300 ms p95 |
| --- | --- | --- | --- |
${pageRows.join("\n")}

Approval → alias moved (the last required approval of a prod request, ${r.approval.samples} samples):

| | p50 | p95 |
| --- | --- | --- |
| registry: \`decidePromotion\` (model lock, every gate re-evaluated against prod, alias, stages, history, audit) | ${f(r.approval.registry.p50Ms)} | ${f(r.approval.registry.p95Ms)} |
| bare \`pg\` transaction with the same row writes, no reads or gates | ${f(r.approval.bare.p50Ms)} | ${f(r.approval.bare.p95Ms)} |
| ratio (registry ÷ bare, p95) | | ${(r.approval.registry.p95Ms / r.approval.bare.p95Ms).toFixed(1)}× |

Target < 50 ms p95: **${r.approval.registry.p95Ms < 50 ? "met" : "not met"}**.
<!-- promotion:end -->`;
}

/** Replaces the promotion section of RESULTS.md (or appends it after the summary). */
export function splicePromotionSection(previous: string, section: string): string {
  const start = previous.indexOf("<!-- promotion:start -->");
  const end = previous.indexOf("<!-- promotion:end -->");
  if (start >= 0 && end > start) return previous.slice(0, start) + section + previous.slice(end + "<!-- promotion:end -->".length);
  const firstSection = previous.indexOf("\n## ");
  return firstSection < 0 ? `${previous}\n${section}\n` : `${previous.slice(0, firstSection)}\n${section}\n${previous.slice(firstSection)}`;
}
