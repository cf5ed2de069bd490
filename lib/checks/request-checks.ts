// Asking for checks: one queued CheckRun row per check kind, written in the caller's transaction (the
// upload's, or a rerun's), so a version can never exist without its checks being asked for. The queue
// only carries row ids; if the process dies before the jobs are sent, the worker's sweep sends them.
// Uploads reach this through the registry's hook (requestChecksOnRegistration, wired by lib/server).
import { recordAuditEvent } from "../audit/record-event.ts";
import type { Actor } from "../auth/roles.ts";
import { lockModelRow } from "../db/locks.ts";
import type { Db, Tx } from "../db/types.ts";
import type { ChecksChangedHook } from "./record-check-result.ts";
import { notFound } from "../errors/app-error.ts";
import { canonicalJson } from "../integrity/canonical-json.ts";
import { sha256Hex } from "../integrity/digest.ts";
import { authorizeModelAction } from "../registry/models.ts";
import type { VersionRegisteredHook } from "../registry/upload-version.ts";
import { parseStoredOverrides, resolveThresholds } from "../policy/stage-policy.ts";
import { checkerVersions } from "./checker-versions.ts";
import type { CheckQueue } from "./queue.ts";
import { thresholdsToStore } from "./thresholds.ts";
import { checkKinds, type CheckKind } from "./types.ts";

export type RequestedRun = { id: string; kind: CheckKind };

/** The default seed is derived from the manifest digest, so rerunning an unchanged version reproduces its results. */
export function defaultSeed(manifestDigest: string): number {
  return Number.parseInt(manifestDigest.slice(0, 8), 16) >>> 1;
}

/** Everything a check's result depends on, hashed: same digest ⇒ same inputs ⇒ (deterministic checks) same result. */
export function checkInputsDigest(input: { kind: CheckKind; manifestDigest: string; thresholds: unknown; seed: number }): string {
  return sha256Hex(canonicalJson({ ...input, checkerVersion: checkerVersions[input.kind] }));
}

/** Creates queued runs for `kinds` of one version and marks the version `checking`. Runs inside `tx`. */
export async function requestChecksInTx(
  tx: Tx,
  opts: { versionId: string; modelPolicy: unknown; manifestDigest: string; trigger: "upload" | "rerun"; requestedBy: Actor; kinds?: readonly CheckKind[]; seed?: number },
): Promise<RequestedRun[]> {
  const thresholds = resolveThresholds(parseStoredOverrides(opts.modelPolicy));
  const seed = opts.seed ?? defaultSeed(opts.manifestDigest);
  const runs: RequestedRun[] = [];
  for (const kind of opts.kinds ?? checkKinds) {
    const stored = thresholdsToStore(kind, thresholds);
    const run = await tx.checkRun.create({
      data: {
        versionId: opts.versionId,
        kind,
        checkerVersion: checkerVersions[kind],
        inputsDigest: checkInputsDigest({ kind, manifestDigest: opts.manifestDigest, thresholds: stored, seed }),
        thresholds: stored as object,
        seed,
        trigger: opts.trigger,
        requestedById: opts.requestedBy.type === "user" ? opts.requestedBy.id : null,
      },
      select: { id: true, kind: true },
    });
    runs.push(run);
  }
  await tx.modelVersion.update({ where: { id: opts.versionId }, data: { status: "checking" } });
  return runs;
}

/** POST …/checks: queue a fresh run of `kinds` (default all) with the model's current policy. Audited. */
export async function rerunChecks(
  db: Db,
  opts: { actor: Actor; model: string; version: string; kinds?: CheckKind[]; seed?: number; onChecksChanged: ChecksChangedHook },
): Promise<RequestedRun[]> {
  return db.$transaction(async (tx) => {
    const modelId = (await authorizeModelAction(tx, opts.actor, "checks.run", opts.model)).id;
    // The model first, as every writer of a model's versions does (lib/db/locks.ts).
    await lockModelRow(tx, modelId);
    const version = await tx.modelVersion.findUnique({
      where: { modelId_version: { modelId, version: opts.version } },
      select: { id: true, manifestDigest: true, model: { select: { policy: true } } },
    });
    if (!version) throw notFound("version_not_found", `model '${opts.model}' has no version '${opts.version}'`);
    const kinds = opts.kinds?.length ? [...new Set(opts.kinds)] : [...checkKinds];
    const runs = await requestChecksInTx(tx, {
      versionId: version.id,
      modelPolicy: version.model.policy,
      manifestDigest: version.manifestDigest,
      trigger: "rerun",
      requestedBy: opts.actor,
      kinds,
      seed: opts.seed,
    });
    await recordAuditEvent(tx, {
      actor: opts.actor,
      action: "checks.requested",
      subject: { type: "model_version", id: `${opts.model}@${opts.version}` },
      payload: { manifestDigest: version.manifestDigest, runs: runs.map((r) => ({ id: r.id, kind: r.kind })), trigger: "rerun" },
    });
    // Open promotion requests of the version wait for the new results.
    await opts.onChecksChanged(tx, { versionId: version.id, actor: opts.actor });
    return runs;
  });
}

/**
 * The upload's hook (UploadDeps.onVersionRegistered): every check of the new version is queued and
 * audited in the upload's transaction, and the jobs are sent through `queue` after commit. Without a
 * queue, or if sending fails, the workers' sweep sends them.
 */
export function requestChecksOnRegistration(queue?: Pick<CheckQueue, "dispatch">): VersionRegisteredHook {
  return async (tx, { actor, modelId, model, versionId, version, manifestDigest }) => {
    const modelRow = await tx.model.findUniqueOrThrow({ where: { id: modelId }, select: { policy: true } });
    const runs = await requestChecksInTx(tx, { versionId, modelPolicy: modelRow.policy, manifestDigest, trigger: "upload", requestedBy: actor });
    await recordAuditEvent(tx, {
      actor,
      action: "checks.requested",
      subject: { type: "model_version", id: `${model}@${version}` },
      payload: { manifestDigest, runs: runs.map((r) => ({ id: r.id, kind: r.kind })), trigger: "upload" },
    });
    return async () => {
      await queue?.dispatch(runs.map((r) => r.id)).catch(() => {
        // Not lost: the runs are committed as queued, and the workers' sweep sends their jobs.
      });
    };
  };
}
