// Recompute the whole audit chain. Any edited, removed or reordered event breaks it at that point.
//
// Two formats live in one chain (see record-event.ts): legacy events (hashVersion 1), numbered by a
// database sequence that could skip numbers, whose hashes cover neither seq nor credential; and
// current events, numbered last seq + 1 with seq, id and credential hashed. Legacy events are checked
// as they were written (history is never rewritten) and reported separately, so a jump in their
// numbering is explained rather than hidden; current events must also be numbered without gaps, and
// no legacy-format event may follow a current one.
import { z } from "zod";
import type { Tx } from "../db/types.ts";
import { auditEventHash, CURRENT_HASH_VERSION, GENESIS_HASH, LEGACY_HASH_VERSION } from "./record-event.ts";

export const legacyNumberingSchema = z
  .object({
    events: z.number().int().describe("Verified events in the legacy format"),
    firstSeq: z.string(),
    lastSeq: z.string(),
    lastAt: z.string().describe("Time of the last legacy event; events after it are numbered without gaps"),
    skippedNumbers: z.number().int().describe("Numbers between firstSeq and lastSeq that no event has"),
    note: z.string(),
  })
  .meta({ id: "AuditLegacyNumbering" });
export type LegacyNumbering = z.infer<typeof legacyNumberingSchema>;

/** The result of GET /api/v1/audit/verify (ok, events and head or brokenAt; legacy since gapless numbering). */
export const chainVerificationSchema = z
  .object({
    ok: z.boolean(),
    events: z.number().int().describe("Events verified (when broken: those before the break)"),
    head: z.string().optional().describe("Hash of the last event (64 zeros for an empty log)"),
    brokenAt: z.object({ seq: z.string(), id: z.string(), reason: z.string() }).optional(),
    legacy: legacyNumberingSchema
      .nullable()
      .describe("Verified events numbered by the old database sequence, whose numbers may skip; null when there are none"),
  })
  .meta({ id: "AuditChainVerification" });

export type ChainVerification =
  | { ok: true; events: number; head: string; legacy: LegacyNumbering | null }
  | { ok: false; events: number; brokenAt: { seq: string; id: string; reason: string }; legacy: LegacyNumbering | null };

export async function verifyAuditChain(db: Tx, { pageSize = 1000 }: { pageSize?: number } = {}): Promise<ChainVerification> {
  let prev: { seq: bigint; hash: string; hashVersion: number } | undefined;
  let count = 0;
  let legacy: { events: number; firstSeq: bigint; lastSeq: bigint; lastAt: Date } | undefined;
  const legacySummary = () => (legacy ? describeLegacy(legacy) : null);
  for (;;) {
    const page = await db.auditEvent.findMany({
      where: prev === undefined ? {} : { seq: { gt: prev.seq } },
      orderBy: { seq: "asc" },
      take: pageSize,
    });
    for (const e of page) {
      const broken = (reason: string): ChainVerification => ({
        ok: false,
        events: count,
        brokenAt: { seq: e.seq.toString(), id: e.id, reason },
        legacy: legacySummary(),
      });
      const prevHash = prev?.hash ?? GENESIS_HASH;
      if (e.prevHash !== prevHash) return broken("prevHash does not match the previous event's hash");
      if (e.hashVersion === LEGACY_HASH_VERSION) {
        if (prev && prev.hashVersion !== LEGACY_HASH_VERSION)
          return broken("a legacy-format event follows events in the current format; every event since gapless numbering must use it");
      } else if (e.hashVersion === CURRENT_HASH_VERSION) {
        const expected = (prev?.seq ?? 0n) + 1n;
        if (e.seq !== expected)
          return broken(
            prev ? `seq ${e.seq} follows seq ${prev.seq}: numbering must have no gaps (expected ${expected})` : `the first event must have seq 1`,
          );
      } else return broken(`unknown hash format ${e.hashVersion}`);
      if (auditEventHash(prevHash, e) !== e.hash) return broken("hash does not match the event's contents");
      if (e.hashVersion === LEGACY_HASH_VERSION)
        legacy = { events: (legacy?.events ?? 0) + 1, firstSeq: legacy?.firstSeq ?? e.seq, lastSeq: e.seq, lastAt: e.at };
      prev = e;
      count++;
    }
    if (page.length < pageSize) break;
  }
  return { ok: true, events: count, head: prev?.hash ?? GENESIS_HASH, legacy: legacySummary() };
}

function describeLegacy({ events, firstSeq, lastSeq, lastAt }: { events: number; firstSeq: bigint; lastSeq: bigint; lastAt: Date }): LegacyNumbering {
  const skippedNumbers = Number(lastSeq - firstSeq + 1n) - events;
  return {
    events,
    firstSeq: firstSeq.toString(),
    lastSeq: lastSeq.toString(),
    lastAt: lastAt.toISOString(),
    skippedNumbers,
    note:
      `Events up to seq ${lastSeq} (recorded until ${lastAt.toISOString()}) were numbered by a database sequence, ` +
      `which skips numbers after a rolled-back transaction or a restart` +
      (skippedNumbers > 0 ? ` (${skippedNumbers} skipped here)` : "") +
      `. Their hashes still chain one to the next, so a removed event would break the chain; later events are numbered without gaps.`,
  };
}
