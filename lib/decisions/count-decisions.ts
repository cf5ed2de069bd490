// The model page's decisions chart: how many decisions each version of a model made per UTC day over
// the last N days. One GROUP BY over one range of the (modelId, id) index: a decision id's time prefix
// is the decision's time, so the window is an id range (lowestIdAt) and no row outside it is read,
// however long the ledger grows.
import type { Tx } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import { lowestIdAt } from "./decision-id.ts";

export type DailyDecisionCounts = {
  model: string;
  /** Start of the first day (inclusive), UTC midnight. */
  from: string;
  /** End of the window (exclusive): the UTC midnight after `now`. */
  to: string;
  /** The days of the window, oldest first, as YYYY-MM-DD (UTC). */
  days: string[];
  /** One entry per version with decisions in the window, most decisions first; counts align with days. */
  versions: { version: string; total: number; counts: number[] }[];
  total: number;
};

const DAY_MS = 24 * 3600 * 1000;
export const MAX_COUNT_DAYS = 366;

export async function countDecisionsByDay(db: Tx, { model, days = 30, now = new Date() }: { model: string; days?: number; now?: Date }): Promise<DailyDecisionCounts> {
  const found = await db.model.findUnique({ where: { name: model }, select: { id: true } });
  if (!found) throw notFound("model_not_found", `no model named '${model}'`);
  const n = Math.max(1, Math.min(MAX_COUNT_DAYS, Math.floor(days)));
  const to = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
  const from = new Date(to.getTime() - n * DAY_MS);
  const dayKeys = Array.from({ length: n }, (_, i) => new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10));

  // Days are UTC days whatever the database session's time zone (date_trunc on a timestamptz would
  // follow it); the id bounds pick the index range, `at` only labels the rows inside it.
  const rows = await db.$queryRaw<{ day: string; versionId: string; n: number }[]>`
    SELECT to_char(date_trunc('day', d."at" AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, d."versionId"::text AS "versionId", count(*)::int AS n
    FROM "Decision" d
    WHERE d."modelId" = ${found.id}::uuid AND d."id" >= ${lowestIdAt(from)}::uuid AND d."id" < ${lowestIdAt(to)}::uuid
    GROUP BY 1, 2`;

  const versionIds = [...new Set(rows.map((r) => r.versionId))];
  const names = new Map(
    (await db.modelVersion.findMany({ where: { id: { in: versionIds } }, select: { id: true, version: true } })).map((v) => [v.id, v.version]),
  );
  const index = new Map(dayKeys.map((d, i) => [d, i]));
  const byVersion = new Map<string, { version: string; total: number; counts: number[] }>();
  for (const r of rows) {
    const i = index.get(r.day);
    if (i === undefined) continue;
    const version = names.get(r.versionId) ?? r.versionId;
    let entry = byVersion.get(version);
    if (!entry) byVersion.set(version, (entry = { version, total: 0, counts: new Array<number>(n).fill(0) }));
    entry.counts[i]! += Number(r.n);
    entry.total += Number(r.n);
  }
  const versions = [...byVersion.values()].sort((a, b) => b.total - a.total || a.version.localeCompare(b.version));
  return { model, from: from.toISOString(), to: to.toISOString(), days: dayKeys, versions, total: versions.reduce((s, v) => s + v.total, 0) };
}
