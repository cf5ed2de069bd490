// Rotating a webhook's secret: the new secret signs from now on; the previous one signs too until
// the overlap ends, so a receiver can switch without dropping a message. Only two secrets are kept:
// rotating again during an overlap drops the oldest.
import { recordAuditEvent } from "../audit/record-event.ts";
import { assertAllowed } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import { notFound } from "../errors/app-error.ts";
import type { WebhookDeps } from "./deps.ts";
import { openSecretBox } from "./secret-box.ts";
import { generateWebhookSecret } from "./sign.ts";
import { DEFAULT_OVERLAP_SECONDS, toWebhookView, type WebhookView } from "./views.ts";

export async function rotateWebhookSecret(
  deps: WebhookDeps,
  { actor, id, overlapSeconds = DEFAULT_OVERLAP_SECONDS }: { actor: Actor; id: string; overlapSeconds?: number },
): Promise<{ webhook: WebhookView; secret: string }> {
  assertAllowed(actor, "webhooks.manage");
  const box = openSecretBox(deps.config);
  const secret = generateWebhookSecret();
  return deps.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ secretEncrypted: string }[]>`
      SELECT "secretEncrypted" FROM "Webhook" WHERE "id" = ${id}::uuid AND "deletedAt" IS NULL FOR UPDATE`;
    const current = rows[0];
    if (!current) throw notFound("webhook_not_found", `no webhook with id '${id}'`);
    const until = overlapSeconds > 0 ? new Date(Date.now() + overlapSeconds * 1000) : null;
    const row = await tx.webhook.update({
      where: { id },
      data: {
        secretEncrypted: box.seal(secret, id),
        previousSecretEncrypted: until ? current.secretEncrypted : null,
        previousSecretUntil: until,
      },
      omit: { secretEncrypted: true, previousSecretEncrypted: true },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "webhook.secret_rotated",
      subject: { type: "webhook", id },
      payload: { overlapSeconds, previousSecretUntil: until?.toISOString() ?? null },
    });
    return { webhook: toWebhookView(row), secret };
  });
}
