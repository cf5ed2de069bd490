// Shared between the replay server action and its panel (a "use server" module may only export
// async functions, so the types and the wording of refusals live here). Each refusal the replay
// service can give is said in terms of what the auditor sees and what to do next.
import type { ReplayResult } from "@/lib/decisions/views";

export type ReplayInput = { id: string; input?: Record<string, unknown> };

export type ReplayFormResult =
  | { ok: true; result: ReplayResult }
  | { ok: false; code: string; message: string; fieldErrors?: Record<string, string> };

const explanations: Record<string, string> = {
  input_required:
    "The ledger kept only the digest of this decision's input (or a redacted copy), so the replay needs the original input. Paste it below: it is checked against the stored digest before anything runs.",
  input_digest_mismatch:
    "That input is not the one the decision was made on: its HMAC differs from the stored input digest. Nothing was run. Check the values (numbers must be exactly as sent, e.g. 0.8 and not 0.80000001).",
  decision_not_found: "This decision no longer exists. Go back to the decision search.",
  authentication_required: "Your session has ended. Sign in again and retry.",
  auditor_required: "Replaying decisions is for auditors and admins.",
};

/** The words the panel shows for a refused replay: ours where we have better ones, the service's otherwise. */
export function explainReplayRefusal(code: string, serviceMessage: string): string {
  // The integrity refusal names what no longer verifies; that detail is the point.
  if (code === "version_integrity_failed") return `Not replayed: ${serviceMessage} The refusal is in the audit log.`;
  return explanations[code] ?? serviceMessage;
}

/** Starting a bulk replay from the browser: what was typed (times as `datetime-local`, UTC). */
export type ReplayJobFormInput = { model: string; version?: string; from?: string; to?: string };

export type ReplayJobFormResult = { ok: true; job: { id: string } } | { ok: false; code: string; message: string; fieldErrors?: Record<string, string> };
