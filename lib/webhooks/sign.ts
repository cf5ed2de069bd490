// Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
// `${webhook-id}.${webhook-timestamp}.${body}` with the base64-decoded `whsec_` secret, sent as
// `v1,<base64>`. The reference implementation (the `standardwebhooks` package) computes it, so what
// receivers verify with is exactly what we sign with.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

const SECRET_PREFIX = "whsec_";

/** A new signing secret: `whsec_` + base64 of 32 random bytes (the spec asks for 24–64). */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

export type SignedHeaders = { "webhook-id": string; "webhook-timestamp": string; "webhook-signature": string };

/**
 * The three Standard Webhooks headers for one attempt. With several secrets (a rotation's overlap)
 * the signature header carries one signature per secret, space-separated, as the spec allows:
 * receivers accept the message if any of them verifies.
 */
export function signWebhookMessage({ messageId, body, secrets, at = new Date() }: { messageId: string; body: string; secrets: readonly string[]; at?: Date }): SignedHeaders {
  if (!secrets.length) throw new Error("no secret to sign with");
  const timestamp = new Date(Math.floor(at.getTime() / 1000) * 1000);
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(timestamp.getTime() / 1000),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body)).join(" "),
  };
}
