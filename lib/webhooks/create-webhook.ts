// Registering a webhook: the URL passes the SSRF guard (resolved now; checked again at every
// delivery), a secret is generated and stored encrypted, and the secret is returned this once.
import { randomUUID } from "node:crypto";
import { recordAuditEvent } from "../audit/record-event.ts";
import { assertAllowed } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import type { WebhookDeps } from "./deps.ts";
import type { WebhookEventType } from "./event-types.ts";
import { openSecretBox } from "./secret-box.ts";
import { generateWebhookSecret } from "./sign.ts";
import { assertWebhookUrlAllowed } from "./url-guard.ts";
import { auditedUrl, toWebhookView, type WebhookView } from "./views.ts";

export type CreateWebhookOptions = { actor: Actor; url: string; events: WebhookEventType[]; description?: string };

export async function createWebhook(deps: WebhookDeps, { actor, url, events, description = "" }: CreateWebhookOptions): Promise<{ webhook: WebhookView; secret: string }> {
  assertAllowed(actor, "webhooks.manage");
  const checked = await assertWebhookUrlAllowed(url.trim(), { allowPrivate: deps.config.webhooks.allowPrivate, resolve: deps.resolve });
  const id = randomUUID();
  const secret = generateWebhookSecret();
  const box = openSecretBox(deps.config);
  const subscribed = [...new Set(events)];
  return deps.prisma.$transaction(async (tx) => {
    const row = await tx.webhook.create({
      data: {
        id,
        url: checked.url.href,
        events: subscribed,
        description: description.trim(),
        secretEncrypted: box.seal(secret, id),
        createdById: actor.type === "user" ? actor.id : null,
      },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "webhook.created",
      subject: { type: "webhook", id },
      payload: { url: auditedUrl(row.url), events: subscribed, description: row.description },
    });
    return { webhook: toWebhookView(row), secret };
  });
}
