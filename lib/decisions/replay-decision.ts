// POST /api/v1/decisions/{id}/replay: run a decision's input again on the exact version that made
// it — after proving the version is what was registered (the manifest hashes to its digest, the
// signature verifies, the artifact's bytes hash to the digest in the manifest) — and say whether
// the answer is identical, within the version's test-vector tolerances, or differs. Every replay,
// and every refusal to replay a version whose bytes fail verification, is audited.
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-event.ts";
import { credentialOf } from "../audit/credential.ts";
import type { Actor } from "../auth/roles.ts";
import { ModelRunError } from "../checks/model/model-run-error.ts";
import type { Tx } from "../db/types.ts";
import { AppError, notFound, unprocessable } from "../errors/app-error.ts";
import { compareOutputs } from "./compare-outputs.ts";
import type { DecisionServices } from "./decision-services.ts";
import { toReplayView } from "./get-decision.ts";
import { inputDigest, type Row } from "./input-digest.ts";
import { readTolerance } from "./read-tolerance.ts";
import { rowOutput, rowScore } from "./serving-models.ts";
import { verifyVersion } from "./verify-version.ts";
import { boundedJsonObject } from "./schemas.ts";
import { validateRows } from "./validate-rows.ts";
import type { ReplayResult } from "./views.ts";

export const replayBody = z
  .strictObject({
    input: boundedJsonObject()
      .optional()
      .describe("the original input, when the ledger keeps only its digest (or a redacted copy); it must match the stored digest"),
  })
  .default({});

export async function replayDecision(services: DecisionServices, opts: { actor: Actor; id: string; input?: Row }): Promise<ReplayResult> {
  const db = services.prisma;
  const decision = await db.decision.findUnique({
    where: { id: opts.id },
    select: { id: true, versionId: true, input: true, inputDigest: true, inputRetention: true, output: true, score: true },
  });
  if (!decision) throw notFound("decision_not_found", `no decision with id ${opts.id}`);

  const input = chooseInput(services, decision, opts.input);
  const integrity = await verifyVersion(services, decision.versionId);
  if (integrity.problems.length > 0) {
    await db.$transaction((tx) =>
      recordAuditEvent(tx, {
        actor: opts.actor,
        action: "decision.replay_refused",
        subject: { type: "decision", id: decision.id },
        payload: { version: integrity.version, manifestDigest: integrity.manifestDigest, problems: integrity.problems },
      }),
    );
    throw new AppError(
      "conflict",
      "version_integrity_failed",
      `version ${integrity.version} cannot be replayed: it no longer verifies (${integrity.problems.join("; ")})`,
    );
  }

  const runnable = await services.servingModels.get(decision.versionId);
  const problems = validateRows([input.row], runnable.schema, () => "input");
  if (problems.length > 0) throw unprocessable("invalid_input", "the input does not fit the version's input schema", problems);
  let predictions;
  try {
    predictions = await services.runModel(runnable, [input.row]);
  } catch (error) {
    if (error instanceof ModelRunError && error.code === "session_released") {
      services.servingModels.forget(decision.versionId);
      predictions = await services.runModel(await services.servingModels.get(decision.versionId), [input.row]);
    } else throw error;
  }
  const replayed = { output: rowOutput(predictions, 0), score: rowScore(predictions, 0) };
  const stored = { output: decision.output as Record<string, unknown>, score: decision.score };
  const tolerance = await readTolerance(services, runnable.manifest, decision.versionId);
  const comparison = compareOutputs(stored, replayed, tolerance);

  const row = await db.$transaction(async (tx: Tx) => {
    const created = await tx.decisionReplay.create({
      data: {
        decisionId: decision.id,
        outcome: comparison.outcome,
        output: replayed.output as object,
        score: replayed.score,
        maxAbsDiff: comparison.maxAbsDiff,
        inputSource: input.source,
        actorType: opts.actor.type,
        actorId: opts.actor.id,
        credential: credentialOf(opts.actor),
      },
    });
    await recordAuditEvent(tx, {
      actor: opts.actor,
      action: "decision.replayed",
      subject: { type: "decision", id: decision.id },
      payload: { replayId: created.id, outcome: comparison.outcome, maxAbsDiff: comparison.maxAbsDiff, version: integrity.version, manifestDigest: integrity.manifestDigest, inputSource: input.source },
    });
    return created;
  });
  return {
    decisionId: decision.id,
    replay: toReplayView(row),
    stored,
    tolerance,
    integrity: { manifest: "verified", artifact: "verified", signature: integrity.signed ? "verified" : "unsigned" },
  };
}

function chooseInput(
  services: DecisionServices,
  decision: { input: unknown; inputDigest: string; inputRetention: string },
  supplied: Row | undefined,
): { row: Row; source: "stored" | "supplied" } {
  if (supplied) {
    if (inputDigest(services.inputKey, supplied) !== decision.inputDigest)
      throw unprocessable("input_digest_mismatch", "the supplied input is not the one the decision was made on (its HMAC differs from the stored input digest)", [
        { path: "input", message: "does not match the stored input digest" },
      ]);
    return { row: supplied, source: "supplied" };
  }
  if (decision.inputRetention === "full" && decision.input !== null) return { row: decision.input as Row, source: "stored" };
  throw unprocessable(
    "input_required",
    `the ledger keeps ${decision.inputRetention === "digest" ? "only the digest of" : "a redacted copy of"} this decision's input; send the original as {"input": {...}} (it is checked against the stored digest)`,
    [{ path: "input", message: "required for this decision" }],
  );
}

