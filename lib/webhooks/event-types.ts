// The events the registry sends to webhooks. docs/webhooks.md describes each one's `data`.
import { z } from "zod";

export const webhookEventTypes = [
  "version.created",
  "checks.finished",
  "promotion.requested",
  "promotion.approved",
  "promotion.rejected",
  "promotion.promoted",
  "promotion.cancelled",
  "rollback",
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

export const webhookEventTypeSchema = z.enum(webhookEventTypes);
