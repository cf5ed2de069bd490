// The zero-configuration default (PGlite + filesystem under DATA_DIR): what `npm start` gives a
// newcomer must register, serve and keep versions across a restart like the production setup.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "@/lib/testing/app-server";
import { sampleEnvelope as checkedEnvelope } from "@/lib/checks/testing/sample-envelope";
import { envelopeForm, sampleEnvelope, sha256 } from "./envelope-fixture";

let app: AppServer;
const auth = { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` };

beforeAll(async () => {
  app = await startApp({ REGISTRY_ADMIN_PASSWORD: "" });
});
afterAll(async () => app?.stop());

it("runs on PGlite and the filesystem, creates the first admin, and keeps everything across a restart", async () => {
  const health = await (await fetch(`${app.url}/api/v1/health`)).json();
  expect(health).toMatchObject({ status: "ok", db: { kind: "pglite" }, storage: { driver: "filesystem" } });
  // No admin password configured: one was generated, printed and saved for the operator.
  const saved = readFileSync(path.join(app.dataDir, "initial-admin-password"), "utf8").trim();
  expect(saved.length).toBeGreaterThanOrEqual(12);
  expect(app.output()).toContain(saved);

  expect((await fetch(`${app.url}/api/v1/models`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ name: "embedded" }) })).status).toBe(201);
  const env = sampleEnvelope("embedded", "0.1.0", { artifactSize: 2 * 1024 * 1024 });
  const created = await fetch(`${app.url}/api/v1/models/embedded/versions`, { method: "POST", headers: auth, body: envelopeForm(env.manifest, env.files) });
  expect(created.status).toBe(201);
  const { manifestDigest } = (await created.json()) as { manifestDigest: string };

  await app.stop();
  app = await startApp({ ...app.env, DATA_DIR: app.dataDir });
  const version = (await (await fetch(`${app.url}/api/v1/models/embedded/versions/0.1.0`, { headers: auth })).json()) as { manifestDigest: string };
  expect(version.manifestDigest).toBe(manifestDigest);
  for (const [file, bytes] of Object.entries(env.files)) {
    const res = await fetch(`${app.url}/api/v1/models/embedded/versions/0.1.0/files/${file}`, { headers: auth });
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(bytes));
  }
  // The generated password is not regenerated on a restart.
  expect(readFileSync(path.join(app.dataDir, "initial-admin-password"), "utf8").trim()).toBe(saved);
});

it("runs the checks in-process on the embedded database, and finishes them after a restart", async () => {
  const health = await (await fetch(`${app.url}/api/v1/health`)).json();
  expect(health.queue).toMatchObject({ ok: true, kind: "pg-boss (pglite)" });
  const env = checkedEnvelope("embedded", "0.2.0");
  const created = await fetch(`${app.url}/api/v1/models/embedded/versions`, { method: "POST", headers: auth, body: envelopeForm(env.manifest, env.files) });
  expect(created.status).toBe(201);
  // Stop at once, probably mid-check: the queued and interrupted runs must still finish after the restart.
  await app.stop();
  app = await startApp({ ...app.env, DATA_DIR: app.dataDir });
  const deadline = Date.now() + 120_000;
  let checks: { latest: { kind: string; status: string; verdict: string | null }[] };
  for (;;) {
    checks = await (await fetch(`${app.url}/api/v1/models/embedded/versions/0.2.0/checks`, { headers: auth })).json();
    if (checks.latest.length === 4 && checks.latest.every((r) => r.status === "finished")) break;
    if (Date.now() > deadline) throw new Error(`checks did not finish: ${JSON.stringify(checks)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(Object.fromEntries(checks.latest.map((r) => [r.kind, r.verdict]))).toEqual({ validation: "pass", fairness: "pass", adversarial: "pass", security: "pass" });
}, 240_000);
