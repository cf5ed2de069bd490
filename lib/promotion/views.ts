// What the API and the pages show of requests, decisions and stage history.
import { z } from "zod";
import type { Gate } from "./gates.ts";
import { promotionTargets, requestStatuses } from "./state-machine.ts";

const userRef = z.object({ id: z.string(), email: z.string(), name: z.string() }).meta({ id: "UserRef" });

export const gateSchema = z
  .object({
    id: z.string().describe("check.validation | check.fairness | check.adversarial | check.security | card | schema | approvals"),
    label: z.string(),
    status: z.enum(["pass", "fail", "pending", "waived"]),
    detail: z.string().describe("why it passes, or what is missing, in a sentence"),
    changes: z.array(z.object({ breaking: z.boolean(), feature: z.string().optional(), message: z.string() })).optional(),
    missing: z.array(z.object({ item: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Gate" });

export const approvalViewSchema = z
  .object({
    id: z.string(),
    user: userRef,
    decision: z.enum(["approve", "reject"]),
    comment: z.string(),
    manifestDigest: z.string().describe("the digest the reviewer was shown and signed off"),
    credential: z.string(),
    counts: z.boolean().describe("whether this approval counts toward the request now"),
    createdAt: z.string(),
  })
  .meta({ id: "Approval" });

export const promotionSummarySchema = z
  .object({
    id: z.string(),
    model: z.string(),
    version: z.string(),
    manifestDigest: z.string(),
    from: z.string(),
    to: z.enum(promotionTargets),
    status: z.enum(requestStatuses),
    reason: z.string(),
    requestedBy: userRef.nullable(),
    requiredApprovals: z.number(),
    gates: z.array(gateSchema).describe("the gates as last evaluated (GET /promotions/{id} re-evaluates them)"),
    blockedReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: "PromotionRequestSummary" });
export type PromotionSummary = z.infer<typeof promotionSummarySchema>;

export const promotionViewSchema = promotionSummarySchema
  .extend({
    approvals: z.array(approvalViewSchema),
    approvalsCounted: z.number(),
    ready: z.boolean().describe("every gate but approvals passes now"),
    promotable: z.boolean(),
    policyInvalid: z.string().optional().describe("the model's stored policy does not parse; the defaults apply"),
    prod: z.object({ version: z.string(), manifestDigest: z.string() }).nullable().describe("what the target stage's alias points at now"),
  })
  .meta({ id: "PromotionRequest" });
export type PromotionView = z.infer<typeof promotionViewSchema>;

export const stageEventSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["registered", "promoted", "archived", "rolled_back", "restored", "alias_set", "alias_removed"]),
    version: z.string(),
    fromStage: z.string().nullable(),
    toStage: z.string().nullable(),
    alias: z.string().nullable(),
    requestId: z.string().nullable(),
    actor: z.object({ type: z.string(), id: z.string(), email: z.string().nullable() }),
    reason: z.string(),
    at: z.string(),
  })
  .meta({ id: "StageEvent" });
export type StageEventView = z.infer<typeof stageEventSchema>;

export const requestInclude = {
  model: { select: { name: true } },
  version: { select: { version: true } },
  requestedBy: { select: { id: true, email: true, name: true } },
} as const;

type RequestRow = {
  id: string;
  manifestDigest: string;
  fromStage: string;
  toStage: string;
  status: string;
  reason: string;
  requiredApprovals: number;
  gates: unknown;
  blockedReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  model: { name: string };
  version: { version: string };
  requestedBy: { id: string; email: string; name: string } | null;
};

export function toPromotionSummary(r: RequestRow): PromotionSummary {
  return {
    id: r.id,
    model: r.model.name,
    version: r.version.version,
    manifestDigest: r.manifestDigest,
    from: r.fromStage === "none" ? "dev" : r.fromStage,
    to: r.toStage as PromotionSummary["to"],
    status: r.status as PromotionSummary["status"],
    reason: r.reason,
    requestedBy: r.requestedBy,
    requiredApprovals: r.requiredApprovals,
    gates: (Array.isArray(r.gates) ? r.gates : []) as Gate[],
    blockedReason: r.blockedReason,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
  };
}
