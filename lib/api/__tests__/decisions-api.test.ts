// The decisions endpoints over HTTP, as an attacker or a careless client would call them: every bad
// input is a 4xx problem+json naming the field, nothing is stored for it, and nothing a client sends
// can make the ledger's write fail after the model ran (a 500).
import http from "node:http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleEnvelope } from "@/lib/checks/testing/sample-envelope";
import { startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "@/lib/testing/app-server";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { envelopeForm } from "./envelope-fixture";

let db: TestDatabase;
let app: AppServer;
let digest = "";
type Json = Record<string, any>;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const raw = typeof body === "string" ? body : body === undefined ? undefined : JSON.stringify(body);
  const res = await fetch(app.url + path, {
    method,
    headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}`, ...(raw !== undefined && typeof body !== "string" ? { "content-type": "application/json" } : {}), ...headers },
    body: raw,
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), body: (text ? JSON.parse(text) : {}) as Json };
}

const count = async () => (await call("GET", "/api/v1/decisions?model=dec-api&limit=200")).body.items.length as number;
const predictPath = "/api/v1/models/dec-api/predict?version=1.0.0";
const ndjson = { "content-type": "application/x-ndjson" };

beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.$disconnect();
  app = await startApp({ ...(db.url ? { DATABASE_URL: db.url } : {}), CHECK_WORKER_IN_PROCESS: "false" });
  expect((await call("POST", "/api/v1/models", { name: "dec-api" })).status).toBe(201);
  const env = sampleEnvelope("dec-api", "1.0.0", { rows: 50 });
  const res = await fetch(`${app.url}/api/v1/models/dec-api/versions`, { method: "POST", headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` }, body: envelopeForm(env.manifest, env.files) });
  expect(res.status).toBe(201);
  digest = ((await res.json()) as Json).manifestDigest;
  if (db.url) {
    // No worker runs here: the verdicts are recorded as the worker records them.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`UPDATE "CheckRun" SET status = 'finished', verdict = 'pass', "startedAt" = now(), "finishedAt" = now()`);
    await client.end();
  }
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

