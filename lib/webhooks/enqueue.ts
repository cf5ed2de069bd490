// The outbox: an event becomes one delivery row per webhook subscribed to it, inserted in the
// caller's transaction. If the change being reported rolls back, so do its deliveries (nothing is
// ever sent about something that did not happen); once it commits, they are durable and the
// dispatcher sends them, however often it or the process restarts.
import { randomBytes } from "node:crypto";
import type { Tx } from "../db/types.ts";
import type { WebhookEventType } from "./event-types.ts";

export type WebhookEvent = { type: WebhookEventType; data: Record<string, unknown> };

/**
 * Queues `event` for every active webhook subscribed to its type. The message id and the JSON body
 * `{type, timestamp, data}` are fixed here: every attempt and redelivery sends the same bytes under
 * the same `webhook-id` (receivers deduplicate on it); only the signature's timestamp is per attempt.
 * One statement (an indexed INSERT … SELECT), so an event with no subscriber costs next to nothing.
 */
export async function enqueueWebhookEvent(tx: Tx, event: WebhookEvent): Promise<void> {
  const messageId = `msg_${randomBytes(18).toString("base64url")}`;
  const body = JSON.stringify({ type: event.type, timestamp: new Date().toISOString(), data: event.data });
  await tx.$executeRaw`
    INSERT INTO "WebhookDelivery" ("id", "webhookId", "messageId", "eventType", "body")
    SELECT gen_random_uuid(), w."id", ${messageId}, ${event.type}, ${body}
    FROM "Webhook" w
    WHERE w."events" @> ARRAY[${event.type}]::text[] AND w."deletedAt" IS NULL`;
}
