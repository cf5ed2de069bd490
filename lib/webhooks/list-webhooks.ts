// The active webhooks, newest first (deleted ones keep their delivery log but are not listed).
import { assertAllowed } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import type { Tx } from "../db/types.ts";
import { timeCursorWhere, timePage, type Page } from "../http/pagination.ts";
import { toWebhookView, type WebhookView } from "./views.ts";

export async function listWebhooks(db: Tx, { actor, limit, cursor }: { actor: Actor; limit: number; cursor?: string }): Promise<Page<WebhookView>> {
  assertAllowed(actor, "webhooks.manage");
  const rows = await db.webhook.findMany({
    where: { deletedAt: null, ...timeCursorWhere(cursor) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    omit: { secretEncrypted: true, previousSecretEncrypted: true },
  });
  const now = new Date();
  return timePage(rows, limit, (row) => toWebhookView(row, now));
}
