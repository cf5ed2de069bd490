import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildStatement, createSigner, pae, signStatement, type DsseEnvelope } from "./signing.ts";
import { signatureStatus } from "./verify-signature.ts";

const signer = createSigner(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString());
const files = [
  { path: "model.onnx", sha256: "a".repeat(64) },
  { path: "MODEL_CARD.md", sha256: "b".repeat(64) },
];
const record = (signature: unknown) => ({ model: "credit", version: "1.0.0", manifestDigest: "c".repeat(64), files, signature });
const statement = () => buildStatement({ model: "credit", version: "1.0.0", manifestDigest: "c".repeat(64), resources: files.map((f) => ({ name: f.path, digest: f.sha256 })) });

/** A correctly signed envelope over any payload type and statement: only the content is wrong. */
function signedAs(payloadType: string, body: unknown): DsseEnvelope {
  const payload = Buffer.from(JSON.stringify(body));
  return { payloadType, payload: payload.toString("base64"), signatures: [{ keyid: signer.keyId, sig: signer.sign(pae(payloadType, payload)).toString("base64") }] };
}

describe("signatureStatus (the version page's badge)", () => {
  it("verifies what the registry signs", () => {
    expect(signatureStatus(record(signStatement(signer, statement())), signer)).toMatchObject({ state: "verified", keyId: signer.keyId });
    expect(signatureStatus(record(null), signer)).toEqual({ state: "unsigned" });
  });

  it("refuses validly signed envelopes with the wrong payloadType, _type, predicateType or subject", () => {
    const cases: [string, DsseEnvelope][] = [
      ["payloadType", signedAs("text/plain", statement())],
      ["_type", signStatement(signer, { ...statement(), _type: "https://example.com/not-in-toto" })],
      ["predicateType", signStatement(signer, { ...statement(), predicateType: "https://example.com/other" })],
      ["subject", signStatement(signer, { ...statement(), subject: [{ name: "credit", digest: { sha256: "d".repeat(64) } }] })],
      ["manifest digest", signStatement(signer, { ...statement(), predicate: { ...statement().predicate, manifestDigest: "e".repeat(64) } })],
    ];
    for (const [what, envelope] of cases) {
      const status = signatureStatus(record(envelope), signer);
      expect(status.state, what).toBe("invalid");
    }
  });

  it("refuses a tampered payload and another key's signature", () => {
    const good = signStatement(signer, statement());
    const tampered = { ...good, payload: Buffer.from(JSON.stringify({ ...statement(), predicate: { ...statement().predicate, version: "9.9.9" } })).toString("base64") };
    expect(signatureStatus(record(tampered), signer).state).toBe("invalid");
    const other = createSigner(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    expect(signatureStatus(record(signStatement(other, statement())), signer)).toMatchObject({ state: "invalid", reason: expect.stringMatching(/different key/) });
  });
});
