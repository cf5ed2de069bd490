// What the workflow does when something below it changes, wired in by lib/server/services.ts:
// a new version enters dev (recorded in the stage history), and a change to a version's checks
// re-evaluates its open requests — back to pending_checks on a rerun or a failure, on to
// awaiting_approval (or straight to promotion, when no approval is required) when they pass.
import type { ChecksChangedHook } from "../checks/record-check-result.ts";
import type { VersionRegisteredHook } from "../registry/upload-version.ts";
import { credentialOf } from "../audit/credential.ts";
import { lockModel } from "./facts.ts";
import { settleRequest } from "./settle.ts";

export const settleRequestsOnChecksChanged: ChecksChangedHook = async (tx, { versionId, actor }) => {
  const open = await tx.promotionRequest.findMany({
    where: { versionId, status: { in: ["pending_checks", "awaiting_approval", "approved"] } },
    select: { id: true, modelId: true },
    orderBy: { createdAt: "asc" },
  });
  if (!open.length) return;
  await lockModel(tx, open[0]!.modelId, [versionId]);
  for (const request of open) await settleRequest(tx, { requestId: request.id, actor });
};

export const recordStageOnRegistration: VersionRegisteredHook = async (tx, { actor, modelId, versionId }) => {
  await tx.stageEvent.create({
    data: { modelId, versionId, kind: "registered", fromStage: null, toStage: "dev", actorType: actor.type, actorId: actor.id, credential: credentialOf(actor), reason: "uploaded" },
  });
  return async () => {};
};
