// Nothing acknowledged is lost on a crash: the registry runs as its own process, clients send
// predict requests concurrently, the process is killed with SIGKILL (no shutdown code runs) while
// requests are in flight, and every decision id that was answered with 200 must be in the ledger.
// On Postgres (synchronous commit) this also holds for a power loss; on the embedded PGlite the
// committed pages are in the operating system's cache, which survives the process (docs/decisions.md).
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { envelopeForm } from "../../api/__tests__/envelope-fixture.ts";
import { sampleEnvelope } from "../../checks/testing/sample-envelope.ts";
import { startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "../../testing/app-server.ts";
import { createTestDatabase } from "../../testing/db.ts";

const auth = { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` };
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function json(app: AppServer, method: string, path: string, body?: unknown) {
  const res = await fetch(app.url + path, { method, headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** A runnable version: the sample model, its checks run by the app's own in-process worker. */
async function runnableVersion(app: AppServer, model: string): Promise<void> {
  expect((await json(app, "POST", "/api/v1/models", { name: model })).status).toBe(201);
  const env = sampleEnvelope(model, "1.0.0", { rows: 200 });
  const res = await fetch(`${app.url}/api/v1/models/${model}/versions`, { method: "POST", headers: auth, body: envelopeForm(env.manifest, env.files) });
  expect(res.status).toBe(201);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const checks = await json(app, "GET", `/api/v1/models/${model}/versions/1.0.0/checks`);
    const latest = checks.body.latest as { kind: string; verdict: string | null }[];
    const verdict = (kind: string) => latest.find((r) => r.kind === kind)?.verdict;
    if (verdict("security") === "pass" && verdict("validation") === "pass") return;
    if (Date.now() > deadline) throw new Error(`checks did not pass: ${JSON.stringify(checks.body).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Clients hammer predict until the app dies; returns the ids of every decision answered with 200. */
async function hammerUntilKilled(app: AppServer, model: string): Promise<{ acknowledged: string[]; failed: number }> {
  const acknowledged: string[] = [];
  let failed = 0;
  let stop = false;
  const client = async (c: number) => {
    for (let i = 0; !stop; i++) {
      try {
        const res = await fetch(`${app.url}/api/v1/models/${model}/predict?version=1.0.0`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({ rows: [{ score_a: ((c * 31 + i) % 100) / 100, score_b: 0.5 }, { score_a: 0.9, score_b: 0.1 }], requestId: `crash-${c}-${i}` }),
        });
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        const body = (await res.json()) as { decisions: { id: string }[] };
        acknowledged.push(...body.decisions.map((d) => d.id));
      } catch {
        failed++;
        if (stop) return;
      }
    }
  };
  const clients = Array.from({ length: 16 }, (_, c) => client(c));
  // Let acknowledged decisions pile up, then crash the process in the middle of the traffic.
  while (acknowledged.length < 600) await new Promise((r) => setTimeout(r, 20));
  await app.kill();
  stop = true;
  await Promise.all(clients);
  return { acknowledged, failed };
}

describe("a crash loses no acknowledged decision", () => {
  it("on Postgres: every id answered before SIGKILL is in the ledger", async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    if (!db.isRealPostgres) return; // the PGlite case below covers the embedded database
    await db.prisma.$disconnect();
    const app = await startApp({ DATABASE_URL: db.url!, LOG_LEVEL: "error" });
    cleanups.push(() => app.stop());
    await runnableVersion(app, "crash-pg");
    const { acknowledged } = await hammerUntilKilled(app, "crash-pg");
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const found = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Decision" WHERE "id" = ANY($1::uuid[])`, [acknowledged]);
      expect(found.rows[0]!.n).toBe(acknowledged.length);
      expect(acknowledged.length).toBeGreaterThanOrEqual(600);
    } finally {
      await client.end();
    }
  }, 240_000);

  it("on the embedded PGlite: every id answered before SIGKILL is there after a restart", async () => {
    const first = await startApp({ LOG_LEVEL: "error" });
    cleanups.push(() => first.stop());
    await runnableVersion(first, "crash-lite");
    const { acknowledged } = await hammerUntilKilled(first, "crash-lite");
    const again = await startApp({ DATA_DIR: first.dataDir, LOG_LEVEL: "error" });
    cleanups.push(() => again.stop());
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await json(again, "GET", `/api/v1/decisions?model=crash-lite&limit=200${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      for (const d of page.body.items as { id: string }[]) seen.add(d.id);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(acknowledged.filter((id) => !seen.has(id))).toEqual([]);
  }, 300_000);
});
