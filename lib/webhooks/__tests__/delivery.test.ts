// Webhook delivery end to end against real Postgres and a real HTTP receiver on loopback (the
// dispatcher is told private targets are allowed, except in the SSRF cases): what a receiver gets and
// verifies, the outbox's transactional promise, retries and give-up, redelivery, deletion, rotation,
// secrets at rest, and the SSRF guard at delivery time (DNS rebinding, redirects).
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../auth/roles.ts";
import { parseConfig, type Config } from "../../config/index.ts";
import { createTestDatabase, type TestDatabase } from "../../testing/db.ts";
import { createWebhook } from "../create-webhook.ts";
import { deleteWebhook } from "../delete-webhook.ts";
import { dispatchDueDeliveries, retryDelayMs, type DispatchOptions } from "../dispatch-deliveries.ts";
import { enqueueWebhookEvent } from "../enqueue.ts";
import { listWebhookDeliveries } from "../list-webhook-deliveries.ts";
import { redeliverWebhookDelivery } from "../redeliver-webhook-delivery.ts";
import { rotateWebhookSecret } from "../rotate-webhook-secret.ts";
import { openSecretBox } from "../secret-box.ts";
import { startWebhookDispatcher } from "../start-dispatcher.ts";
import { startReceiver, type Receiver } from "../testing/receiver.ts";
import type { Resolver } from "../url-guard.ts";
import type { WebhookEventType } from "../event-types.ts";
import { emitPromotionEvent } from "../../promotion/notify.ts";

const admin: Actor = { type: "bootstrap", id: "bootstrap", email: "bootstrap@localhost", role: "admin", scopes: ["read", "write", "review", "admin"] };

let db: TestDatabase;
let dataDir: string;
let config: Config;
let receiver: Receiver;
const options: DispatchOptions = { allowPrivate: true, timeoutMs: 2000, maxAttempts: 3, retryBaseMs: 100, retryMaxMs: 250 };

const deps = () => ({ prisma: db.prisma, config });
const dispatch = (extra: Partial<DispatchOptions> = {}) => dispatchDueDeliveries({ prisma: db.prisma, box: openSecretBox(config) }, { ...options, ...extra });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function hook(events: WebhookEventType[] = ["version.created"], url = `${receiver.url}/hook`) {
  return createWebhook(deps(), { actor: admin, url, events, description: "test" });
}

async function emit(type: WebhookEventType = "version.created", data: Record<string, unknown> = { model: "m", version: "1.0.0" }) {
  await db.prisma.$transaction((tx) => enqueueWebhookEvent(tx, { type, data }));
}

async function deliveriesOf(webhookId: string) {
  return db.prisma.webhookDelivery.findMany({ where: { webhookId }, include: { attemptLog: { orderBy: { at: "asc" } } }, orderBy: { createdAt: "asc" } });
}

/** Dispatches until no delivery of `webhookId` is pending (or the time is up). */
async function settle(webhookId: string, extra: Partial<DispatchOptions> = {}, limitMs = 10_000) {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    await dispatch(extra);
    if (!(await db.prisma.webhookDelivery.count({ where: { webhookId, status: "pending" } }))) return deliveriesOf(webhookId);
    await sleep(25);
  }
  throw new Error("deliveries still pending");
}

function hmac(secret: string, id: string, ts: string, body: string) {
  return createHmac("sha256", Buffer.from(secret.slice("whsec_".length), "base64")).update(`${id}.${ts}.${body}`).digest("base64");
}

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "webhooks-"));
  config = parseConfig({ DATA_DIR: dataDir, WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  receiver.received.length = 0;
  receiver.respond = (_req, res) => res.end("ok");
  // Each test starts with no active webhook, so no other test's deliveries interfere.
  await db.prisma.webhookDelivery.updateMany({ where: { status: "pending" }, data: { status: "failed" } });
  await db.prisma.webhook.updateMany({ where: { deletedAt: null }, data: { deletedAt: new Date() } });
});

