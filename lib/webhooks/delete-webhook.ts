// Deleting a webhook is a soft delete: it gets no new deliveries, its pending ones are closed as
// failed, and its delivery log stays readable.
import { recordAuditEvent } from "../audit/record-event.ts";
import { assertAllowed } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import type { Db } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import { auditedUrl, toWebhookView, type WebhookView } from "./views.ts";

export async function deleteWebhook(db: Db, { actor, id }: { actor: Actor; id: string }): Promise<WebhookView> {
  assertAllowed(actor, "webhooks.manage");
  return db.$transaction(async (tx) => {
    const existing = await tx.webhook.findUnique({ where: { id }, omit: { secretEncrypted: true, previousSecretEncrypted: true } });
    if (!existing) throw notFound("webhook_not_found", `no webhook with id '${id}'`);
    if (existing.deletedAt) return toWebhookView(existing);
    // An event enqueued concurrently may still add a pending row after this; the dispatcher never
    // claims deliveries of a deleted webhook, so it is not sent either.
    const row = await tx.webhook.update({ where: { id }, data: { deletedAt: new Date() }, omit: { secretEncrypted: true, previousSecretEncrypted: true } });
    const closed = await tx.webhookDelivery.updateMany({
      where: { webhookId: id, status: "pending" },
      data: { status: "failed", lastError: "not sent: the webhook was deleted", leaseId: null },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "webhook.deleted",
      subject: { type: "webhook", id },
      payload: { url: auditedUrl(row.url), events: row.events, pendingDeliveriesClosed: closed.count },
    });
    return toWebhookView(row);
  });
}
