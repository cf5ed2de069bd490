// Append one event to the hash-chained audit log. Must run inside the transaction that makes the
// state change it describes, so the change and its record commit or fail together.
import { randomUUID } from "node:crypto";
import { canonicalJson } from "../integrity/canonical-json.ts";
import { sha256Hex } from "../integrity/digest.ts";
import type { Tx } from "../db/types.ts";
import { credentialOf } from "./credential.ts";

export const GENESIS_HASH = "0".repeat(64);
/** Arbitrary constant key for pg_advisory_xact_lock: serialises appends so the chain stays linear. */
const AUDIT_LOCK_KEY = 0x61756469; // "audi"

/**
 * Formats of the hashed body. 1: events recorded before gapless numbering (seq came from a database
 * sequence and is not hashed, nor is the credential). 2: seq, id and credential are hashed too. A
 * stored event keeps the format it was written in forever; new events are always CURRENT_HASH_VERSION.
 */
export const LEGACY_HASH_VERSION = 1;
export const CURRENT_HASH_VERSION = 2;

/**
 * Who acted: a credential's actor, the registry itself, or an unauthenticated client (failed sign-ins).
 * A credential's actor is lib/auth's Actor, which carries tokenId / sessionId when one authenticated
 * it; only the fields recorded are named here, because lib/auth records events and sits above lib/audit.
 */
export type AuditActor =
  | { type: "user" | "bootstrap"; id: string; tokenId?: string; sessionId?: string }
  | { type: "system"; id: string }
  | { type: "anonymous"; id: string };

export type AuditInput = {
  actor: AuditActor;
  action: string;
  subject: { type: string; id: string };
  payload?: Record<string, unknown>;
};

/** The stored columns the hash covers (a superset across formats). */
export type HashedAuditEvent = {
  hashVersion: number;
  seq: bigint;
  id: string;
  at: Date;
  actorType: string;
  actorId: string;
  credential: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  payload: unknown;
};

/**
 * sha256(prevHash ‖ canonical JSON of the event's body), the body depending on the event's format.
 * recordAuditEvent, verifyAuditChain and docs/api.md (for outside verifiers) use exactly this.
 */
export function auditEventHash(prevHash: string, e: HashedAuditEvent): string {
  const common = {
    at: e.at.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    payload: e.payload,
  };
  if (e.hashVersion === LEGACY_HASH_VERSION) return sha256Hex(prevHash + canonicalJson(common));
  if (e.hashVersion === CURRENT_HASH_VERSION)
    return sha256Hex(
      prevHash + canonicalJson({ ...common, hashVersion: e.hashVersion, seq: e.seq.toString(), id: e.id, credential: e.credential }),
    );
  throw new RangeError(`unknown audit hash format ${e.hashVersion}`);
}

export async function recordAuditEvent(tx: Tx, input: AuditInput) {
  // Everything below reads the chain's end and appends to it while holding the lock, so the next
  // event sees this one (or, if this transaction rolls back, takes the same seq): no gaps, no forks.
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  const prevHash = last?.hash ?? GENESIS_HASH;
  // Round-trip through canonical JSON so what is stored is exactly what was hashed (no undefined, no Dates).
  const payload = JSON.parse(canonicalJson(input.payload ?? {})) as Record<string, unknown>;
  const event = {
    hashVersion: CURRENT_HASH_VERSION,
    seq: (last?.seq ?? 0n) + 1n,
    id: randomUUID(),
    at: new Date(),
    actorType: input.actor.type,
    actorId: input.actor.id,
    credential: credentialOf(input.actor),
    action: input.action,
    subjectType: input.subject.type,
    subjectId: input.subject.id,
    payload,
  };
  const hash = auditEventHash(prevHash, event);
  return tx.auditEvent.create({ data: { ...event, payload: payload as object, prevHash, hash } });
}
