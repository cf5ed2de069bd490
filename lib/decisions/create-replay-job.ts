// POST /api/v1/replay-jobs: replay every decision of a model (or one version) in a time range, as a
// durable job that the workers run (lib/decisions/run-replay-jobs.ts) and whose report fills in as
// it goes. Asking is audited here; the outcome is audited when the job finishes.
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-event.ts";
import { credentialOf } from "../audit/credential.ts";
import type { Actor } from "../auth/roles.ts";
import type { Db } from "../db/types.ts";
import { badRequest, notFound } from "../errors/app-error.ts";
import { toReplayJobView, type ReplayJobView } from "./views.ts";

export const createReplayJobBody = z
  .strictObject({
    model: z.string().min(1).max(100),
    version: z.string().min(1).max(128).optional(),
    from: z.iso.datetime({ offset: true }).optional().describe("decisions at or after this time"),
    to: z.iso.datetime({ offset: true }).optional().describe("decisions before this time"),
  })
  .meta({ id: "ReplayJobRequest" });
export type ReplayJobFilter = z.output<typeof createReplayJobBody>;

export async function createReplayJob(db: Db, opts: { actor: Actor; filter: ReplayJobFilter }): Promise<ReplayJobView> {
  const { filter } = opts;
  if (filter.from && filter.to && new Date(filter.from) > new Date(filter.to)) throw badRequest("invalid_range", "from is after to", [{ path: "from", message: "after to" }]);
  const model = await db.model.findUnique({ where: { name: filter.model }, select: { id: true } });
  if (!model) throw notFound("model_not_found", `no model named '${filter.model}'`);
  if (filter.version && !(await db.modelVersion.findUnique({ where: { modelId_version: { modelId: model.id, version: filter.version } }, select: { id: true } })))
    throw notFound("version_not_found", `model '${filter.model}' has no version '${filter.version}'`);
  const job = await db.$transaction(async (tx) => {
    const created = await tx.replayJob.create({
      data: { status: "queued", filter, actorType: opts.actor.type, actorId: opts.actor.id, credential: credentialOf(opts.actor) },
    });
    await recordAuditEvent(tx, { actor: opts.actor, action: "decisions.replay_job_created", subject: { type: "replay_job", id: created.id }, payload: { filter } });
    return created;
  });
  return toReplayJobView(job);
}
