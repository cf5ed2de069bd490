// What the version page says about a version's signature. Verification happens on the server, on
// every view, with the registry's own public key; the page never trusts a stored "verified" flag.
import { verifyEnvelope, type DsseEnvelope, type Signer } from "@/lib/integrity/signing";

export type SignatureStatus =
  | { state: "verified"; keyId: string; rootDigest?: string; statementDigestMatches: boolean }
  | { state: "invalid"; keyId?: string; reason: string }
  | { state: "unsigned" };

function isEnvelope(value: unknown): value is DsseEnvelope {
  const v = value as DsseEnvelope | null;
  return !!v && typeof v.payload === "string" && typeof v.payloadType === "string" && Array.isArray(v.signatures);
}

export function checkSignature(signature: unknown, manifestDigest: string, signer: Pick<Signer, "publicKeyPem" | "keyId">): SignatureStatus {
  if (signature == null) return { state: "unsigned" };
  if (!isEnvelope(signature)) return { state: "invalid", reason: "the stored signature is not a DSSE envelope" };
  const keyId = signature.signatures[0]?.keyid;
  let ok = false;
  try {
    ok = verifyEnvelope(signature, signer.publicKeyPem);
  } catch {
    ok = false;
  }
  if (!ok) {
    const reason =
      keyId && keyId !== signer.keyId
        ? "signed with a different key than this registry's current signing key"
        : "the signature does not match the signed statement";
    return { state: "invalid", keyId, reason };
  }
  // The signature covers the statement; the statement must also name this version's manifest.
  let statement: { subject?: { digest?: { sha256?: string } }[]; predicate?: { manifestDigest?: string } } = {};
  try {
    statement = JSON.parse(Buffer.from(signature.payload, "base64").toString("utf8"));
  } catch {
    return { state: "invalid", keyId, reason: "the signed payload is not JSON" };
  }
  const statementDigestMatches = statement.predicate?.manifestDigest === manifestDigest;
  if (!statementDigestMatches) return { state: "invalid", keyId, reason: "the signed statement names a different manifest digest" };
  return { state: "verified", keyId: keyId ?? signer.keyId, rootDigest: statement.subject?.[0]?.digest?.sha256, statementDigestMatches };
}
