"use client";
// Approve or reject a request, bound to the manifest digest this page showed: the digest travels in
// a hidden field, and the service refuses (409 digest_mismatch) if the request is for other bytes
// now. A rejection needs a comment; approving may carry one. The reason approving is closed (gates
// not passed) stays visible next to the form. After a decision the page re-renders with the new
// state (what is still missing); the outcome is announced here too.
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Button } from "../ui/button";
import { describedBy, FieldShell, FormOutcome, controlClasses } from "./field";
import type { DecideInput, PromotionFormResult } from "./form-state";

export function DecisionForm({
  requestId,
  manifestDigest,
  allowApprove,
  approveBlockedReason,
  decide,
}: {
  requestId: string;
  /** The digest this page displays: what the reviewer signs off. */
  manifestDigest: string;
  allowApprove: boolean;
  /** Shown when approving is closed but rejecting is open (gates not passed). */
  approveBlockedReason?: string;
  decide: (input: DecideInput) => Promise<PromotionFormResult>;
}) {
  const router = useRouter();
  const [result, setResult] = useState<PromotionFormResult | null>(null);
  const [pending, start] = useTransition();
  const [choice, setChoice] = useState<"approve" | "reject" | null>(null);
  const commentError = result && !result.ok ? result.fieldErrors?.comment : undefined;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const decision = (submitter?.value ?? "approve") as "approve" | "reject";
    const comment = String(form.get("comment") ?? "");
    if (decision === "reject" && !comment.trim()) {
      setResult({ ok: false, code: "comment_required", message: "Say why you reject it: a rejection needs a comment.", fieldErrors: { comment: "Required when rejecting." } });
      (event.currentTarget.elements.namedItem("comment") as HTMLTextAreaElement | null)?.focus();
      return;
    }
    setChoice(decision);
    start(async () => {
      const r = await decide({ id: requestId, decision, comment, manifestDigest: String(form.get("manifestDigest")) });
      setResult(r);
      if (r.ok) router.refresh();
    });
  };

  return (
    <form onSubmit={submit} className="space-y-4" aria-describedby="decision-outcome" noValidate>
      <input type="hidden" name="manifestDigest" value={manifestDigest} />
      <FieldShell
        id="decision-comment"
        label="Comment"
        hint="Required when you reject (the requester reads it); optional when you approve."
        error={commentError}
      >
        <textarea
          id="decision-comment"
          name="comment"
          rows={4}
          maxLength={4000}
          aria-invalid={commentError ? true : undefined}
          aria-describedby={describedBy("decision-comment", commentError, true)}
          className={controlClasses}
        />
      </FieldShell>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        You sign off the manifest digest shown on this page, <code className="font-mono break-all">sha256:{manifestDigest.slice(0, 16)}…</code>; if the request is for other bytes by
        the time you submit, nothing is recorded.
      </p>
      {!allowApprove && approveBlockedReason ? (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-600/25 ring-inset dark:bg-amber-400/10 dark:text-amber-200 dark:ring-amber-400/30">
          {approveBlockedReason}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {allowApprove ? (
          <Button type="submit" name="decision" value="approve" disabled={pending}>
            {pending && choice === "approve" ? "Approving…" : "Approve"}
          </Button>
        ) : null}
        <Button type="submit" name="decision" value="reject" variant={allowApprove ? "secondary" : "danger"} disabled={pending}>
          {pending && choice === "reject" ? "Rejecting…" : "Reject"}
        </Button>
      </div>
      <FormOutcome id="decision-outcome" result={result} />
    </form>
  );
}
