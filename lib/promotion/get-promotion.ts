// GET /promotions/{id}: a request with its gates re-evaluated now (against today's prod, checks and
// policy — the stored gates are only the last evaluation), and every decision made on it.
import type { Tx } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import type { CardCompleteness } from "./card-completeness.ts";
import { countApprovals, evaluateVersionGates, loadVersionFacts } from "./facts.ts";
import { isOpen, type PromotionTarget, type RequestStatus } from "./state-machine.ts";
import { requestInclude, toPromotionSummary, type PromotionView } from "./views.ts";

export async function getPromotion(db: Tx, { id }: { id: string }): Promise<PromotionView> {
  const row = await db.promotionRequest.findUnique({
    where: { id },
    include: {
      ...requestInclude,
      approvals: { orderBy: { createdAt: "asc" }, include: { user: { select: { id: true, email: true, name: true, role: true, disabledAt: true } } } },
    },
  });
  if (!row) throw notFound("promotion_not_found", "no promotion request with this id");
  const version = await loadVersionFacts(db, { id: row.versionId });
  const target = row.toStage as PromotionTarget;
  const open = isOpen(row.status as RequestStatus);
  // A closed request shows the gates as they stood when it closed; an open one shows them as of now.
  const evaluation = open
    ? await evaluateVersionGates(db, { version, target, card: row.card as CardCompleteness, approvals: () => countApprovals(db, row, version.uploaderId) })
    : undefined;
  const counted = evaluation?.approvals.counted ?? (await countApprovals(db, row, version.uploaderId));
  const prod = await db.alias.findUnique({
    where: { modelId_name: { modelId: version.modelId, name: target } },
    select: { version: { select: { version: true, manifestDigest: true } } },
  });
  const summary = toPromotionSummary(row);
  return {
    ...summary,
    gates: evaluation?.gates ?? summary.gates,
    blockedReason: open ? (evaluation?.blockedReason ?? null) : summary.blockedReason,
    requiredApprovals: evaluation?.requiredApprovals ?? row.requiredApprovals,
    approvalsCounted: counted,
    ready: evaluation?.ready ?? false,
    promotable: evaluation?.promotable ?? false,
    ...(evaluation?.policyInvalid ? { policyInvalid: evaluation.policyInvalid } : {}),
    prod: prod ? prod.version : null,
    approvals: row.approvals.map((a) => ({
      id: a.id,
      user: { id: a.user.id, email: a.user.email, name: a.user.name },
      decision: a.decision as "approve" | "reject",
      comment: a.comment,
      manifestDigest: a.manifestDigest,
      credential: a.credential,
      counts:
        a.decision === "approve" &&
        a.manifestDigest === row.manifestDigest &&
        a.userId !== version.uploaderId &&
        (a.user.role === "reviewer" || a.user.role === "admin") &&
        !a.user.disabledAt,
      createdAt: a.createdAt.toISOString(),
    })),
  };
}