describe("predict over HTTP", () => {
  it("answers field errors as problem+json and records nothing for refused input", async () => {
    if (!db.url) return; // the verdicts above need SQL access to the database
    const bad = await call("POST", predictPath, { rows: [{ score_a: 0.5, score_b: "0.5" }, { score_a: 0.5 }] });
    expect([bad.status, bad.type, bad.body.code]).toEqual([422, "application/problem+json", "invalid_rows"]);
    expect(bad.body.errors.map((e: Json) => e.path)).toEqual(["rows.0.score_b", "rows.1.score_b"]);
    expect((await call("POST", predictPath, {})).body.errors[0].path).toBe("body.rows");
    expect((await call("POST", predictPath, { rows: [] })).status).toBe(422);
    expect((await call("POST", predictPath, { rows: [{ score_a: 0.5, score_b: 0.5 }], extra: 1 })).status).toBe(422);
    expect((await call("POST", "/api/v1/models/dec-api/predict?version=1.0.0&alias=prod", { rows: [{ score_a: 0.5, score_b: 0.5 }] })).status).toBe(400);
    // Text Postgres cannot store in jsonb is refused before the model runs, never a 500 after it.
    for (const metadata of [{ note: "a\u0000b" }, { note: "\ud800" }, { ["k\u0000"]: 1 }]) {
      const refused = await call("POST", predictPath, { rows: [{ score_a: 0.5, score_b: 0.5 }], metadata });
      expect([refused.status, refused.body.errors[0].message]).toEqual([422, expect.stringMatching(/cannot be stored/)]);
    }
    expect((await call("POST", predictPath, { rows: [{ score_a: 0.5, score_b: 0.5 }], requestId: "a\r\nX-Injected: 1" })).status).toBe(422);
    const deep = `{"rows":[{"score_a":0.5,"score_b":0.5}],"metadata":{"a":${"[".repeat(5000)}${"]".repeat(5000)}}}`;
    const deepRes = await call("POST", predictPath, deep, { "content-type": "application/json" });
    expect(deepRes.status, JSON.stringify(deepRes.body) + app.output().slice(-3000)).toBe(422);
    const huge = JSON.stringify({ rows: Array.from({ length: 40_000 }, () => ({ score_a: 0.123456789, score_b: 0.987654321 })) });
    expect((await call("POST", predictPath, huge, { "content-type": "application/json" })).status).toBe(413);
    expect(await count()).toBe(0);

    const ok = await call("POST", predictPath, { rows: [{ score_a: 0.7, score_b: 0.2 }], requestId: "api-1", metadata: { note: "😀 fine" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ model: "dec-api", version: "1.0.0", manifestDigest: digest });
    expect(await count()).toBe(1);
  });
});

describe("reported decisions over HTTP", () => {
  const line = (id: string, extra: Json = {}) => JSON.stringify({ id, manifestDigest: digest, at: "2026-11-30T10:00:00Z", input: { score_a: 0.4, score_b: 0.1 }, output: { label: 0 }, ...extra });

  it("refuses other media types, over-long lines and bad lines with their line number, storing nothing", async () => {
    const before = await count();
    const json = await call("POST", "/api/v1/decisions", { id: "x" });
    expect([json.status, json.body.code]).toEqual([415, "json_lines_required"]);
    const long = await call("POST", "/api/v1/decisions", line("l-1") + "\n" + line("l-2", { metadata: { pad: "x".repeat(300 * 1024) } }) + "\n", ndjson);
    expect([long.status, long.body.code, long.body.errors[0].path]).toEqual([413, "line_too_long", "lines.2"]);
    const nul = await call("POST", "/api/v1/decisions", line("n-1") + "\n" + line("n-2", { output: { label: "a\u0000" } }) + "\n", ndjson);
    expect([nul.status, nul.body.errors[0].path]).toEqual([422, "lines.2.output.label"]);
    const crlf = await call("POST", "/api/v1/decisions", `${line("c-1")}\r\n\r\n${line("c-2", { at: "yesterday" })}\r\n`, ndjson);
    expect([crlf.status, crlf.body.errors[0].path]).toEqual([422, "lines.3.at"]);
    expect((await call("POST", "/api/v1/decisions", "\n\n", ndjson)).body.code).toBe("empty_batch");
    expect(await count()).toBe(before);
    const stored = await call("POST", "/api/v1/decisions", `${line("c-1")}\r\n${line("c-2")}`, ndjson);
    expect([stored.status, stored.body.stored]).toEqual([201, 2]);
  });
});

describe("ledger, lineage and replay over HTTP", () => {
  it("validates ids and filters, replays without a body, and queues bulk replays", async () => {
    expect((await call("GET", "/api/v1/decisions/not-a-uuid")).status).toBe(400);
    expect((await call("GET", "/api/v1/decisions/0190a6f0-0000-7000-8000-000000000000")).body.code).toBe("decision_not_found");
    expect((await call("GET", "/api/v1/decisions?version=1.0.0")).status).toBe(400);
    expect((await call("GET", "/api/v1/decisions?from=yesterday")).status).toBe(400);
    expect((await call("GET", "/api/v1/decisions?cursor=bogus")).status).toBe(400);
    const items = (await call("GET", "/api/v1/decisions?model=dec-api&requestId=api-1")).body.items as Json[];
    if (!db.url) return;
    expect(items).toHaveLength(1);
    const lineage = await call("GET", `/api/v1/decisions/${items[0]!.id}`);
    expect(lineage.body).toMatchObject({ decision: { requestId: "api-1", version: "1.0.0" }, asOf: { stage: "dev", prodVersion: null } });
    // No body, no Content-Type: the replay body is optional.
    const replay = await fetch(`${app.url}/api/v1/decisions/${items[0]!.id}/replay`, { method: "POST", headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` } });
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as Json).replay.outcome).toBe("identical");
    const job = await call("POST", "/api/v1/replay-jobs", { model: "dec-api" });
    expect([job.status, job.body.status]).toEqual([202, "queued"]);
    expect((await call("GET", `/api/v1/replay-jobs/${job.body.id}`)).body.id).toBe(job.body.id);
    expect((await call("POST", "/api/v1/replay-jobs", { model: "nope" })).status).toBe(404);
    expect((await call("POST", "/api/v1/replay-jobs", { model: "dec-api", from: "2026-12-02T00:00:00Z", to: "2026-12-01T00:00:00Z" })).status).toBe(400);
  });
});

describe("text Postgres cannot store, anywhere in the API", () => {
  it("is a 422 naming the field for JSON bodies and manifest.json, never a 500", async () => {
    const model = await call("POST", "/api/v1/models", { name: "nul-model", description: "x\u0000y" });
    expect([model.status, model.body.code, model.body.errors[0].path]).toEqual([422, "unstorable_text", "body.description"]);
    const patch = await call("PATCH", "/api/v1/models/dec-api", { tags: ["ok", "\ud800"] });
    expect([patch.status, patch.body.errors[0].path]).toEqual([422, "body.tags.1"]);
    const env = sampleEnvelope("dec-api", "9.9.9", { rows: 10 });
    (env.manifest as Record<string, unknown>).metadata = { team: "a\u0000b" };
    const upload = await fetch(`${app.url}/api/v1/models/dec-api/versions`, { method: "POST", headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` }, body: envelopeForm(env.manifest, env.files) });
    const body = (await upload.json()) as Json;
    expect([upload.status, body.code, body.errors[0].path]).toEqual([422, "invalid_manifest", "manifest.metadata.team"]);
    expect((await call("GET", "/api/v1/models/dec-api/versions/9.9.9")).status).toBe(404);
  });
});

