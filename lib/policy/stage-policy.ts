// The stage policy: the thresholds the checks gate on and the promotion settings (approvals per
// stage, waivers of not-applicable checks) (docs/envelope.md, "Stage policy"; docs/promotion.md).
// Defaults are defaultThresholds (thresholds.ts) and defaultPromotion; a model may override any of
// them (PUT /models/{name}/policy, admin only, audited), because no single fairness or robustness
// threshold is right for every use.
//
// Stored policies carry `schemaVersion`. When the schema grows, readStoredPolicy upgrades older
// rows on read (and a migration rewrites them); a stored policy that still does not parse — or was
// written by a newer registry — fails closed: the defaults apply, waivers do not, and the view says so.
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-event.ts";
import type { Actor } from "../auth/roles.ts";
import type { Db, Tx } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import { assertAllowed } from "../auth/permissions.ts";
import { defaultThresholds, type Thresholds } from "./thresholds.ts";

const fraction = z.number().min(0).max(1);

/** The schema version this code writes. 1: thresholds only (rows without the field); 2: + promotion. */
export const POLICY_SCHEMA_VERSION = 2 as const;

/** The check kinds (lib/checks owns them; the policy, a layer below, names them for waivers). */
export const policyCheckKinds = ["validation", "fairness", "adversarial", "security"] as const;
export type PolicyCheckKind = (typeof policyCheckKinds)[number];

/** Approvals and waivers: what the promotion gates ask for besides the checks. */
export type PromotionPolicy = {
  requiredApprovals: { staging: number; prod: number };
  /** Checks whose `not_applicable` verdict does not block (e.g. fairness for a non-ONNX artifact), with why. */
  waivers: { check: PolicyCheckKind; reason: string }[];
};

/** → staging needs no human approval unless the model's policy asks; → prod needs two reviewers. */
export const defaultPromotion: PromotionPolicy = { requiredApprovals: { staging: 0, prod: 2 }, waivers: [] };

const promotionOverridesSchema = z
  .strictObject({
    requiredApprovals: z
      .strictObject({
        staging: z.number().int().min(0).max(10),
        prod: z.number().int().min(2, "prod always needs at least two reviewers' approval").max(10),
      })
      .partial(),
    waivers: z
      .array(z.strictObject({ check: z.enum(policyCheckKinds), reason: z.string().trim().min(1, "say why the check may be skipped").max(1000) }))
      .max(policyCheckKinds.length)
      .refine((w) => new Set(w.map((x) => x.check)).size === w.length, "one waiver per check"),
  })
  .partial()
  .describe("Approvals per stage and waivers of not_applicable verdicts (a waiver never excuses a failed check)");

export const policyOverridesSchema = z
  .strictObject({
    thresholds: z
      .strictObject({
        fairness: z
          .strictObject({
            minDemographicParityRatio: fraction,
            maxEqualizedOddsDifference: fraction,
            minGroupSize: z.number().int().min(1).max(1_000_000),
          })
          .partial(),
        adversarial: z
          .strictObject({
            defaultEpsilon: z.number().positive().max(1),
            maxFlipRate: fraction,
            sampleSize: z.number().int().min(10).max(100_000),
          })
          .partial(),
        security: z
          .strictObject({
            maxArtifactBytes: z.number().int().positive().max(64 * 1024 ** 3),
            pickleAllowList: z.array(z.string().min(1).max(200)).max(500),
          })
          .partial(),
        validation: z.strictObject({ maxTestVectorCases: z.number().int().min(1).max(1_000_000) }).partial(),
      })
      .partial(),
    promotion: promotionOverridesSchema,
    schemaVersion: z.literal(POLICY_SCHEMA_VERSION).optional().describe("set by the registry; older stored policies are upgraded on read"),
  })
  .partial()
  .meta({ id: "PolicyOverrides", description: "Per-model overrides of the default stage policy; omitted fields use the default" });
export type PolicyOverrides = z.infer<typeof policyOverridesSchema>;

const promotionViewSchema = z.object({
  requiredApprovals: z.object({ staging: z.number(), prod: z.number() }),
  waivers: z.array(z.object({ check: z.enum(policyCheckKinds), reason: z.string() })),
});
const resolvedSchema = z.object({ thresholds: z.record(z.string(), z.record(z.string(), z.unknown())), promotion: promotionViewSchema });

