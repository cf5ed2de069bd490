// Redelivery queues the same message again: same webhook-id, same body (receivers deduplicate on the
// id), with a fresh attempt budget; each attempt gets a new timestamp and signature. The attempts
// already made stay in the log.
import { recordAuditEvent } from "../audit/record-event.ts";
import { assertAllowed } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import type { Db } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import { toDeliveryView, type WebhookDeliveryView } from "./views.ts";

export async function redeliverWebhookDelivery(
  db: Db,
  { actor, webhookId, deliveryId }: { actor: Actor; webhookId: string; deliveryId: string },
): Promise<WebhookDeliveryView> {
  assertAllowed(actor, "webhooks.manage");
  return db.$transaction(async (tx) => {
    const webhook = await tx.webhook.findFirst({ where: { id: webhookId, deletedAt: null }, select: { id: true } });
    if (!webhook) throw notFound("webhook_not_found", `no webhook with id '${webhookId}'`);
    const existing = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, webhookId }, select: { id: true, messageId: true, eventType: true, status: true } });
    if (!existing) throw notFound("delivery_not_found", `webhook '${webhookId}' has no delivery '${deliveryId}'`);
    // leaseId cleared: an attempt still in flight may no longer record its outcome over this one.
    const row = await tx.webhookDelivery.update({
      where: { id: deliveryId },
      data: { status: "pending", attempts: 0, nextAttemptAt: new Date(), leaseId: null, deliveredAt: null },
      omit: { body: true },
      include: { attemptLog: { orderBy: [{ at: "desc" }, { id: "desc" }], take: 20 } },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "webhook.redelivery_requested",
      subject: { type: "webhook", id: webhookId },
      payload: { deliveryId, messageId: existing.messageId, eventType: existing.eventType, previousStatus: existing.status },
    });
    return toDeliveryView(row);
  });
}
