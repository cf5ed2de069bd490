"use client";
// Ask for a version to move to its next stage, with a reason. For the version page and the model
// page: `to` is the next stage (dev → staging, staging → prod); the request is evaluated at once,
// and a request that needs no approval (→ staging by default) is promoted at once; one that waits
// opens its request page.
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Button } from "../ui/button";
import { describedBy, FieldShell, FormOutcome, controlClasses } from "./field";
import type { PromotionFormResult, RequestInput } from "./form-state";

export function RequestPromotionForm({
  model,
  version,
  to,
  request,
  compact = false,
}: {
  model: string;
  version: string;
  to: "staging" | "prod";
  request: (input: RequestInput) => Promise<PromotionFormResult>;
  /** One-line reason field, for lists (the model page). */
  compact?: boolean;
}) {
  const router = useRouter();
  const [result, setResult] = useState<PromotionFormResult | null>(null);
  const [pending, start] = useTransition();
  const id = `promote-${model}-${version}-${to}`.replace(/[^a-zA-Z0-9_-]/g, "-");
  const reasonError = result && !result.ok ? result.fieldErrors?.reason : undefined;
  const hint = to === "prod" ? "Reviewers read this. Prod needs every gate and the approvals the model's policy asks for." : "Staging needs passing validation and security checks.";

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "").trim();
    if (!reason) {
      setResult({ ok: false, code: "invalid_input", message: "Say why this version should move.", fieldErrors: { reason: "Required." } });
      return;
    }
    start(async () => {
      const r = await request({ model, version, to, reason });
      setResult(r);
      if (r.ok) {
        (event.target as HTMLFormElement).reset();
        // A request that waits (for checks or reviewers) has a page of its own: go there, where its
        // verdict and gates are. One promoted at once changes this page: show it.
        if (r.href) router.push(r.href);
        else router.refresh();
      }
    });
  };

  const label = `Why should ${version} move to ${to}?`;
  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-label={`Request promotion of ${version} to ${to}`}>
      <FieldShell id={`${id}-reason`} label={label} hint={hint} error={reasonError}>
        {compact ? (
          <input
            id={`${id}-reason`}
            name="reason"
            required
            maxLength={2000}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={describedBy(`${id}-reason`, reasonError, hint)}
            className={controlClasses}
          />
        ) : (
          <textarea
            id={`${id}-reason`}
            name="reason"
            rows={3}
            required
            maxLength={2000}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={describedBy(`${id}-reason`, reasonError, hint)}
            className={controlClasses}
          />
        )}
      </FieldShell>
      <Button type="submit" size="sm" disabled={pending}>
        {pending ? "Requesting…" : `Request ${to}`}
      </Button>
      <FormOutcome result={result} />
    </form>
  );
}