export const policyViewSchema = z
  .object({
    model: z.string(),
    overrides: policyOverridesSchema,
    defaults: resolvedSchema,
    effective: resolvedSchema,
    invalid: z
      .string()
      .optional()
      .describe("set when the stored policy no longer parses: the registry fails closed (defaults, no waivers) until an admin saves a valid one"),
  })
  .meta({ id: "Policy" });
export type PolicyView = z.infer<typeof policyViewSchema>;

/** Defaults with the model's overrides applied, field by field. */
export function resolveThresholds(overrides: PolicyOverrides | undefined): Thresholds {
  const resolved = structuredClone(defaultThresholds);
  for (const kind of Object.keys(resolved) as (keyof Thresholds)[]) Object.assign(resolved[kind], overrides?.thresholds?.[kind] ?? {});
  return resolved;
}

/** Defaults with the model's approval settings and waivers applied. */
export function resolvePromotion(overrides: PolicyOverrides | undefined): PromotionPolicy {
  return {
    requiredApprovals: { ...defaultPromotion.requiredApprovals, ...overrides?.promotion?.requiredApprovals },
    waivers: overrides?.promotion?.waivers ?? [],
  };
}

/** Older stored shapes, upgraded to the current one. Version 1 (no schemaVersion) is valid version 2. */
function upgrade(value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value) && !("schemaVersion" in value)) return { ...value, schemaVersion: POLICY_SCHEMA_VERSION };
  return value;
}

export type StoredPolicy = { overrides: PolicyOverrides; invalid?: string };

/**
 * A stored policy, upgraded and re-validated on read. One that does not parse fails closed: no
 * overrides (so the default thresholds and approvals apply and no waiver excuses anything), with
 * the reason for the UI.
 */
export function readStoredPolicy(value: unknown): StoredPolicy {
  const parsed = policyOverridesSchema.safeParse(upgrade(value ?? {}));
  if (parsed.success) return { overrides: parsed.data };
  const first = parsed.error.issues[0];
  return {
    overrides: {},
    invalid: `the stored policy does not parse (${first ? `${first.path.join(".") || "policy"}: ${first.message}` : "invalid"}); the defaults apply and no waiver counts until an admin saves a valid policy`,
  };
}

/** Stored overrides, failing closed to none (see readStoredPolicy). */
export function parseStoredOverrides(value: unknown): PolicyOverrides {
  return readStoredPolicy(value).overrides;
}

function toView(model: string, stored: StoredPolicy): PolicyView {
  return {
    model,
    overrides: stored.overrides,
    defaults: { thresholds: defaultThresholds, promotion: defaultPromotion },
    effective: { thresholds: resolveThresholds(stored.overrides), promotion: resolvePromotion(stored.overrides) },
    ...(stored.invalid ? { invalid: stored.invalid } : {}),
  };
}

export async function getModelPolicy(db: Tx, { name }: { name: string }): Promise<PolicyView> {
  const model = await db.model.findUnique({ where: { name }, select: { policy: true } });
  if (!model) throw notFound("model_not_found", `no model named '${name}'`);
  return toView(name, readStoredPolicy(model.policy));
}

/** Replaces the model's overrides (send {} to go back to the defaults). Later check runs use them. */
export async function updateModelPolicy(db: Db, { actor, name, overrides }: { actor: Actor; name: string; overrides: PolicyOverrides }): Promise<PolicyView> {
  assertAllowed(actor, "policy.manage");
  return db.$transaction(async (tx) => {
    const before = await tx.model.findUnique({ where: { name }, select: { policy: true } });
    if (!before) throw notFound("model_not_found", `no model named '${name}'`);
    const stored = { ...overrides, schemaVersion: POLICY_SCHEMA_VERSION };
    await tx.model.update({ where: { name }, data: { policy: stored as object } });
    await recordAuditEvent(tx, {
      actor,
      action: "model.policy_updated",
      subject: { type: "model", id: name },
      // The raw stored value too: an unparseable policy being replaced is worth keeping as it was.
      payload: { before: readStoredPolicy(before.policy).invalid ? before.policy : parseStoredOverrides(before.policy), after: stored },
    });
    return toView(name, { overrides: stored });
  });
}
