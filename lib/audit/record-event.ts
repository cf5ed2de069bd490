// Append one event to the hash-chained audit log. Must run inside the transaction that makes the
// state change it describes, so the change and its record commit or fail together.
import { canonicalJson } from "../integrity/canonical-json.ts";
import { sha256Hex } from "../integrity/digest.ts";
import type { Actor } from "../auth/roles.ts";
import type { Tx } from "../db/types.ts";

export const GENESIS_HASH = "0".repeat(64);
/** Arbitrary constant key for pg_advisory_xact_lock: serialises appends so the chain stays linear. */
const AUDIT_LOCK_KEY = 0x61756469; // "audi"

export type AuditActor = Pick<Actor, "type" | "id"> | { type: "system"; id: string };

export type AuditInput = {
  actor: AuditActor;
  action: string;
  subject: { type: string; id: string };
  payload?: Record<string, unknown>;
};

/** The exact bytes that are hashed for one event; verifyAuditChain recomputes the same. */
export function auditEventHash(
  prevHash: string,
  e: { at: Date; actorType: string; actorId: string; action: string; subjectType: string; subjectId: string; payload: unknown },
): string {
  const body = canonicalJson({
    at: e.at.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    payload: e.payload,
  });
  return sha256Hex(prevHash + body);
}

export async function recordAuditEvent(tx: Tx, input: AuditInput) {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS_HASH;
  // Round-trip through canonical JSON so what is stored is exactly what was hashed (no undefined, no Dates).
  const payload = JSON.parse(canonicalJson(input.payload ?? {})) as Record<string, unknown>;
  const event = {
    at: new Date(),
    actorType: input.actor.type,
    actorId: input.actor.id,
    action: input.action,
    subjectType: input.subject.type,
    subjectId: input.subject.id,
    payload,
  };
  const hash = auditEventHash(prevHash, event);
  return tx.auditEvent.create({ data: { ...event, payload: payload as object, prevHash, hash } });
}
