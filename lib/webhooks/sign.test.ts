// Signatures as a receiver checks them: with the standardwebhooks package's Webhook.verify, and
// with an independent HMAC computed with node:crypto from the spec's definition.
import { createHmac, timingSafeEqual } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, signWebhookMessage } from "./sign.ts";
import { secretBoxFor } from "./secret-box.ts";
import { randomBytes } from "node:crypto";

/** The spec's definition, independent of the package: base64(HMAC-SHA256(base64decode(secret sans whsec_), "id.ts.body")). */
function expectedSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
}

const body = JSON.stringify({ type: "version.created", timestamp: "2026-12-02T12:00:00.000Z", data: { model: "m", version: "1.0.0" } });

describe("Standard Webhooks signing", () => {
  it("makes whsec_ secrets of 32 random bytes", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it("produces headers that Webhook.verify accepts and an HMAC computed independently matches", () => {
    const secret = generateWebhookSecret();
    const headers = signWebhookMessage({ messageId: "msg_abc", body, secrets: [secret] });
    expect(headers["webhook-id"]).toBe("msg_abc");
    expect(headers["webhook-timestamp"]).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(5);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));

    const [version, signature] = headers["webhook-signature"].split(",");
    expect(version).toBe("v1");
    const expected = expectedSignature(secret, "msg_abc", headers["webhook-timestamp"], body);
    expect(timingSafeEqual(Buffer.from(signature!), Buffer.from(expected))).toBe(true);
  });

  it("is refused with another secret, a changed body or id, and outside the 5-minute tolerance", () => {
    const secret = generateWebhookSecret();
    const headers = signWebhookMessage({ messageId: "msg_abc", body, secrets: [secret] });
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(body.replace("1.0.0", "1.0.1"), headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "msg_other" })).toThrow(/No matching signature/);
    const old = signWebhookMessage({ messageId: "msg_abc", body, secrets: [secret], at: new Date(Date.now() - 6 * 60_000) });
    expect(() => new Webhook(secret).verify(body, old)).toThrow(/too old/);
  });

  it("signs with every secret during a rotation: each signature verifies with its own secret", () => {
    const next = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const headers = signWebhookMessage({ messageId: "msg_rot", body, secrets: [next, previous] });
    const parts = headers["webhook-signature"].split(" ");
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(`v1,${expectedSignature(next, "msg_rot", headers["webhook-timestamp"], body)}`);
    expect(parts[1]).toBe(`v1,${expectedSignature(previous, "msg_rot", headers["webhook-timestamp"], body)}`);
    expect(new Webhook(next).verify(body, headers)).toBeTruthy();
    expect(new Webhook(previous).verify(body, headers)).toBeTruthy();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
  });
});

describe("secret encryption at rest", () => {
  it("round-trips, never contains the secret, and is bound to its webhook and key", () => {
    const box = secretBoxFor(randomBytes(32));
    const secret = generateWebhookSecret();
    const sealed = box.seal(secret, "11111111-1111-4111-8111-111111111111");
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(secret.slice(6));
    expect(sealed).not.toContain(Buffer.from(secret).toString("base64url"));
    expect(box.open(sealed, "11111111-1111-4111-8111-111111111111")).toBe(secret);
    // Fresh IV each time.
    expect(box.seal(secret, "11111111-1111-4111-8111-111111111111")).not.toBe(sealed);
    expect(() => box.open(sealed, "22222222-2222-4222-8222-222222222222")).toThrow();
    expect(() => secretBoxFor(randomBytes(32)).open(sealed, "11111111-1111-4111-8111-111111111111")).toThrow();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BB" : "AA");
    expect(() => box.open(tampered, "11111111-1111-4111-8111-111111111111")).toThrow();
  });
});
