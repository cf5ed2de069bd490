import { createHash, generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.ts";
import { buildStatement, createSigner, pae, rootDigest, signStatement, verifyEnvelope } from "./signing.ts";

describe("canonical JSON", () => {
  it("sorts keys at every level and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
  it("is independent of key insertion order (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });
  it("refuses NaN", () => expect(() => canonicalJson({ x: Number.NaN })).toThrow());
});

describe("DSSE signing", () => {
  const resources = [
    { name: "model.onnx", digest: "a".repeat(64) },
    { name: "card.md", digest: "b".repeat(64) },
  ];

  it("PAE follows the DSSE spec byte for byte", () => {
    expect(pae("t", Buffer.from("hi")).toString()).toBe("DSSEv1 1 t 2 hi");
  });

  it("root digest is sha256 over the raw digests in path order", () => {
    const expected = createHash("sha256").update(Buffer.from("b".repeat(64), "hex")).update(Buffer.from("a".repeat(64), "hex")).digest("hex");
    expect(rootDigest(resources)).toBe(expected);
    expect(rootDigest([...resources].reverse())).toBe(expected);
  });

  it.each(["ed25519", "ec"] as const)("signs and verifies with %s; tampering breaks it", (type) => {
    const { privateKey } = type === "ed25519" ? generateKeyPairSync("ed25519") : generateKeyPairSync("ec", { namedCurve: "P-256" });
    const signer = createSigner(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    const envelope = signStatement(signer, buildStatement({ model: "m", version: "1.0.0", manifestDigest: "c".repeat(64), resources }));
    expect(verifyEnvelope(envelope, signer.publicKeyPem)).toBe(true);
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString());
    expect(statement.subject[0]).toEqual({ name: "m", digest: { sha256: rootDigest(resources) } });
    statement.predicate.manifestDigest = "d".repeat(64);
    const tampered = { ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString("base64") };
    expect(verifyEnvelope(tampered, signer.publicKeyPem)).toBe(false);
  });

  it("refuses RSA keys", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    expect(() => createSigner(privateKey.export({ type: "pkcs8", format: "pem" }).toString())).toThrow(/Ed25519 or ECDSA P-256/);
  });
});
