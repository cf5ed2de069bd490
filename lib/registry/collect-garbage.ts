// Removes stored bytes that no version references: what uploads leave behind when they fail after
// streaming some files (bad input, disconnect, crash). Blobs that any version references are never
// touched — the Blob table is the set of referenced bytes, and its rows are never deleted.
//
// Race with uploads: an upload may dedupe against an orphan (its bytes already stored) and commit a
// reference to it while GC decides to delete it. Both sides take the same advisory lock: GC
// exclusively around "no Blob row → delete", the upload's commit shared around "insert Blob rows →
// check the bytes are still stored". Whichever comes second sees the other's effect.
import type { Db, Tx } from "../db/types.ts";
import type { ObjectStore } from "../storage/index.ts";

export const BLOB_GC_LOCK_KEY = 0x626c6f62; // "blob"

export type GarbageReport = { scanned: number; orphans: number; deleted: number; bytesFreed: number; keptYoung: number };

export async function collectGarbage(
  { prisma, store }: { prisma: Db; store: ObjectStore },
  { graceMs = 24 * 3600_000, dryRun = false }: { graceMs?: number; dryRun?: boolean } = {},
): Promise<GarbageReport> {
  const report: GarbageReport = { scanned: 0, orphans: 0, deleted: 0, bytesFreed: 0, keptYoung: 0 };
  const cutoff = Date.now() - graceMs;
  for await (const blob of store.listBlobs()) {
    report.scanned++;
    const referenced = await prisma.blob.findUnique({ where: { digest: blob.digest }, select: { digest: true } });
    if (referenced) continue;
    report.orphans++;
    // Young orphans may belong to an upload still in flight.
    if (blob.lastModified.getTime() > cutoff) {
      report.keptYoung++;
      continue;
    }
    if (dryRun) continue;
    const deleted = await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${BLOB_GC_LOCK_KEY})`);
      const row = await tx.blob.findUnique({ where: { digest: blob.digest }, select: { digest: true } });
      if (row) return false;
      await store.deleteUnreferencedBlob(blob.digest);
      return true;
    });
    if (deleted) {
      report.deleted++;
      report.bytesFreed += blob.size;
    }
  }
  return report;
}

/** Upload side of the lock: call inside the commit transaction after inserting the Blob rows. */
export async function assertBlobsStillStored(tx: Tx, store: ObjectStore, digests: string[]): Promise<string[]> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock_shared(${BLOB_GC_LOCK_KEY})`);
  const missing: string[] = [];
  for (const digest of new Set(digests)) if (!(await store.statBlob(digest))) missing.push(digest);
  return missing;
}
