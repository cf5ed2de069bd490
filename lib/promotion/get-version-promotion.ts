// Where one version stands in the workflow, for its version page: its stage, the next stage, the
// open request for it (with its gates as evaluated now), or — when nothing is requested yet — the
// gates it would face for the next stage today (approvals counted as none), so an owner sees what
// is missing before asking.
import type { Tx } from "../db/types.ts";
import type { ObjectStore } from "../storage/index.ts";
import { cardCompleteness } from "./card-completeness.ts";
import { evaluateVersionGates, loadVersionFacts, readCardCompleteness } from "./facts.ts";
import type { Gate } from "./gates.ts";
import { getPromotion } from "./get-promotion.ts";
import { nextStage, openStatuses, type PromotionTarget, type Stage } from "./state-machine.ts";
import type { PromotionView } from "./views.ts";

export type VersionPromotion = {
  stage: Stage;
  /** The stage this version may be requested for; null in prod or archived. */
  next: PromotionTarget | null;
  /** The open request for `next`, gates re-evaluated now. */
  openRequest: PromotionView | null;
  /** The open request's gates, or a preview for `next` with no approvals counted; empty when there is no next stage. */
  gates: Gate[];
  requiredApprovals: number;
};

export async function getVersionPromotion(deps: { prisma: Tx; store: ObjectStore }, { model, version }: { model: string; version: string }): Promise<VersionPromotion> {
  const facts = await loadVersionFacts(deps.prisma, { model, version });
  const next = nextStage(facts.stage) ?? null;
  if (!next) return { stage: facts.stage, next, openRequest: null, gates: [], requiredApprovals: 0 };
  const open = await deps.prisma.promotionRequest.findFirst({ where: { versionId: facts.id, toStage: next, status: { in: [...openStatuses] } }, select: { id: true } });
  if (open) {
    const request = await getPromotion(deps.prisma, { id: open.id });
    return { stage: facts.stage, next, openRequest: request, gates: request.gates, requiredApprovals: request.requiredApprovals };
  }
  // An unreadable card (missing or corrupt blob) counts as no card: the preview must not fail the page.
  const card = await readCardCompleteness(deps.prisma, deps.store, facts.id).catch(() => cardCompleteness(undefined));
  const preview = await evaluateVersionGates(deps.prisma, { version: facts, target: next, card, approvals: () => 0 });
  return { stage: facts.stage, next, openRequest: null, gates: preview.gates, requiredApprovals: preview.requiredApprovals };
}
