// Recompute the whole audit chain. Any edited, removed or reordered event breaks it at that point.
import type { Tx } from "../db/types.ts";
import { auditEventHash, GENESIS_HASH } from "./record-event.ts";

export type ChainVerification =
  | { ok: true; events: number; head: string }
  | { ok: false; events: number; brokenAt: { seq: string; id: string; reason: string } };

export async function verifyAuditChain(db: Tx, { pageSize = 1000 }: { pageSize?: number } = {}): Promise<ChainVerification> {
  let prevHash = GENESIS_HASH;
  let count = 0;
  let after: bigint | undefined;
  for (;;) {
    const page = await db.auditEvent.findMany({
      where: after === undefined ? {} : { seq: { gt: after } },
      orderBy: { seq: "asc" },
      take: pageSize,
    });
    for (const e of page) {
      const broken = (reason: string): ChainVerification => ({
        ok: false,
        events: count,
        brokenAt: { seq: e.seq.toString(), id: e.id, reason },
      });
      if (e.prevHash !== prevHash) return broken("prevHash does not match the previous event's hash");
      const expected = auditEventHash(prevHash, e);
      if (expected !== e.hash) return broken("hash does not match the event's contents");
      prevHash = e.hash;
      count++;
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.seq;
  }
  return { ok: true, events: count, head: prevHash };
}
