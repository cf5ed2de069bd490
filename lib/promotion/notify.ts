// The workflow's outbound events (webhooks), written in the caller's transaction like its audit events.
import type { Tx } from "../db/types.ts";

export type PromotionEventType = "promotion.requested" | "promotion.approved" | "promotion.rejected" | "promotion.promoted" | "promotion.cancelled" | "rollback";

export async function emitPromotionEvent(_tx: Tx, _type: PromotionEventType, _data: Record<string, unknown>): Promise<void> {
  // Wired to lib/webhooks' outbox (enqueueWebhookEvent) when that layer lands.
}
