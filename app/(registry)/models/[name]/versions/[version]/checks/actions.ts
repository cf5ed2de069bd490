"use server";
// Rerunning checks from the browser: the same service and rules as POST …/checks (the checks.run
// permission, on models the signed-in user owns unless they are an admin); audited by rerunChecks,
// jobs sent after the commit.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { rerunChecks } from "@/lib/checks/request-checks";
import { checkKinds } from "@/lib/checks/types";
import { checksHref } from "@/components/links";
import type { RerunChecksInput, RerunChecksResult } from "@/components/checks/rerun-state";
import { versionHref } from "@/components/links";
import { serverAction } from "@/app/_lib/server-action";

const rerun = serverAction({
  action: "checks.run",
  input: z.object({ model: z.string().min(1).max(200), version: z.string().min(1).max(200), kind: z.enum(checkKinds).optional() }),
  run: async ({ actor, input: { model, version, kind }, services }) => {
    const runs = await rerunChecks(services.prisma, { actor, model, version, kinds: kind ? [kind] : undefined, onChecksChanged: services.onChecksChanged });
    // Committed first; a failed send is picked up by the workers' sweep, so the rerun still happens.
    await services.checkQueue.dispatch(runs.map((r) => r.id)).catch(() => undefined);
    revalidatePath(versionHref(model, version));
    revalidatePath(checksHref(model, version));
    return { message: runs.length === 1 ? `Queued a new ${runs[0]!.kind} run.` : `Queued ${runs.length} new check runs.` };
  },
});

export async function rerunChecksAction(input: RerunChecksInput): Promise<RerunChecksResult> {
  const result = await rerun(input);
  return { ok: result.ok, message: result.message };
}
