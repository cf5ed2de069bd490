// The one signature verifier: the CLI's `verify` (lib/cli/integrity-report.ts) and the version page
// (signatureStatus) both use it, so what the page calls "verified" is exactly what the CLI checks.
import { DSSE_PAYLOAD_TYPE, PREDICATE_TYPE, rootDigest, verifyEnvelope, type DsseEnvelope } from "./signing.ts";

export type SignedRecord = { model: string; version: string; signature: unknown };

export type Statement = {
  _type?: unknown;
  subject?: { name?: unknown; digest?: { sha256?: unknown } }[];
  predicateType?: unknown;
  predicate?: { version?: unknown; manifestDigest?: unknown; resources?: { name?: unknown; digest?: unknown }[] };
};

/**
 * Checks a version's DSSE signature completely: envelope shape, payloadType, the signature itself
 * with the given public key, the in-toto Statement's _type and predicateType, and that the statement
 * names this version and its manifest digest. Empty `problems` means verified.
 */
export function checkSignature(record: SignedRecord, manifestDigest: string, publicKeyPem: string | undefined) {
  const problems: string[] = [];
  const envelope = record.signature as Partial<DsseEnvelope> | null | undefined;
  if (!envelope) return { problems: ["the version has no signature"], keyIds: [] as string[], statement: undefined };
  if (typeof envelope.payload !== "string" || typeof envelope.payloadType !== "string" || !Array.isArray(envelope.signatures))
    return { problems: ["the signature is not a DSSE envelope"], keyIds: [], statement: undefined };
  const keyIds = envelope.signatures.map((s) => String(s?.keyid ?? ""));
  if (envelope.payloadType !== DSSE_PAYLOAD_TYPE) problems.push(`payloadType is '${envelope.payloadType}', expected '${DSSE_PAYLOAD_TYPE}'`);
  if (!publicKeyPem) problems.push("no public key to verify the signature with");
  else {
    let valid = false;
    try {
      valid = verifyEnvelope(envelope as DsseEnvelope, publicKeyPem);
    } catch (error) {
      problems.push(`the signature cannot be checked: ${(error as Error).message}`);
    }
    if (!valid && problems.length === 0) problems.push("the DSSE signature does not verify with the public key");
  }
  let statement: Statement | undefined;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8")) as Statement;
  } catch {
    problems.push("the signed payload is not JSON");
    return { problems, keyIds, statement: undefined };
  }
  if (statement._type !== "https://in-toto.io/Statement/v1") problems.push(`the payload is not an in-toto Statement v1 (_type ${String(statement._type)})`);
  if (statement.predicateType !== PREDICATE_TYPE) problems.push(`predicateType is '${String(statement.predicateType)}', expected '${PREDICATE_TYPE}'`);
  if (stripPrefix(String(statement.predicate?.manifestDigest)) !== manifestDigest)
    problems.push(`the signed manifest digest ${String(statement.predicate?.manifestDigest)} is not the version's ${manifestDigest}`);
  if (statement.predicate?.version !== record.version)
    problems.push(`the signed version is '${String(statement.predicate?.version)}', not '${record.version}'`);
  if (!Array.isArray(statement.predicate?.resources)) problems.push("the statement lists no resources");
  return { problems, keyIds, statement };
}

export function stripPrefix(digest: string): string {
  return digest.startsWith("sha256:") ? digest.slice("sha256:".length) : digest;
}


export type SignatureStatus =
  | { state: "verified"; keyId: string; rootDigest?: string }
  | { state: "invalid"; keyId?: string; reason: string; problems: string[] }
  | { state: "unsigned" };

/**
 * What the version page says about a signature, checked on every view with the registry's public
 * key: the full check above, plus the statement's subject (model name and the root digest over the
 * version's listed files).
 */
export function signatureStatus(
  record: SignedRecord & { manifestDigest: string; files: { path: string; sha256: string }[] },
  signer: { publicKeyPem: string; keyId: string },
): SignatureStatus {
  if (record.signature == null) return { state: "unsigned" };
  const { problems, keyIds, statement } = checkSignature(record, record.manifestDigest, signer.publicKeyPem);
  const subject = statement?.subject?.[0];
  const root = rootDigest(record.files.map((f) => ({ name: f.path, digest: f.sha256 })));
  if (statement && subject?.name !== record.model) problems.push(`the statement's subject is '${String(subject?.name)}', not '${record.model}'`);
  if (statement && subject?.digest?.sha256 !== root) problems.push("the statement's subject digest is not the root digest of the version's files");
  const keyId = keyIds[0] || undefined;
  if (problems.length) {
    const otherKey = keyId && keyId !== signer.keyId;
    return { state: "invalid", keyId, reason: otherKey ? "signed with a different key than this registry's current signing key" : problems[0]!, problems };
  }
  return { state: "verified", keyId: keyId ?? signer.keyId, rootDigest: root };
}
