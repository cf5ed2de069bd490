// The stage policy: the thresholds the checks gate on (docs/envelope.md, "Stage policy"). Defaults are
// defaultThresholds (thresholds.ts); a model may override any of them (PUT /models/{name}/policy,
// admin only, audited), because no single fairness or robustness threshold is right for every use.
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-event.ts";
import type { Actor } from "../auth/roles.ts";
import type { Db, Tx } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import { assertAllowed } from "../auth/permissions.ts";
import { defaultThresholds, type Thresholds } from "./thresholds.ts";

const fraction = z.number().min(0).max(1);

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
  })
  .partial()
  .meta({ id: "PolicyOverrides", description: "Per-model overrides of the default stage policy; omitted fields use the default" });
export type PolicyOverrides = z.infer<typeof policyOverridesSchema>;

export const policyViewSchema = z
  .object({
    model: z.string(),
    overrides: policyOverridesSchema,
    defaults: z.object({ thresholds: z.record(z.string(), z.record(z.string(), z.unknown())) }),
    effective: z.object({ thresholds: z.record(z.string(), z.record(z.string(), z.unknown())) }),
  })
  .meta({ id: "Policy" });
export type PolicyView = z.infer<typeof policyViewSchema>;

/** Defaults with the model's overrides applied, field by field. */
export function resolveThresholds(overrides: PolicyOverrides | undefined): Thresholds {
  const resolved = structuredClone(defaultThresholds);
  for (const kind of Object.keys(resolved) as (keyof Thresholds)[]) Object.assign(resolved[kind], overrides?.thresholds?.[kind] ?? {});
  return resolved;
}

/** Stored overrides are re-validated on read: a row written by an older version must not break checks. */
export function parseStoredOverrides(value: unknown): PolicyOverrides {
  const parsed = policyOverridesSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}

function toView(model: string, overrides: PolicyOverrides): PolicyView {
  return { model, overrides, defaults: { thresholds: defaultThresholds }, effective: { thresholds: resolveThresholds(overrides) } };
}

export async function getModelPolicy(db: Tx, { name }: { name: string }): Promise<PolicyView> {
  const model = await db.model.findUnique({ where: { name }, select: { policy: true } });
  if (!model) throw notFound("model_not_found", `no model named '${name}'`);
  return toView(name, parseStoredOverrides(model.policy));
}

/** Replaces the model's overrides (send {} to go back to the defaults). Later check runs use them. */
export async function updateModelPolicy(db: Db, { actor, name, overrides }: { actor: Actor; name: string; overrides: PolicyOverrides }): Promise<PolicyView> {
  assertAllowed(actor, "policy.manage");
  return db.$transaction(async (tx) => {
    const before = await tx.model.findUnique({ where: { name }, select: { policy: true } });
    if (!before) throw notFound("model_not_found", `no model named '${name}'`);
    await tx.model.update({ where: { name }, data: { policy: overrides as object } });
    await recordAuditEvent(tx, {
      actor,
      action: "model.policy_updated",
      subject: { type: "model", id: name },
      payload: { before: parseStoredOverrides(before.policy), after: overrides },
    });
    return toView(name, overrides);
  });
}
