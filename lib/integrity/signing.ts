// Manifest signatures: an in-toto Statement v1 wrapped in a DSSE envelope, in the shape of the
// OpenSSF model-signing format (subject = model name + a root digest over the sorted file digests).
// The key is SIGNING_KEY (PEM, ECDSA P-256 or Ed25519) or, in the embedded default, an Ed25519 key
// generated once under DATA_DIR/keys.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { readOrCreateKeyFile } from "./key-file.ts";

export const DSSE_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const PREDICATE_TYPE = "https://model_signing/signature/v1.0";

export type DsseEnvelope = {
  payloadType: string;
  payload: string; // base64
  signatures: { keyid: string; sig: string }[];
};

export type SignedResource = { name: string; digest: string };

export type Signer = { keyId: string; publicKeyPem: string; sign(data: Buffer): Buffer; verify(data: Buffer, sig: Buffer): boolean };

/** DSSE pre-authentication encoding: what is actually signed. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType);
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    payload,
  ]);
}

/** sha256 over the raw file digests in path order: one digest that names the whole model. */
export function rootDigest(resources: SignedResource[]): string {
  const hash = createHash("sha256");
  for (const r of [...resources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) hash.update(Buffer.from(r.digest, "hex"));
  return hash.digest("hex");
}

export function buildStatement(input: { model: string; version: string; manifestDigest: string; resources: SignedResource[] }) {
  return {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: input.model, digest: { sha256: rootDigest(input.resources) } }],
    predicateType: PREDICATE_TYPE,
    predicate: {
      version: input.version,
      manifestDigest: input.manifestDigest,
      resources: [...input.resources]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((r) => ({ name: r.name, algorithm: "sha256", digest: r.digest })),
      serialization: { method: "files", hash_type: "sha256" },
    },
  };
}

export function signStatement(signer: Signer, statement: unknown): DsseEnvelope {
  const payload = Buffer.from(JSON.stringify(statement));
  const sig = signer.sign(pae(DSSE_PAYLOAD_TYPE, payload));
  return { payloadType: DSSE_PAYLOAD_TYPE, payload: payload.toString("base64"), signatures: [{ keyid: signer.keyId, sig: sig.toString("base64") }] };
}

export function verifyEnvelope(envelope: DsseEnvelope, publicKeyPem: string): boolean {
  const key = createPublicKey(publicKeyPem);
  const data = pae(envelope.payloadType, Buffer.from(envelope.payload, "base64"));
  return envelope.signatures.some((s) => verifyWith(key, data, Buffer.from(s.sig, "base64")));
}

function verifyWith(key: KeyObject, data: Buffer, sig: Buffer): boolean {
  // Ed25519 takes no digest; ECDSA P-256 signs sha256.
  return verify(key.asymmetricKeyType === "ed25519" ? null : "sha256", data, key, sig);
}

export function createSigner(privateKeyPem: string): Signer {
  const key = createPrivateKey(privateKeyPem);
  const type = key.asymmetricKeyType;
  if (type !== "ed25519" && !(type === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1"))
    throw new Error("SIGNING_KEY must be an Ed25519 or ECDSA P-256 private key");
  const publicKey = createPublicKey(key);
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const keyId = createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex");
  return {
    keyId,
    publicKeyPem,
    sign: (data) => sign(type === "ed25519" ? null : "sha256", data, key),
    verify: (data, sig) => verifyWith(publicKey, data, sig),
  };
}

/** The configured key, or one generated once under dataDir/keys (embedded default). */
export function loadSigner({ signingKey, dataDir }: { signingKey?: string; dataDir: string }): Signer {
  if (signingKey) return createSigner(signingKey.includes("BEGIN") ? signingKey : readFileSync(signingKey, "utf8"));
  const file = path.join(dataDir, "keys", "signing-key.pem");
  return createSigner(
    readOrCreateKeyFile(file, () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" })),
  );
}
