// Helpers for integration tests that drive the workflow through the real services: check results
// recorded as a worker records them, refusals caught as the AppError they are, a complete model card.
import { expect } from "vitest";
import { claimCheckRun, finishCheckRun } from "../checks/record-check-result.ts";
import type { CheckKind } from "../checks/types.ts";
import { AppError } from "../errors/app-error.ts";
import type { Services } from "../server/services.ts";

/** A model card with every item the prod gate asks for. */
export const COMPLETE_CARD = [
  "---",
  "owner: risk-models@bank.example",
  "---",
  "# Credit risk",
  "## Intended use",
  "Scoring consumer credit applications for manual review.",
  "## Limitations",
  "Not validated for business loans.",
  "## Fairness",
  "Demographic parity ratio by sex is reported by the registry's fairness check.",
].join("\n");

/** Finishes the version's queued runs with these verdicts (pass unless named), as a worker would. */
export async function finishChecks(
  services: Services,
  versionId: string,
  verdicts: Partial<Record<CheckKind, "pass" | "fail" | "not_applicable">> = {},
): Promise<void> {
  const runs = await services.prisma.checkRun.findMany({ where: { versionId, status: { not: "finished" } }, select: { id: true, kind: true } });
  for (const run of runs) {
    const claimed = await claimCheckRun(services.prisma, { runId: run.id, workerId: "test" });
    expect(claimed).not.toBeNull();
    const verdict = verdicts[run.kind] ?? "pass";
    await finishCheckRun(services.prisma, {
      runId: run.id,
      workerId: "test",
      outcome: { verdict, summary: `${run.kind} ${verdict} (test)`, metrics: {}, findings: [] },
      log: "",
      startedAt: new Date(),
      onChecksChanged: services.onChecksChanged,
    });
  }
}

/** The AppError a call is refused with; fails the test when the call succeeds. */
export async function refused(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected the call to be refused");
}
