"use server";
// Rerunning checks from the browser. Same rules as POST /api/v1/models/{name}/versions/{version}/checks:
// the session must carry the "write" scope (contributors, reviewers and admins), the rerun is audited
// by rerunChecks, and jobs are sent after the commit. Next checks the Origin of server-action POSTs,
// so this cannot be triggered cross-site.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getPageActor } from "@/lib/auth/next-auth";
import { hasScope } from "@/lib/auth/roles";
import { rerunChecks } from "@/lib/checks/request-checks";
import { checkKinds } from "@/lib/checks/types";
import { AppError } from "@/lib/http/errors";
import { getServices } from "@/lib/server/services";
import { checksHref } from "@/components/checks/check-format";
import type { RerunChecksInput, RerunChecksResult } from "@/components/checks/rerun-state";
import { versionHref } from "@/components/links";

const rerunInput = z.object({
  model: z.string().min(1).max(200),
  version: z.string().min(1).max(200),
  kind: z.enum(checkKinds).optional(),
});

export async function rerunChecksAction(input: RerunChecksInput): Promise<RerunChecksResult> {
  const actor = await getPageActor();
  if (!actor) return { ok: false, message: "Your session has ended. Sign in again and retry." };
  // The button is hidden for these roles; this is the check that counts.
  if (!hasScope(actor, "write")) return { ok: false, message: `Rerunning checks needs the contributor role or above; you are ${/^[aeiou]/.test(actor.role) ? "an" : "a"} ${actor.role}.` };
  const parsed = rerunInput.safeParse(input);
  if (!parsed.success) return { ok: false, message: "That is not a valid check to rerun." };
  const { model, version, kind } = parsed.data;
  try {
    const services = await getServices();
    const runs = await rerunChecks(services.prisma, { actor, model, version, kinds: kind ? [kind] : undefined });
    // Committed first; a failed send is picked up by the workers' sweep, so the rerun still happens.
    await services.checkQueue.dispatch(runs.map((r) => r.id)).catch(() => undefined);
    revalidatePath(versionHref(model, version));
    revalidatePath(checksHref(model, version));
    return { ok: true, message: runs.length === 1 ? `Queued a new ${runs[0]!.kind} run.` : `Queued ${runs.length} new check runs.` };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, message: error.message };
    throw error;
  }
}
