// A webhook's delivery log, newest first, each with its latest attempts. Readable for deleted
// webhooks too: that is why they are only soft-deleted.
import { assertAllowed } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import type { Tx } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import { timeCursorWhere, timePage, type Page } from "../http/pagination.ts";
import { toDeliveryView, type WebhookDeliveryView } from "./views.ts";

export async function listWebhookDeliveries(
  db: Tx,
  { actor, webhookId, limit, cursor }: { actor: Actor; webhookId: string; limit: number; cursor?: string },
): Promise<Page<WebhookDeliveryView>> {
  assertAllowed(actor, "webhooks.manage");
  const webhook = await db.webhook.findUnique({ where: { id: webhookId }, select: { id: true } });
  if (!webhook) throw notFound("webhook_not_found", `no webhook with id '${webhookId}'`);
  const rows = await db.webhookDelivery.findMany({
    where: { webhookId, ...timeCursorWhere(cursor) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    omit: { body: true },
    include: { attemptLog: { orderBy: [{ at: "desc" }, { id: "desc" }], take: 20 } },
  });
  return timePage(rows, limit, toDeliveryView);
}
