"use client";
// Start a bulk replay: the model (every version) or one version, and a time range in UTC. The form
// calls the server action (the same service and permission as POST /api/v1/replay-jobs) and opens
// the job's page, which follows the job to its report.
import { useRouter } from "next/navigation";
import { useState, useSyncExternalStore, useTransition, type FormEvent } from "react";
import { replayJobHref } from "../links";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { RefreshIcon, SpinnerIcon } from "../ui/icons";
import { controlClasses, describedBy, FieldShell } from "../promotion/field";
import type { ReplayJobFormInput, ReplayJobFormResult } from "./replay-state";

export type ReplayJobFormValues = { model?: string; version?: string; from?: string; to?: string };

export function ReplayJobForm({ values, start }: { values: ReplayJobFormValues; start: (input: ReplayJobFormInput) => Promise<ReplayJobFormResult> }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<ReplayJobFormResult | null>(null);
  // Script-only form (it calls the action with typed input): disabled until hydrated, so it is never sent as a plain GET.
  const hydrated = useSyncExternalStore(
    () => () => undefined,
    () => true,
    () => false,
  );
  const errors = result && !result.ok ? (result.fieldErrors ?? {}) : {};

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? "").trim();
    const input: ReplayJobFormInput = { model: field("model"), version: field("version"), from: field("from"), to: field("to") };
    if (!input.model) {
      setResult({ ok: false, code: "invalid_input", message: "Name the model whose decisions to replay.", fieldErrors: { model: "Required." } });
      document.getElementById("rj-model")?.focus();
      return;
    }
    startTransition(async () => {
      let r: ReplayJobFormResult;
      try {
        r = await start(input);
      } catch {
        r = { ok: false, code: "network", message: "The job could not be sent. Check your connection and retry." };
      }
      setResult(r);
      if (r.ok) router.push(replayJobHref(r.job.id));
      else {
        const first = ["model", "version", "from", "to"].find((k) => r.fieldErrors?.[k]);
        if (first) document.getElementById(`rj-${first}`)?.focus();
      }
    });
  };

  const text = (name: keyof ReplayJobFormValues, label: string, hint: string, extra: { type?: string; placeholder?: string; maxLength?: number; mono?: boolean } = {}) => {
    const id = `rj-${name}`;
    const error = errors[name];
    return (
      <FieldShell id={id} label={label} hint={hint} error={error}>
        <input
          id={id}
          name={name}
          type={extra.type ?? "text"}
          defaultValue={values[name]}
          placeholder={extra.placeholder}
          maxLength={extra.maxLength}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, error, hint)}
          className={`${controlClasses}${extra.mono ? " font-mono" : ""}`}
        />
      </FieldShell>
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Start a bulk replay" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        {text("model", "Model (required)", "Every version of it, unless a version is named.", { placeholder: "credit-risk", maxLength: 100, mono: true })}
        {text("version", "Version", "Optional: only this version's decisions.", { placeholder: "1.4.0", maxLength: 128, mono: true })}
        {text("from", "From (UTC)", "Optional: decisions at or after this time.", { type: "datetime-local" })}
        {text("to", "Before (UTC)", "Optional: decisions before this time.", { type: "datetime-local" })}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending || !hydrated}>
          {pending ? <SpinnerIcon className="size-4" /> : <RefreshIcon className="size-4" />}
          {pending ? "Starting…" : "Start bulk replay"}
        </Button>
        <p className="text-xs text-slate-600 dark:text-slate-400">Each version is verified once before its decisions run. Starting and finishing a job are audited.</p>
      </div>
      <div role="status" aria-live="polite" className="empty:hidden">
        {result?.ok ? <span className="text-sm text-slate-700 dark:text-slate-300">Job started; opening it…</span> : null}
      </div>
      {/* A refusal about one field is said next to it (and focused); the rest here. */}
      {result && !result.ok && !Object.keys(result.fieldErrors ?? {}).length ? (
        <Alert tone="danger" role="alert" title="Not started">
          {result.message}
        </Alert>
      ) : null}
    </form>
  );
}
