// The predict path's writer: group commit. Every request's decisions must be committed before its
// response, and one commit (one WAL flush) per request caps throughput at the disk's flush rate.
// So requests queue their rows; while one INSERT is in flight, everything that arrives waits, and
// the next INSERT takes all of it at once (up to maxRowsPerWrite). Under load a commit carries many
// requests; alone, a request waits for exactly one commit. A request's promise resolves only after
// the statement carrying its rows has committed — nothing acknowledged can be lost by a crash.
import type { Tx } from "../db/types.ts";
import { insertDecisions, type DecisionRecord } from "./insert-decisions.ts";

type Pending = { records: readonly DecisionRecord[]; resolve: () => void; reject: (error: unknown) => void };

export type DecisionLedgerStats = { writes: number; rows: number; largestWrite: number };

export class DecisionLedger {
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private closed = false;
  readonly stats: DecisionLedgerStats = { writes: 0, rows: 0, largestWrite: 0 };

  constructor(
    private readonly db: Tx,
    private readonly options: { maxRowsPerWrite: number } = { maxRowsPerWrite: 5000 },
  ) {}

  /** Resolves once the records are committed; rejects (and stores none of them) if their write fails. */
  append(records: readonly DecisionRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the decision ledger is closed"));
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  /** Waits for every queued write; later appends are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.take();
        const records = batch.flatMap((p) => p.records);
        try {
          await insertDecisions(this.db, records);
          this.stats.writes++;
          this.stats.rows += records.length;
          this.stats.largestWrite = Math.max(this.stats.largestWrite, records.length);
          for (const p of batch) p.resolve();
        } catch (error) {
          // One request's bad rows must not fail the others that shared its statement: write each alone.
          if (batch.length === 1) batch[0]!.reject(error);
          else for (const p of batch) await insertDecisions(this.db, p.records).then(p.resolve, p.reject);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Whole requests from the head of the queue, up to maxRowsPerWrite rows (at least one request). */
  private take(): Pending[] {
    let rows = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || rows + this.queue[n]!.records.length <= this.options.maxRowsPerWrite)) {
      rows += this.queue[n]!.records.length;
      n++;
    }
    return this.queue.splice(0, n);
  }
}
