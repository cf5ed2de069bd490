// The webhooks API over real HTTP against the started app, with a real receiver on loopback: create
// (secret once), list (never a secret), the SSRF refusal as a 422 naming why, the events an upload
// and its checks set off arriving signed, the delivery log, redelivery, rotation and deletion.
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "@/lib/testing/app-server";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { startReceiver, type Receiver, type Received } from "@/lib/webhooks/testing/receiver";
import { envelopeForm, sampleEnvelope } from "./envelope-fixture";

type Json = Record<string, any>;
let db: TestDatabase;
let strictDb: TestDatabase;
/** Allows loopback targets (WEBHOOK_ALLOW_PRIVATE), runs the checks worker and the dispatcher. */
let app: AppServer;
/** The default: private targets refused. */
let strict: AppServer;
let receiver: Receiver;

beforeAll(async () => {
  [db, strictDb, receiver] = await Promise.all([createTestDatabase({ migrate: false }), createTestDatabase({ migrate: false }), startReceiver()]);
  [app, strict] = await Promise.all([
    startApp({
      ...(db.url ? { DATABASE_URL: db.url } : {}),
      WEBHOOK_ALLOW_PRIVATE: "true",
      WEBHOOK_POLL_SECONDS: "0.2",
      WEBHOOK_RETRY_BASE_SECONDS: "0.2",
      WEBHOOK_MAX_ATTEMPTS: "3",
    }),
    startApp({ ...(strictDb.url ? { DATABASE_URL: strictDb.url } : {}), CHECK_WORKER_IN_PROCESS: "false" }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([app?.stop(), strict?.stop()]);
  await receiver?.close();
  await Promise.all([db?.drop(), strictDb?.drop()]);
});

async function api(server: AppServer, method: string, path: string, body?: unknown, token: string | null = TEST_BOOTSTRAP_TOKEN) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined && !(body instanceof FormData)) headers["content-type"] = "application/json";
  const res = await fetch(server.url + path, { method, headers, body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Json };
}

async function waitFor(predicate: () => Received | undefined, ms = 60_000): Promise<Received> {
  const until = Date.now() + ms;
  for (;;) {
    const found = predicate();
    if (found) return found;
    if (Date.now() > until) throw new Error(`not received; got ${receiver.received.map((r) => r.body.slice(0, 80)).join(" | ")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const ofType = (type: string, path = "/hook") => () => receiver.received.find((r) => r.path === path && JSON.parse(r.body).type === type);
const verify = (secret: string, r: Received) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>);

describe("webhooks API", () => {
  let hook: Json;

  it("creates a webhook: 201 with the whsec_ secret once, not cached; the list never shows a secret", async () => {
    const res = await api(app, "POST", "/api/v1/webhooks", { url: `${receiver.url}/hook`, events: ["version.created", "checks.finished"], description: "CI" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body).toMatchObject({ id: expect.any(String), url: `${receiver.url}/hook`, events: ["version.created", "checks.finished"], description: "CI", deletedAt: null });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    hook = res.body;

    const list = await api(app, "GET", "/api/v1/webhooks");
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([{ ...hook, secret: undefined }].map(({ secret: _s, ...rest }) => rest));
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(hook.secret.slice(6));
    expect(text).not.toMatch(/secret"|secretEncrypted|whsec_/);

    // Audited, without the secret.
    const audit = await api(app, "GET", "/api/v1/audit?action=webhook.created&limit=5");
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ subject: { type: "webhook", id: hook.id } });
    expect(JSON.stringify(audit.body)).not.toContain(hook.secret.slice(6));
  });

  it("refuses bad and blocked URLs with 422 problem+json naming the url field and why", async () => {
    const cases: [AppServer, string, RegExp][] = [
      [strict, "http://10.0.0.5/hook", /resolves to a private address 10\.0\.0\.5/],
      [strict, `http://127.0.0.1:${receiver.port}/hook`, /resolves to a loopback address 127\.0\.0\.1/],
      [strict, `http://localhost:${receiver.port}/hook`, /resolves to a loopback address/],
      [strict, "http://169.254.169.254/latest/meta-data/", /resolves to a link-local address 169\.254\.169\.254/],
      [strict, "http://[::ffff:127.0.0.1]/hook", /resolves to a loopback address 127\.0\.0\.1/],
      [strict, "http://100.64.1.1/hook", /carrier-grade NAT/],
      [app, "ftp://example.com/hook", /must use http or https/],
      [app, `http://user:pw@127.0.0.1:${receiver.port}/hook`, /must not contain a user name or password/],
      [app, "not a url", /not a valid absolute URL/],
    ];
    for (const [server, url, why] of cases) {
      const res = await api(server, "POST", "/api/v1/webhooks", { url, events: ["rollback"] });
      expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe("webhook_url_blocked");
      expect(res.body.errors).toEqual([{ path: "url", message: expect.stringMatching(why) }]);
    }
    // Body validation: an unknown event type.
    const bad = await api(app, "POST", "/api/v1/webhooks", { url: `${receiver.url}/x`, events: ["version.deleted"] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe("body.events.0");
    // Nothing was created.
    expect((await api(strict, "GET", "/api/v1/webhooks")).body.items).toEqual([]);
    expect((await api(app, "GET", "/api/v1/webhooks")).body.items).toHaveLength(1);
  });

  it("refuses callers without the right credentials", async () => {
    expect((await api(app, "GET", "/api/v1/webhooks", undefined, null)).status).toBe(401);
    expect((await api(app, "POST", "/api/v1/webhooks", { url: `${receiver.url}/x`, events: ["rollback"] }, "mr_not-a-token")).status).toBe(401);
  });

  it("sends version.created on upload and checks.finished when the checks are done, signed; the delivery log shows them", async () => {
    expect((await api(app, "POST", "/api/v1/models", { name: "hooked" })).status).toBe(201);
    const env = sampleEnvelope("hooked", "1.0.0", { artifactSize: 2048 });
    const uploaded = await api(app, "POST", "/api/v1/models/hooked/versions", envelopeForm(env.manifest, env.files));
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);

    const created = await waitFor(ofType("version.created"), 15_000);
    const event = verify(hook.secret, created) as Json;
    expect(event).toMatchObject({
      type: "version.created",
      data: { model: "hooked", version: "1.0.0", manifestDigest: uploaded.body.manifestDigest, createdBy: { type: "bootstrap" } },
    });

    const finished = await waitFor(ofType("checks.finished"), 120_000);
    const checks = verify(hook.secret, finished) as Json;
    expect(checks.data).toMatchObject({ model: "hooked", version: "1.0.0", manifestDigest: uploaded.body.manifestDigest, status: expect.stringMatching(/^(checked|failed)$/) });
    expect(Object.keys(checks.data.verdicts).sort()).toEqual(["adversarial", "fairness", "security", "validation"]);
    const version = await api(app, "GET", "/api/v1/models/hooked/versions/1.0.0");
    expect(checks.data.status).toBe(version.body.status);
    expect(receiver.received.filter((r) => JSON.parse(r.body).type === "checks.finished")).toHaveLength(1);

    const log = await api(app, "GET", `/api/v1/webhooks/${hook.id}/deliveries?limit=10`);
    expect(log.status).toBe(200);
    expect(log.body.items.map((d: Json) => d.eventType)).toEqual(["checks.finished", "version.created"]);
    for (const d of log.body.items) {
      expect(d).toMatchObject({ status: "delivered", lastStatusCode: 200, attempts: 1, lastError: null, messageId: expect.stringMatching(/^msg_/), createdAt: expect.any(String) });
      expect(d.lastLatencyMs).toBeGreaterThanOrEqual(0);
      expect(d.attemptLog).toHaveLength(1);
      expect(d.body).toBeUndefined();
    }
    expect(log.body.items[1].messageId).toBe(created.headers["webhook-id"]);
    // Paging.
    const first = await api(app, "GET", `/api/v1/webhooks/${hook.id}/deliveries?limit=1`);
    expect(first.body.items).toHaveLength(1);
    const second = await api(app, "GET", `/api/v1/webhooks/${hook.id}/deliveries?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).toBe(log.body.items[1].id);
  }, 180_000);

  it("redelivers the same message: 202, the same webhook-id and body arrive again", async () => {
    const log = await api(app, "GET", `/api/v1/webhooks/${hook.id}/deliveries`);
    const target = log.body.items.find((d: Json) => d.eventType === "version.created");
    const before = receiver.received.filter((r) => r.headers["webhook-id"] === target.messageId);
    expect(before).toHaveLength(1);
    const res = await api(app, "POST", `/api/v1/webhooks/${hook.id}/deliveries/${target.id}/redeliver`);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ id: target.id, status: "pending", messageId: target.messageId });
    const again = await waitFor(() => receiver.received.filter((r) => r.headers["webhook-id"] === target.messageId)[1], 15_000);
    expect(again.body).toBe(before[0]!.body);
    expect(verify(hook.secret, again)).toBeTruthy();
    expect((await api(app, "POST", `/api/v1/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`)).status).toBe(404);
    expect((await api(app, "GET", "/api/v1/webhooks/00000000-0000-4000-8000-000000000000/deliveries")).status).toBe(404);
  });

  it("rotates the secret: the new secret once; deliveries then carry both signatures", async () => {
    const res = await api(app, "POST", `/api/v1/webhooks/${hook.id}/rotate-secret`, { overlapSeconds: 600 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.secret).not.toBe(hook.secret);
    expect(res.body.previousSecretUntil).not.toBeNull();
    expect((await api(app, "POST", `/api/v1/webhooks/${hook.id}/rotate-secret`, { overlapSeconds: -1 })).status).toBe(422);

    const env = sampleEnvelope("hooked", "1.0.1", { artifactSize: 2048 });
    expect((await api(app, "POST", "/api/v1/models/hooked/versions", envelopeForm(env.manifest, env.files))).status).toBe(201);
    const got = await waitFor(() => receiver.received.find((r) => JSON.parse(r.body).data?.version === "1.0.1"), 15_000);
    expect(String(got.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verify(res.body.secret, got)).toBeTruthy();
    expect(verify(hook.secret, got)).toBeTruthy();
  });

  it("deletes a webhook: gone from the list, nothing new is sent, its log stays, and it cannot be redelivered", async () => {
    const log = await api(app, "GET", `/api/v1/webhooks/${hook.id}/deliveries`);
    const res = await api(app, "DELETE", `/api/v1/webhooks/${hook.id}`);
    expect(res.status).toBe(200);
    expect(res.body.deletedAt).not.toBeNull();
    expect((await api(app, "GET", "/api/v1/webhooks")).body.items).toEqual([]);
    const count = receiver.received.length;
    const env = sampleEnvelope("hooked", "1.0.2", { artifactSize: 2048 });
    expect((await api(app, "POST", "/api/v1/models/hooked/versions", envelopeForm(env.manifest, env.files))).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.slice(count).filter((r) => JSON.parse(r.body).type === "version.created")).toHaveLength(0);
    const after = await api(app, "GET", `/api/v1/webhooks/${hook.id}/deliveries?limit=200`);
    expect(after.status).toBe(200);
    const created = (page: Json) => page.body.items.filter((d: Json) => d.eventType === "version.created").map((d: Json) => d.id);
    expect(created(after)).toEqual(created(log));
    expect((await api(app, "POST", `/api/v1/webhooks/${hook.id}/deliveries/${log.body.items[0].id}/redeliver`)).status).toBe(404);
    expect((await api(app, "POST", `/api/v1/webhooks/${hook.id}/rotate-secret`, {})).status).toBe(404);
    const audit = await api(app, "GET", `/api/v1/audit?action=webhook.deleted&limit=5`);
    expect(audit.body.items).toHaveLength(1);
  });
});
