// The embedded default runs on PGlite, not a Postgres server: the outbox insert, the SKIP LOCKED
// claim and the attempt bookkeeping must work there too.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseConfig } from "../../config/index.ts";
import { createTestDatabase, type TestDatabase } from "../../testing/db.ts";
import { createWebhook } from "../create-webhook.ts";
import { dispatchDueDeliveries } from "../dispatch-deliveries.ts";
import { enqueueWebhookEvent } from "../enqueue.ts";
import { openSecretBox } from "../secret-box.ts";
import { startReceiver, type Receiver } from "../testing/receiver.ts";

let db: TestDatabase;
let receiver: Receiver;
let dataDir: string;

beforeAll(async () => {
  [db, receiver] = await Promise.all([createTestDatabase({ mode: "pglite" }), startReceiver()]);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "webhooks-pglite-"));
});

afterAll(async () => {
  await receiver?.close();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

it("enqueues, claims, sends and records on the embedded PGlite", async () => {
  const config = parseConfig({ DATA_DIR: dataDir, WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_ENCRYPTION_KEY: randomBytes(32).toString("hex") });
  const admin = { type: "bootstrap" as const, id: "bootstrap", email: "bootstrap@localhost", role: "admin" as const, scopes: ["read" as const, "admin" as const] };
  const { webhook, secret } = await createWebhook({ prisma: db.prisma, config }, { actor: admin, url: `${receiver.url}/hook`, events: ["checks.finished"] });
  await db.prisma.$transaction((tx) => enqueueWebhookEvent(tx, { type: "checks.finished", data: { model: "m" } }));
  const options = { allowPrivate: true, timeoutMs: 2000, maxAttempts: 2, retryBaseMs: 10, retryMaxMs: 10 };
  expect(await dispatchDueDeliveries({ prisma: db.prisma, box: openSecretBox(config) }, options)).toBe(1);
  expect(await dispatchDueDeliveries({ prisma: db.prisma, box: openSecretBox(config) }, options)).toBe(0);
  expect(receiver.received).toHaveLength(1);
  expect(new Webhook(secret).verify(receiver.received[0]!.body, receiver.received[0]!.headers as Record<string, string>)).toMatchObject({ type: "checks.finished" });
  const [delivery] = await db.prisma.webhookDelivery.findMany({ where: { webhookId: webhook.id }, include: { attemptLog: true } });
  expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200 });
  expect(delivery!.attemptLog).toHaveLength(1);
});
