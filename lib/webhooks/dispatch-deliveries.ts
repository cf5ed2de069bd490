// One pass of the dispatcher: claim the deliveries that are due, send each once, record the attempt.
//
// Claiming is one UPDATE over a `FOR UPDATE SKIP LOCKED` selection, so any number of dispatchers (the
// web server's, each `npm run worker`'s) take disjoint sets without waiting on each other. A claim
// does not keep a transaction open during the HTTP call: it gives the row a lease (a fresh leaseId,
// and nextAttemptAt pushed past the longest an attempt can take). If the process dies mid-attempt
// the lease simply runs out and another dispatcher retries; only the holder of the current lease
// may record an outcome, so a late answer can never overwrite a newer attempt's.
import { randomUUID } from "node:crypto";
import type { Db } from "../db/types.ts";
import { postWebhookMessage, type PostOutcome } from "./post.ts";
import type { SecretBox } from "./secret-box.ts";
import { signWebhookMessage } from "./sign.ts";
import { BlockedUrlError, checkWebhookUrl, type AddressPolicy, type Resolver } from "./url-guard.ts";

export type DispatchOptions = {
  allowPrivate: boolean;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  batchSize?: number;
  maxResponseBytes?: number;
  /** Tests: a fake resolver / address policy for the SSRF guard. */
  resolve?: Resolver;
  policy?: AddressPolicy;
};

export type DispatchDeps = { prisma: Db; box: SecretBox };

type Claimed = {
  id: string;
  messageId: string;
  body: string;
  attempts: number;
  url: string;
  webhookId: string;
  secretEncrypted: string;
  previousSecretEncrypted: string | null;
  previousSecretUntil: Date | null;
};

/** The wait before retry number `attempt` (1 = after the first failure): base · 2^(attempt−1), at most max. */
export function retryDelayMs(attempt: number, { retryBaseMs, retryMaxMs }: { retryBaseMs: number; retryMaxMs: number }): number {
  return Math.min(retryMaxMs, retryBaseMs * 2 ** Math.max(0, Math.min(attempt - 1, 40)));
}

/** Sends the due deliveries (up to batchSize, concurrently); returns how many it claimed. */
export async function dispatchDueDeliveries(deps: DispatchDeps, options: DispatchOptions): Promise<number> {
  const batchSize = options.batchSize ?? 10;
  const leaseId = randomUUID();
  // Resolution and the request each get timeoutMs; the margin covers the bookkeeping.
  const leaseMs = 2 * options.timeoutMs + 30_000;
  const claimed = await deps.prisma.$queryRaw<Claimed[]>`
    UPDATE "WebhookDelivery" d
    SET "leaseId" = ${leaseId}::uuid,
        "attempts" = d."attempts" + 1,
        "lastAttemptAt" = now(),
        "nextAttemptAt" = now() + ${leaseMs} * interval '1 millisecond'
    FROM "Webhook" w
    WHERE w."id" = d."webhookId"
      AND d."id" IN (
        SELECT due."id" FROM "WebhookDelivery" due
        JOIN "Webhook" hook ON hook."id" = due."webhookId"
        WHERE due."status" = 'pending' AND due."nextAttemptAt" <= now() AND hook."deletedAt" IS NULL
        ORDER BY due."nextAttemptAt"
        LIMIT ${batchSize}
        FOR UPDATE OF due SKIP LOCKED)
    RETURNING d."id", d."messageId", d."body", d."attempts", w."url", w."id" AS "webhookId",
              w."secretEncrypted", w."previousSecretEncrypted", w."previousSecretUntil"`;
  await Promise.all(claimed.map((delivery) => attemptDelivery(deps, options, delivery, leaseId)));
  return claimed.length;
}

async function attemptDelivery(deps: DispatchDeps, options: DispatchOptions, delivery: Claimed, leaseId: string): Promise<void> {
  const outcome = await send(deps, options, delivery);
  const delivered = outcome.error === null;
  const gaveUp = !delivered && delivery.attempts >= options.maxAttempts;
  await deps.prisma.$transaction(async (tx) => {
    await tx.webhookDeliveryAttempt.create({
      data: { deliveryId: delivery.id, statusCode: outcome.statusCode, latencyMs: outcome.latencyMs, error: outcome.error },
    });
    await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, leaseId },
      data: {
        leaseId: null,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        lastLatencyMs: outcome.latencyMs,
        ...(delivered
          ? { status: "delivered", deliveredAt: new Date() }
          : gaveUp
            ? { status: "failed" }
            : { nextAttemptAt: new Date(Date.now() + retryDelayMs(delivery.attempts, options)) }),
      },
    });
  });
}

async function send(deps: DispatchDeps, options: DispatchOptions, delivery: Claimed): Promise<PostOutcome> {
  const started = performance.now();
  const failed = (error: string): PostOutcome => ({ statusCode: null, latencyMs: Math.round(performance.now() - started), error });
  let secrets: string[];
  try {
    secrets = [deps.box.open(delivery.secretEncrypted, delivery.webhookId)];
    // During a rotation's overlap the old secret signs too, so receivers can switch at their pace.
    if (delivery.previousSecretEncrypted && delivery.previousSecretUntil && delivery.previousSecretUntil.getTime() > Date.now())
      secrets.push(deps.box.open(delivery.previousSecretEncrypted, delivery.webhookId));
  } catch {
    return failed("the webhook's signing secret cannot be decrypted: was WEBHOOK_ENCRYPTION_KEY changed? Rotate the secret to make a new one");
  }
  let target;
  try {
    // Checked again at every attempt: what the host resolves to may have changed since creation.
    target = await withTimeout(checkWebhookUrl(delivery.url, { allowPrivate: options.allowPrivate, resolve: options.resolve, policy: options.policy }), options.timeoutMs);
  } catch (error) {
    if (error instanceof BlockedUrlError) return failed(`refused: ${error.message}`);
    return failed(error instanceof Error ? error.message : String(error));
  }
  const headers = signWebhookMessage({ messageId: delivery.messageId, body: delivery.body, secrets });
  try {
    return await postWebhookMessage(target, { headers, body: delivery.body, timeoutMs: options.timeoutMs, maxResponseBytes: options.maxResponseBytes });
  } catch (error) {
    // Node refuses some requests before sending (e.g. a URL it cannot put on the wire): a failed
    // attempt like any other, never an unrecorded one that would be claimed again forever.
    return failed(error instanceof Error ? error.message : String(error));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`resolving the host timed out after ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
