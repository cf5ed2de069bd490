// Loading what the gates are evaluated from, inside the caller's transaction: the version, the
// latest run of each check, today's checker versions and thresholds, the model's policy, the version
// prod points at now, and the approvals that count. Shared by the request, the decision, the
// checks-finished hook and the pages, so they can never disagree about what a gate says.
import { lockModelRow } from "../db/locks.ts";
import type { Tx } from "../db/types.ts";
import { checkerVersions } from "../checks/checker-versions.ts";
import { latestPerKind } from "../checks/list-check-runs.ts";
import { thresholdsToStore } from "../checks/thresholds.ts";
import { notFound } from "../errors/app-error.ts";
import { policyCheckKinds, readStoredPolicy, resolvePromotion, resolveThresholds, type PolicyCheckKind } from "../policy/stage-policy.ts";
import { readCardText } from "../registry/card/read-card.ts";
import type { Manifest } from "../registry/envelope.ts";
import type { ObjectStore } from "../storage/index.ts";
import { cardCompleteness, type CardCompleteness } from "./card-completeness.ts";
import { evaluateGates, type GateEvaluation, type LatestCheck } from "./gates.ts";
import { countedApprovals } from "./state-machine.ts";
import type { PromotionTarget, Stage } from "./state-machine.ts";

/**
 * Serialises every promotion, decision, rollback and alias change of one model (and the checks
 * hook), so "one prod per model" and "exactly one promotion" hold under concurrent requests.
 * NO KEY UPDATE: uploads inserting versions of the model (a foreign-key share lock) are not blocked.
 *
 * Lock order everywhere: this model row, then version rows, then the audit chain (recordAuditEvent's
 * lock). A rerun or a check result locks a version row and then the audit chain; so the rows of the
 * versions a promotion may change — `versionIds` and whatever is prod now — are locked here, before
 * any audit event is written, or the two could wait on each other.
 */
export async function lockModel(tx: Tx, modelId: string, versionIds: readonly string[] = []): Promise<void> {
  await lockModelRow(tx, modelId);
  await tx.$queryRaw`
    SELECT 1 FROM "ModelVersion"
    WHERE "modelId" = ${modelId}::uuid AND ("id" = ANY(${[...versionIds]}::uuid[]) OR "stage" = 'prod')
    ORDER BY "id" FOR UPDATE`;
}

export const asStage = (stage: string): Stage => (stage === "none" ? "dev" : (stage as Stage));

export type VersionFacts = {
  id: string;
  modelId: string;
  model: string;
  version: string;
  manifestDigest: string;
  manifest: Manifest;
  uploaderId: string | null;
  stage: Stage;
};

export async function loadVersionFacts(tx: Tx, where: { id: string } | { model: string; version: string }): Promise<VersionFacts> {
  const row =
    "id" in where
      ? await tx.modelVersion.findUnique({ where: { id: where.id }, include: { model: { select: { name: true } } } })
      : await tx.modelVersion.findFirst({ where: { version: where.version, model: { name: where.model } }, include: { model: { select: { name: true } } } });
  if (!row) throw notFound("version_not_found", "id" in where ? "no such version" : `model '${where.model}' has no version '${where.version}'`);
  return {
    id: row.id,
    modelId: row.modelId,
    model: row.model.name,
    version: row.version,
    manifestDigest: row.manifestDigest,
    manifest: row.manifest as Manifest,
    uploaderId: row.createdById,
    stage: asStage(row.stage),
  };
}

/** The version the model's `prod` alias points at, or null. */
export async function currentProd(tx: Tx, modelId: string): Promise<{ id: string; version: string; manifestDigest: string; manifest: Manifest } | null> {
  const alias = await tx.alias.findUnique({
    where: { modelId_name: { modelId, name: "prod" } },
    select: { version: { select: { id: true, version: true, manifestDigest: true, manifest: true } } },
  });
  return alias ? { ...alias.version, manifest: alias.version.manifest as Manifest } : null;
}

/**
 * The approvals that count for a request: by users who still hold the reviewer or admin role and are
 * not disabled (a demoted reviewer's approval stops counting), on the request's digest, not by the
 * uploader, each reviewer once.
 */
export async function countApprovals(tx: Tx, request: { id: string; manifestDigest: string }, uploaderId: string | null): Promise<number> {
  const rows = await tx.approval.findMany({
    where: { requestId: request.id, user: { role: { in: ["reviewer", "admin"] }, disabledAt: null } },
    select: { userId: true, decision: true, manifestDigest: true },
  });
  return countedApprovals(
    rows.map((r) => ({ userId: r.userId, decision: r.decision as "approve" | "reject", manifestDigest: r.manifestDigest })),
    { uploaderId, manifestDigest: request.manifestDigest },
  );
}

/** Whether the card has the items the prod gate asks for; an unreadable card counts as missing. */
export async function readCardCompleteness(tx: Tx, store: ObjectStore, versionId: string): Promise<CardCompleteness> {
  const file = await tx.versionFile.findFirst({ where: { versionId, role: "card" }, select: { blobDigest: true, size: true } });
  if (!file) return cardCompleteness(undefined);
  const card = await readCardText(store, { sha256: file.blobDigest, size: Number(file.size) });
  return cardCompleteness(card.text);
}

/** Every gate for moving `version` to `target`, as of now. */
export async function evaluateVersionGates(
  tx: Tx,
  opts: { version: VersionFacts; target: PromotionTarget; card: CardCompleteness; approvals: (required: number) => Promise<number> | number },
): Promise<GateEvaluation & { requiredApprovals: number; policyInvalid?: string }> {
  const [modelRow, runs, prod] = await Promise.all([
    tx.model.findUniqueOrThrow({ where: { id: opts.version.modelId }, select: { policy: true } }),
    tx.checkRun.findMany({
      where: { versionId: opts.version.id },
      orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
      select: { kind: true, status: true, verdict: true, summary: true, checkerVersion: true, thresholds: true },
    }),
    opts.target === "prod" ? currentProd(tx, opts.version.modelId) : Promise.resolve(null),
  ]);
  const stored = readStoredPolicy(modelRow.policy);
  const thresholds = resolveThresholds(stored.overrides);
  const policy = resolvePromotion(stored.overrides);
  const required = policy.requiredApprovals[opts.target];
  const current = {
    checkerVersions: checkerVersions as Record<PolicyCheckKind, string>,
    thresholds: Object.fromEntries(policyCheckKinds.map((k) => [k, thresholdsToStore(k, thresholds)])) as Record<PolicyCheckKind, unknown>,
  };
  const evaluation = evaluateGates({
    target: opts.target,
    version: { version: opts.version.version, manifest: opts.version.manifest },
    checks: latestPerKind(runs) as LatestCheck[],
    current,
    policy,
    card: opts.card,
    // A version compared with itself (already prod) has nothing to be compatible with.
    prod: prod && prod.id !== opts.version.id ? { version: prod.version, manifest: prod.manifest } : null,
    approvals: { counted: await opts.approvals(required), required },
  });
  return { ...evaluation, requiredApprovals: required, ...(stored.invalid ? { policyInvalid: stored.invalid } : {}) };
}
