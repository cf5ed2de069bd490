// The workflow's outbound events (webhooks), written in the caller's transaction like its audit events.
import type { Tx } from "../db/types.ts";
import { enqueueWebhookEvent } from "../webhooks/enqueue.ts";

export type PromotionEventType = "promotion.requested" | "promotion.approved" | "promotion.rejected" | "promotion.promoted" | "promotion.cancelled" | "rollback";

/** Queues the event for the webhooks subscribed to it (lib/webhooks' outbox): it commits or rolls back with the workflow's change. */
export async function emitPromotionEvent(tx: Tx, type: PromotionEventType, data: Record<string, unknown>): Promise<void> {
  await enqueueWebhookEvent(tx, { type, data });
}
