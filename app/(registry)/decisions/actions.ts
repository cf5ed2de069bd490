"use server";
// Replaying a decision from the browser: the same service and rule as POST /api/v1/decisions/{id}/replay
// (decisions.replay: auditors and admins), through the one server-action wrapper. The service verifies
// the version's bytes before it runs anything and audits every replay and every refusal.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { replayDecision } from "@/lib/decisions/replay-decision";
import { decisionHref } from "@/components/links";
import { explainReplayRefusal, type ReplayFormResult, type ReplayInput } from "@/components/decisions/replay-state";
import { serverAction } from "@/app/_lib/server-action";

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