describe("webhook delivery", () => {
  it("POSTs the event signed per Standard Webhooks: Webhook.verify and an independent HMAC both accept it", async () => {
    const { webhook, secret } = await hook(["version.created", "checks.finished"]);
    await emit("version.created", { model: "credit", version: "1.2.3" });
    const [delivery] = await settle(webhook.id);
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.method).toBe("POST");
    expect(got.path).toBe("/hook");
    expect(got.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(got.body);
    expect(body).toEqual({ type: "version.created", timestamp: expect.any(String), data: { model: "credit", version: "1.2.3" } });
    expect(Math.abs(Date.parse(body.timestamp) - Date.now())).toBeLessThan(10_000);
    expect(got.body).toBe(delivery!.body);
    const headers = { "webhook-id": String(got.headers["webhook-id"]), "webhook-timestamp": String(got.headers["webhook-timestamp"]), "webhook-signature": String(got.headers["webhook-signature"]) };
    expect(headers["webhook-id"]).toMatch(/^msg_/);
    expect(headers["webhook-id"]).toBe(delivery!.messageId);
    expect(new Webhook(secret).verify(got.body, headers)).toEqual(body);
    expect(headers["webhook-signature"]).toBe(`v1,${hmac(secret, headers["webhook-id"], headers["webhook-timestamp"], got.body)}`);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200, lastError: null, leaseId: null });
    expect(delivery!.deliveredAt).toBeInstanceOf(Date);
    expect(delivery!.attemptLog).toHaveLength(1);
    expect(delivery!.attemptLog[0]).toMatchObject({ statusCode: 200, error: null });
  });

  it("sends only the event types a webhook subscribed to", async () => {
    const { webhook } = await hook(["checks.finished"]);
    await emit("version.created");
    await emit("rollback");
    expect(await deliveriesOf(webhook.id)).toHaveLength(0);
    await emit("checks.finished");
    expect((await deliveriesOf(webhook.id)).map((d) => d.eventType)).toEqual(["checks.finished"]);
  });

  it("promotion events from the workflow reach the webhooks subscribed to them", async () => {
    const { webhook } = await hook(["promotion.promoted", "rollback"]);
    await db.prisma.$transaction(async (tx) => {
      await emitPromotionEvent(tx, "promotion.promoted", { model: "m", version: "1.0.0", stage: "prod" });
      await emitPromotionEvent(tx, "promotion.requested", { model: "m" });
      await emitPromotionEvent(tx, "rollback", { model: "m", stage: "prod", from: "1.0.0", to: "0.9.0" });
    });
    await settle(webhook.id);
    expect(receiver.received.map((r) => JSON.parse(r.body).type).sort()).toEqual(["promotion.promoted", "rollback"]);
  });

  it("outbox: an event enqueued in a transaction that rolls back is never delivered", async () => {
    const { webhook } = await hook();
    await expect(
      db.prisma.$transaction(async (tx) => {
        await enqueueWebhookEvent(tx, { type: "version.created", data: { model: "ghost" } });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await deliveriesOf(webhook.id)).toHaveLength(0);
    await dispatch();
    expect(receiver.received).toHaveLength(0);
  });

  it("retries a 500 with exponential backoff, the same message each time, then succeeds", async () => {
    const { webhook, secret } = await hook();
    let calls = 0;
    receiver.respond = (_req, res) => {
      calls++;
      res.statusCode = calls <= 2 ? 500 : 204;
      res.end(calls <= 2 ? "boom" : "");
    };
    await emit();
    expect(await dispatch()).toBe(1);
    let [d] = await deliveriesOf(webhook.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, lastError: expect.stringContaining("500") });
    const firstWait = d!.nextAttemptAt.getTime() - d!.attemptLog[0]!.at.getTime();
    expect(firstWait).toBeGreaterThanOrEqual(60);
    expect(firstWait).toBeLessThan(400);
    // Not due yet: nothing is claimed.
    expect(await dispatch()).toBe(0);
    await sleep(150);
    expect(await dispatch()).toBe(1);
    [d] = await deliveriesOf(webhook.id);
    const secondWait = d!.nextAttemptAt.getTime() - d!.attemptLog[1]!.at.getTime();
    expect(secondWait).toBeGreaterThan(firstWait + 40); // doubled (100 → 200 ms)
    [d] = await settle(webhook.id);
    expect(d).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 204 });
    expect(d!.attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 204]);
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    for (const r of receiver.received) expect(() => new Webhook(secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
  });

  it("computes the backoff as base · 2^n, capped", () => {
    const schedule = { retryBaseMs: 5000, retryMaxMs: 3_600_000 };
    expect([1, 2, 3, 4, 10, 11, 50].map((n) => retryDelayMs(n, schedule))).toEqual([5000, 10_000, 20_000, 40_000, 2_560_000, 3_600_000, 3_600_000]);
  });

  it("gives up after the last attempt: failed, and not tried again", async () => {
    const { webhook } = await hook();
    receiver.respond = (_req, res) => {
      res.statusCode = 503;
      res.end();
    };
    await emit();
    const [d] = await settle(webhook.id);
    expect(d).toMatchObject({ status: "failed", attempts: 3, lastStatusCode: 503 });
    expect(d!.attemptLog).toHaveLength(3);
    await sleep(300);
    expect(await dispatch()).toBe(0);
    expect(receiver.received).toHaveLength(3);
  });

  it("redelivers the same message (id and body) on request, keeping the earlier attempts in the log; audited", async () => {
    const { webhook, secret } = await hook();
    receiver.respond = (_req, res) => {
      res.statusCode = 500;
      res.end();
    };
    await emit();
    const [failed] = await settle(webhook.id);
    expect(failed!.status).toBe("failed");
    receiver.respond = (_req, res) => res.end("ok");
    const view = await redeliverWebhookDelivery(db.prisma, { actor: admin, webhookId: webhook.id, deliveryId: failed!.id });
    expect(view).toMatchObject({ status: "pending", attempts: 0, messageId: failed!.messageId });
    const [again] = await settle(webhook.id);
    expect(again).toMatchObject({ status: "delivered", attempts: 1, messageId: failed!.messageId, body: failed!.body });
    expect(again!.attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 500, 200]);
    const last = receiver.received.at(-1)!;
    expect(last.headers["webhook-id"]).toBe(failed!.messageId);
    expect(last.body).toBe(failed!.body);
    expect(new Webhook(secret).verify(last.body, last.headers as Record<string, string>)).toBeTruthy();
    const audit = await db.prisma.auditEvent.findFirst({ where: { action: "webhook.redelivery_requested", subjectId: webhook.id } });
    expect(audit?.payload).toMatchObject({ deliveryId: failed!.id, messageId: failed!.messageId, previousStatus: "failed" });
    // A delivered message can be sent again too (a receiver lost it).
    await redeliverWebhookDelivery(db.prisma, { actor: admin, webhookId: webhook.id, deliveryId: failed!.id });
    await settle(webhook.id);
    expect(receiver.received.filter((r) => r.headers["webhook-id"] === failed!.messageId)).toHaveLength(5);
  });

  it("a deleted webhook gets nothing new, its pending deliveries are closed unsent, and its log stays", async () => {
    const { webhook } = await hook();
    await emit();
    const [pending] = await deliveriesOf(webhook.id);
    expect(pending!.status).toBe("pending");
    await deleteWebhook(db.prisma, { actor: admin, id: webhook.id });
    await emit();
    await dispatch();
    expect(receiver.received).toHaveLength(0);
    const after = await deliveriesOf(webhook.id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ status: "failed", lastError: "not sent: the webhook was deleted" });
    const log = await listWebhookDeliveries(db.prisma, { actor: admin, webhookId: webhook.id, limit: 10 });
    expect(log.items).toHaveLength(1);
    await expect(redeliverWebhookDelivery(db.prisma, { actor: admin, webhookId: webhook.id, deliveryId: pending!.id })).rejects.toMatchObject({ code: "webhook_not_found" });
  });

  it("stores the secret encrypted: the column holds neither the secret nor its key bytes, and decrypts with the configured key only", async () => {
    const { webhook, secret } = await hook();
    const [row] = await db.prisma.$queryRaw<{ secretEncrypted: string }[]>`SELECT "secretEncrypted" FROM "Webhook" WHERE "id" = ${webhook.id}::uuid`;
    const stored = row!.secretEncrypted;
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice("whsec_".length));
    expect(stored).not.toContain(Buffer.from(secret.slice("whsec_".length), "base64").toString("hex"));
    expect(stored).toMatch(/^v1\./);
    expect(openSecretBox(config).open(stored, webhook.id)).toBe(secret);
    const other = parseConfig({ DATA_DIR: dataDir, WEBHOOK_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    expect(() => openSecretBox(other).open(stored, webhook.id)).toThrow();
    // Nor does the secret appear in the audit log.
    const audit = await db.prisma.auditEvent.findFirst({ where: { action: "webhook.created", subjectId: webhook.id } });
    expect(JSON.stringify(audit?.payload)).not.toContain(secret.slice("whsec_".length));
  });

  it("generates a key under DATA_DIR/keys when none is configured, and keeps it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "webhook-key-"));
    try {
      const embedded = parseConfig({ DATA_DIR: dir });
      const sealed = openSecretBox(embedded).seal("whsec_x", "id");
      expect(openSecretBox(parseConfig({ DATA_DIR: dir })).open(sealed, "id")).toBe("whsec_x");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rotation: both secrets sign during the overlap, each verifiable with its own secret; only the new one after", async () => {
    const { webhook, secret: oldSecret } = await hook();
    const rotated = await rotateWebhookSecret(deps(), { actor: admin, id: webhook.id, overlapSeconds: 3600 });
    expect(rotated.secret).not.toBe(oldSecret);
    expect(rotated.webhook.previousSecretUntil).not.toBeNull();
    await emit();
    await settle(webhook.id);
    const during = receiver.received.at(-1)!;
    const signatures = String(during.headers["webhook-signature"]).split(" ");
    expect(signatures).toHaveLength(2);
    const ts = String(during.headers["webhook-timestamp"]);
    const id = String(during.headers["webhook-id"]);
    expect(signatures).toEqual([`v1,${hmac(rotated.secret, id, ts, during.body)}`, `v1,${hmac(oldSecret, id, ts, during.body)}`]);
    expect(new Webhook(oldSecret).verify(during.body, during.headers as Record<string, string>)).toBeTruthy();
    expect(new Webhook(rotated.secret).verify(during.body, during.headers as Record<string, string>)).toBeTruthy();

    // The overlap ends.
    await db.prisma.webhook.update({ where: { id: webhook.id }, data: { previousSecretUntil: new Date(Date.now() - 1000) } });
    await emit();
    await settle(webhook.id);
    const after = receiver.received.at(-1)!;
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(new Webhook(rotated.secret).verify(after.body, after.headers as Record<string, string>)).toBeTruthy();
    expect(() => new Webhook(oldSecret).verify(after.body, after.headers as Record<string, string>)).toThrow();

    // overlapSeconds 0: the old secret stops at once.
    const immediate = await rotateWebhookSecret(deps(), { actor: admin, id: webhook.id, overlapSeconds: 0 });
    expect(immediate.webhook.previousSecretUntil).toBeNull();
    await emit();
    await settle(webhook.id);
    const last = receiver.received.at(-1)!;
    expect(String(last.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(new Webhook(immediate.secret).verify(last.body, last.headers as Record<string, string>)).toBeTruthy();
    const audits = await db.prisma.auditEvent.findMany({ where: { action: "webhook.secret_rotated", subjectId: webhook.id } });
    expect(audits).toHaveLength(2);
    expect(JSON.stringify(audits.map((a) => a.payload))).not.toContain(immediate.secret.slice(6));
  });

  it("several dispatchers at once send each delivery exactly once (SKIP LOCKED claims)", async () => {
    const { webhook } = await hook();
    receiver.respond = (_req, res) => setTimeout(() => res.end("ok"), 20);
    for (let i = 0; i < 24; i++) await emit("version.created", { i });
    const box = openSecretBox(config);
    await Promise.all([0, 1, 2].map(async () => {
      while ((await dispatchDueDeliveries({ prisma: db.prisma, box }, { ...options, batchSize: 4 })) > 0);
    }));
    const ids = receiver.received.map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(24);
    expect((await deliveriesOf(webhook.id)).every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
  });

  it("the dispatcher loop sends on its own and stops cleanly", async () => {
    const { webhook } = await hook();
    const dispatcher = startWebhookDispatcher({ prisma: db.prisma, config }, { ...options, pollMs: 50 });
    try {
      await emit();
      const until = Date.now() + 5000;
      while (receiver.received.length === 0 && Date.now() < until) await sleep(25);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await dispatcher.stop();
    }
    await sleep(50);
    expect((await deliveriesOf(webhook.id))[0]!.status).toBe("delivered");
    await emit();
    await sleep(200);
    expect(receiver.received).toHaveLength(1);
  });
});

describe("SSRF at delivery time", () => {
  it("refuses a loopback target when private targets are not allowed: nothing reaches the receiver", async () => {
    const { webhook } = await hook();
    await emit();
    const [d] = await settle(webhook.id, { allowPrivate: false });
    expect(receiver.received).toHaveLength(0);
    expect(d).toMatchObject({ status: "failed", lastStatusCode: null });
    expect(d!.lastError).toBe("refused: the URL resolves to a loopback address 127.0.0.1");
  });

  it("DNS rebinding: the connection goes to the address the guard checked, never to a later answer", async () => {
    // 127.0.0.2 plays the internal service the attacker's DNS switches to; the policy refuses it.
    const internal = await startReceiver({ host: "127.0.0.2", port: receiver.port }).catch(() => startReceiver({ host: "127.0.0.2" }));
    try {
      let lookups = 0;
      const rebinding: Resolver = async () => [{ address: lookups++ === 0 ? "127.0.0.1" : "127.0.0.2", family: 4 }];
      const policy = (address: string) => (address === "127.0.0.1" ? null : `resolves to an internal address ${address}`);
      const { webhook } = await createWebhook({ prisma: db.prisma, config, resolve: async () => [{ address: "127.0.0.1", family: 4 }] }, {
        actor: admin,
        url: `http://rebind.test:${receiver.port}/hook`,
        events: ["version.created"],
      });
      await emit();
      const [d] = await settle(webhook.id, { allowPrivate: false, resolve: rebinding, policy });
      expect(d!.status).toBe("delivered");
      expect(lookups).toBe(1); // the HTTP client did not resolve the name again
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.headers.host).toBe(`rebind.test:${receiver.port}`);
      expect(internal.received).toHaveLength(0);

      // The next attempt resolves again, gets the internal address, and is refused before connecting.
      await emit();
      const [, second] = await settle(webhook.id, { allowPrivate: false, resolve: rebinding, policy, maxAttempts: 1 });
      expect(second).toMatchObject({ status: "failed", lastError: "refused: the URL resolves to an internal address 127.0.0.2" });
      expect(internal.received).toHaveLength(0);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await internal.close();
    }
  });

  it("does not follow redirects: a 3xx is a failed attempt naming the Location", async () => {
    const { webhook } = await hook();
    receiver.respond = (req, res) => {
      res.statusCode = 302;
      res.setHeader("location", "http://169.254.169.254/latest/meta-data/");
      res.end();
    };
    await emit();
    const [d] = await settle(webhook.id, { maxAttempts: 1 });
    expect(d).toMatchObject({ status: "failed", lastStatusCode: 302 });
    expect(d!.lastError).toBe("redirect to http://169.254.169.254/latest/meta-data/ not followed: webhook URLs must answer directly");
    expect(receiver.received).toHaveLength(1);
  });

  it("gives up on a receiver that does not answer within the timeout", async () => {
    const { webhook } = await hook();
    receiver.respond = () => {
      // never answers
    };
    await emit();
    const started = Date.now();
    const [d] = await settle(webhook.id, { maxAttempts: 1, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(d).toMatchObject({ status: "failed", lastStatusCode: null });
    expect(d!.lastError).toMatch(/timed out after 300 ms/);
  });

  it("stops reading a huge answer at the size cap (the status decides)", async () => {
    const { webhook } = await hook();
    receiver.respond = (_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (res.write(chunk));
        res.once("drain", pump);
      };
      pump();
    };
    await emit();
    const [d] = await settle(webhook.id, { maxAttempts: 1, maxResponseBytes: 128 * 1024 });
    expect(d).toMatchObject({ status: "delivered", lastStatusCode: 200 });
    expect(d!.lastLatencyMs).toBeLessThan(2000);
  });
});
