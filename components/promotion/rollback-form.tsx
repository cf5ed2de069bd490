"use client";
// Roll prod back at once: to the previous prod by default, or to a chosen earlier prod. No gate is
// re-run (a rollback is how a bad release is stopped), so a reason is required and it is audited.
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Button } from "../ui/button";
import { controlClasses, describedBy, FieldShell, FormOutcome } from "./field";
import type { PromotionFormResult, RollbackInput } from "./form-state";

export function RollbackForm({
  model,
  prod,
  formerProds,
  rollback,
}: {
  model: string;
  prod: string;
  /** Versions that were prod before, newest first; the first one not rolled back is the default. */
  formerProds: readonly { version: string; rolledBack: boolean }[];
  rollback: (input: RollbackInput) => Promise<PromotionFormResult>;
}) {
  const router = useRouter();
  const [result, setResult] = useState<PromotionFormResult | null>(null);
  const [pending, start] = useTransition();
  const reasonError = result && !result.ok ? result.fieldErrors?.reason : undefined;
  const fallback = formerProds.find((f) => !f.rolledBack)?.version;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const reason = String(form.get("reason") ?? "").trim();
    const toVersion = String(form.get("toVersion") ?? "");
    if (!reason) {
      setResult({ ok: false, code: "invalid_input", message: "Say why prod is rolled back.", fieldErrors: { reason: "Required: it goes into the audit log and the stage history." } });
      return;
    }
    start(async () => {
      const r = await rollback({ model, reason, ...(toVersion ? { toVersion } : {}) });
      setResult(r);
      if (r.ok) {
        (event.target as HTMLFormElement).reset();
        router.refresh();
      }
    });
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-label="Roll back prod">
      <FieldShell id="rollback-to" label="Roll back to" hint={`Prod is ${prod} now. Only versions that were prod before qualify.`}>
        <select id="rollback-to" name="toVersion" aria-describedby="rollback-to-hint" className={controlClasses} defaultValue="">
          <option value="">{fallback ? `The previous prod (${fallback})` : "The previous prod"}</option>
          {formerProds.map((f) => (
            <option key={f.version} value={f.version}>
              {f.version}
              {f.rolledBack ? " (was rolled back)" : ""}
            </option>
          ))}
        </select>
      </FieldShell>
      <FieldShell id="rollback-reason" label="Reason (required)" hint="Recorded in the audit log and the stage history." error={reasonError}>
        <textarea
          id="rollback-reason"
          name="reason"
          rows={2}
          required
          maxLength={2000}
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={describedBy("rollback-reason", reasonError, true)}
          className={controlClasses}
        />
      </FieldShell>
      <Button type="submit" variant="danger" size="sm" disabled={pending}>
        {pending ? "Rolling back…" : "Roll back prod"}
      </Button>
      <FormOutcome result={result} />
    </form>
  );
}
