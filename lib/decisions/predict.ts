// POST /api/v1/models/{name}/predict: run rows on the version an alias (or a version string) names,
// and answer only after every decision is committed to the ledger.
import type { Actor } from "../auth/roles.ts";
import { assertAllowed } from "../auth/permissions.ts";
import { credentialOf } from "../audit/credential.ts";
import { ModelRunError } from "../checks/model/model-run-error.ts";
import { unprocessable } from "../errors/app-error.ts";
import { newDecisionId } from "./decision-id.ts";
import type { DecisionServices } from "./decision-services.ts";
import { inputDigest, retainInput, type Row } from "./input-digest.ts";
import type { DecisionRecord } from "./insert-decisions.ts";
import { assertRunnable, rowOutput, rowScore } from "./serving-models.ts";
import { validateRows } from "./validate-rows.ts";

/** Aliases anyone who may read the model may run; every other version is its owners' (or an admin's). */
export const SERVING_ALIASES: readonly string[] = ["prod", "staging"];

export type PredictOptions = {
  actor: Actor;
  model: string;
  alias?: string;
  version?: string;
  rows: readonly unknown[];
  requestId?: string;
  metadata?: Record<string, unknown>;
};

export type PredictResult = {
  model: string;
  version: string;
  manifestDigest: string;
  decisions: { id: string; output: Record<string, unknown>; score: number | null }[];
};

export async function predict(services: DecisionServices, opts: PredictOptions): Promise<PredictResult> {
  const { maxRows } = services.config.decisions;
  if (opts.rows.length > maxRows)
    throw unprocessable("too_many_rows", `at most ${maxRows} rows per request (PREDICT_MAX_ROWS); split the batch`, [
      { path: "rows", message: `${opts.rows.length} rows; at most ${maxRows}` },
    ]);
  const alias = opts.version === undefined ? (opts.alias ?? "prod") : undefined;
  const target = await services.servingModels.target({ model: opts.model, alias, version: opts.version });
  if (alias === undefined || !SERVING_ALIASES.includes(alias)) assertAllowed(opts.actor, "predict.any", { owners: target.owners });
  assertRunnable(target);

  const runnable = await services.servingModels.get(target.versionId);
  const errors = validateRows(opts.rows, runnable.schema);
  if (errors.length > 0) throw unprocessable("invalid_rows", `${errors.length === 50 ? "50 or more" : errors.length} problem(s) with the rows; nothing was run or recorded`, errors);
  const rows = opts.rows as Row[];

  const started = performance.now();
  const at = new Date();
  let predictions;
  try {
    predictions = await services.runModel(runnable, rows);
  } catch (error) {
    if (error instanceof ModelRunError && error.code === "session_released") {
      services.servingModels.forget(target.versionId);
      predictions = await services.runModel(await services.servingModels.get(target.versionId), rows);
    } else if (error instanceof ModelRunError) {
      throw unprocessable("model_run_failed", `the model could not run these rows; nothing was recorded: ${error.message}`);
    } else throw error;
  }
  const latencyMs = performance.now() - started;

  const credential = credentialOf(opts.actor);
  const records: DecisionRecord[] = rows.map((row, i) => {
    const kept = retainInput(row, services.retention);
    return {
      id: newDecisionId(at),
      at,
      modelId: target.modelId,
      versionId: target.versionId,
      manifestDigest: target.manifestDigest,
      source: "predict",
      inputDigest: inputDigest(services.inputKey, row),
      inputRetention: services.retention.mode,
      input: kept.input,
      redactedFields: kept.redactedFields,
      output: rowOutput(predictions, i),
      score: rowScore(predictions, i),
      latencyMs,
      actorType: opts.actor.type,
      actorId: opts.actor.id,
      credential,
      requestId: opts.requestId ?? null,
      clientId: null,
      batchId: null,
      metadata: opts.metadata ?? null,
    };
  });
  await services.ledger.append(records);
  return {
    model: target.model,
    version: target.version,
    manifestDigest: target.manifestDigest,
    decisions: records.map((r) => ({ id: r.id, output: r.output as Record<string, unknown>, score: r.score })),
  };
}
