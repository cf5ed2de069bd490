// GET /api/v1/replay-jobs/{id} and GET /api/v1/replay-jobs: a bulk replay's progress and report.
import type { Tx } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import { decodeCursor, encodeCursor, type Page } from "../http/pagination.ts";
import { toReplayJobView, type ReplayJobView } from "./views.ts";

export async function getReplayJob(db: Tx, { id }: { id: string }): Promise<ReplayJobView> {
  const job = await db.replayJob.findUnique({ where: { id } });
  if (!job) throw notFound("replay_job_not_found", `no replay job with id ${id}`);
  return toReplayJobView(job);
}

export async function listReplayJobs(db: Tx, { limit, cursor }: { limit: number; cursor?: string }): Promise<Page<ReplayJobView>> {
  const after = cursor ? decodeCursor(cursor, ["createdAt", "id"]) : undefined;
  const rows = await db.replayJob.findMany({
    where: after ? { OR: [{ createdAt: { lt: new Date(after.createdAt) } }, { createdAt: new Date(after.createdAt), id: { lt: after.id } }] } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = rows.length > limit ? page[page.length - 1] : undefined;
  return { items: page.map(toReplayJobView), nextCursor: last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null };
}