describe("reported decisions under attack (review findings)", () => {
  const line = (id: string, extra: Json = {}) => JSON.stringify({ id, manifestDigest: digest, at: "2026-11-30T10:00:00Z", input: { score_a: 0.4, score_b: 0.1 }, output: { label: 0 }, ...extra });
  const report = (text: string) => call("POST", "/api/v1/decisions", text, ndjson);

  it("refuses times before 1970, text Postgres cannot store in ids, and __proto__ keys, by line and field", async () => {
    expect((await report(line("t-0", { at: "0000-01-01T00:00:00Z" }))).body.errors[0].path).toBe("lines.1.at");
    expect((await report(line("t-1", { at: "1969-12-31T23:59:59.999Z" }))).body.errors[0].path).toBe("lines.1.at");
    expect((await report(line("a\ud800"))).body.errors[0].path).toBe("lines.1.id");
    expect((await report(line("t-2", { requestId: "\udfff" }))).body.errors[0].path).toBe("lines.1.requestId");
    const proto = await report('{"id":"p-1","manifestDigest":"' + digest + '","at":"2026-11-30T10:00:00Z","input":{"score_a":0.2,"score_b":0.5,"__proto__":{"evil":1}},"output":{"label":0}}');
    expect([proto.status, proto.body.errors[0].path]).toEqual([422, "lines.1.input.__proto__"]);
    const meta = await call("POST", predictPath, '{"rows":[{"score_a":0.5,"score_b":0.5}],"metadata":{"__proto__":{"a":1},"b":2}}', { "content-type": "application/json" });
    expect([meta.status, meta.body.errors[0].path]).toEqual([422, "body.metadata.__proto__"]);
    expect((await call("GET", `/api/v1/decisions?cursor=${Buffer.from(JSON.stringify({ id: "-".repeat(36) })).toString("base64url")}`)).status).toBe(400);
  });

  it("refuses a re-sent id whose score, request id or metadata changed", async () => {
    expect((await report(line("s-1", { score: 0.1 }))).status).toBe(201);
    expect((await report(line("s-1", { score: 0.1 }))).body.duplicates).toBe(1);
    for (const changed of [{ score: 0.99 }, { score: 0.1, requestId: "other" }, { score: 0.1, metadata: { m: 1 } }])
      expect((await report(line("s-1", changed))).body.code).toBe("decision_id_reused");
    expect((await report(`${line("s-2", { score: 0.1 })}\n${line("s-2", { score: 0.9 })}`)).body.errors[0].path).toBe("lines.2.id");
  });

  it("stores concurrent batches of the same ids in any order exactly once, never a 500", async () => {
    const lines = Array.from({ length: 300 }, (_, i) => line(`c-${String(i).padStart(3, "0")}`));
    const results = await Promise.all(Array.from({ length: 6 }, (_, k) => report((k % 2 ? [...lines].reverse() : lines).join("\n"))));
    for (const r of results) expect([201, 409, 503]).toContain(r.status);
    expect(results.some((r) => r.status === 201)).toBe(true);
    const stored = (await call("GET", "/api/v1/decisions?model=dec-api&source=reported&limit=200")).body.items.filter((d: Json) => String(d.clientId).startsWith("c-"));
    expect(new Set(stored.map((d: Json) => d.clientId)).size).toBe(stored.length);
  });

  it("takes a few batches at a time per server; a slow reporter cannot take predict's connections", async () => {
    // Two slow bodies (the test server's pool of 10 allows 10 / 4 = 2 batches at once) stay open…
    const open = [0, 1].map(() => {
      const req = http.request(`${app.url}/api/v1/decisions`, { method: "POST", headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}`, "content-type": "application/x-ndjson", "transfer-encoding": "chunked" } });
      req.on("error", () => {});
      const answered = new Promise<number>((resolve) => req.on("response", (res) => (res.resume(), resolve(res.statusCode!))));
      req.write("\n");
      return { req, answered };
    });
    await new Promise((r) => setTimeout(r, 300));
    // …a third is told to come back, and predict still answers at once.
    const busy = await report(line("busy-1"));
    expect([busy.status, busy.body.code]).toEqual([503, "reports_busy"]);
    expect((await call("POST", predictPath, { rows: [{ score_a: 0.3, score_b: 0.3 }] })).status).toBe(200);
    for (const o of open) o.req.end(line(`slow-${Math.random()}`) + "\n");
    expect(await Promise.all(open.map((o) => o.answered))).toEqual([201, 201]);
    expect((await report(line("busy-1"))).status).toBe(201);
  });
});
