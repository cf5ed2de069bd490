"use server";
// Replaying a decision from the browser: the same service and rule as POST /api/v1/decisions/{id}/replay
// (decisions.replay: auditors and admins), through the one server-action wrapper. The service verifies
// the version's bytes before it runs anything and audits every replay and every refusal.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createReplayJob, createReplayJobBody } from "@/lib/decisions/create-replay-job";
import { replayDecision } from "@/lib/decisions/replay-decision";
import { decisionHref, replayJobsHref } from "@/components/links";
import { explainReplayRefusal, type ReplayFormResult, type ReplayInput, type ReplayJobFormInput, type ReplayJobFormResult } from "@/components/decisions/replay-state";
import { serverAction } from "@/app/_lib/server-action";
import { utcInstant } from "@/app/_lib/utc-instant";

const replay = serverAction({
  action: "decisions.replay",
  input: z.object({ id: z.uuid(), input: z.record(z.string(), z.unknown()).optional() }),
  run: async ({ actor, input, services }) => {
    const result = await replayDecision(services.decisions, { actor, id: input.id, ...(input.input ? { input: input.input } : {}) });
    // The page lists previous replays: the new one belongs there on the next render.
    revalidatePath(decisionHref(input.id));
    return { result };
  },
});

export async function replayDecisionAction(input: ReplayInput): Promise<ReplayFormResult> {
  const r = await replay(input);
  if (r.ok) return { ok: true, result: r.result };
  return { ok: false, code: r.code, message: explainReplayRefusal(r.code, r.message), ...(r.fieldErrors ? { fieldErrors: r.fieldErrors } : {}) };
}

// Starting a bulk replay from the browser: the same service and rule as POST /api/v1/replay-jobs
// (decisions.replay). The form's times are `datetime-local` values read as UTC.
const typedTime = z
  .string()
  .trim()
  .max(40)
  .optional()
  .transform((value, ctx) => {
    const t = utcInstant(value || undefined);
    if (t.invalid) ctx.addIssue({ code: "custom", message: "Not a date and time." });
    return t.iso;
  });
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || undefined);
const startReplayJob = serverAction({
  action: "decisions.replay",
  input: z
    .object({ model: z.string().trim().min(1, "Required.").max(100), version: optionalText(128), from: typedTime, to: typedTime })
    // Left out, not undefined: the filter is stored as the job's JSON and read back by the API.
    .transform(({ model, version, from, to }) => ({ model, ...(version ? { version } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) }))
    .pipe(createReplayJobBody),
  run: async ({ actor, input, services }) => {
    const job = await createReplayJob(services.prisma, { actor, filter: input });
    revalidatePath(replayJobsHref());
    return { job: { id: job.id } };
  },
});

/** The service's "no such model/version" refusals belong next to the field that named it. */
const fieldOf: Record<string, string> = { model_not_found: "model", version_not_found: "version" };

export async function startReplayJobAction(input: ReplayJobFormInput): Promise<ReplayJobFormResult> {
  const r = await startReplayJob(input);
  if (r.ok) return { ok: true, job: r.job };
  const field = fieldOf[r.code];
  return { ok: false, code: r.code, message: r.message, ...(field ? { fieldErrors: { [field]: r.message } } : r.fieldErrors ? { fieldErrors: r.fieldErrors } : {}) };
}
