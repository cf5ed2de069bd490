// What the API and the settings page show of webhooks and their deliveries. A view never carries a
// secret: the secret appears once, in the answer to create and to rotate.
import { createHash } from "node:crypto";
import { z } from "zod";
import { webhookEventTypes, webhookEventTypeSchema } from "./event-types.ts";

export const webhookViewSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(webhookEventTypeSchema),
    description: z.string(),
    createdById: z.string().nullable().describe("the user who created it; null when created with the bootstrap token"),
    createdAt: z.string(),
    deletedAt: z.string().nullable(),
    previousSecretUntil: z.string().nullable().describe("after a rotation: until when the previous secret still signs too (null when it no longer does)"),
  })
  .meta({ id: "Webhook" });
export type WebhookView = z.infer<typeof webhookViewSchema>;

export const webhookAttemptSchema = z.object({
  at: z.string(),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  error: z.string().nullable(),
});

export const webhookDeliveryViewSchema = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    messageId: z.string().describe("the webhook-id header: the same for every attempt and redelivery"),
    eventType: webhookEventTypeSchema,
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int().describe("attempts since the delivery was queued or last redelivered"),
    nextAttemptAt: z.string().nullable().describe("when a pending delivery is tried next"),
    lastAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastLatencyMs: z.number().int().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
    attemptLog: z.array(webhookAttemptSchema).describe("the latest attempts, newest first (at most 20)"),
  })
  .meta({ id: "WebhookDelivery" });
export type WebhookDeliveryView = z.infer<typeof webhookDeliveryViewSchema>;

export const createWebhookBody = z
  .strictObject({
    url: z.string().min(1).max(2048).describe("http(s) URL that receives POSTs; must resolve to public addresses unless WEBHOOK_ALLOW_PRIVATE=true"),
    events: z
      .array(webhookEventTypeSchema)
      .min(1, "choose at least one event")
      .max(webhookEventTypes.length)
      .describe("the event types to send"),
    description: z.string().max(500).optional(),
  })
  .meta({ id: "CreateWebhook" });

export const DEFAULT_OVERLAP_SECONDS = 24 * 3600;
export const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

export const rotateSecretBody = z
  .strictObject({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_OVERLAP_SECONDS)
      .optional()
      .describe(`how long the previous secret keeps signing too (both signatures are sent); default ${DEFAULT_OVERLAP_SECONDS} (24 h), 0 ends it at once`),
  })
  .meta({ id: "RotateWebhookSecret" });

type WebhookRow = {
  id: string;
  url: string;
  events: string[];
  description: string;
  createdById: string | null;
  createdAt: Date;
  deletedAt: Date | null;
  previousSecretUntil: Date | null;
};

export function toWebhookView(w: WebhookRow, now = new Date()): WebhookView {
  return {
    id: w.id,
    url: w.url,
    events: w.events.filter((e): e is WebhookView["events"][number] => (webhookEventTypes as readonly string[]).includes(e)),
    description: w.description,
    createdById: w.createdById,
    createdAt: w.createdAt.toISOString(),
    deletedAt: w.deletedAt?.toISOString() ?? null,
    previousSecretUntil: w.previousSecretUntil && w.previousSecretUntil > now ? w.previousSecretUntil.toISOString() : null,
  };
}

type DeliveryRow = {
  id: string;
  webhookId: string;
  messageId: string;
  eventType: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  createdAt: Date;
  deliveredAt: Date | null;
  attemptLog?: { at: Date; statusCode: number | null; latencyMs: number; error: string | null }[];
};

export function toDeliveryView(d: DeliveryRow): WebhookDeliveryView {
  return {
    id: d.id,
    webhookId: d.webhookId,
    messageId: d.messageId,
    eventType: d.eventType as WebhookDeliveryView["eventType"],
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    lastLatencyMs: d.lastLatencyMs,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    attemptLog: (d.attemptLog ?? []).map((a) => ({ at: a.at.toISOString(), statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error })),
  };
}

/** For the audit log: the URL's origin and a digest, since paths and queries of webhook URLs often hold tokens. */
export function auditedUrl(url: string): { origin: string; sha256: string } {
  let origin = "";
  try {
    origin = new URL(url).origin;
  } catch {
    // stored URLs were checked at creation; keep the digest only otherwise
  }
  return { origin, sha256: createHash("sha256").update(url).digest("hex") };
}
