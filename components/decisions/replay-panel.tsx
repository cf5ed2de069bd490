"use client";
// Replay a decision from its page: one button (a server action through the wrapper; the service
// verifies the version's bytes, runs the input on them and audits it), a progress note while it runs,
// then the answer next to the stored one. When the ledger kept only the input's digest (or a redacted
// copy), the replay needs the original input: a textarea takes it as JSON — shown at once when the
// page knows, or after the service asks for it — and the service checks it against the stored digest.
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useSyncExternalStore, useTransition, type FormEvent } from "react";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { RefreshIcon, SpinnerIcon } from "../ui/icons";
import { describedBy, FieldShell, controlClasses } from "../promotion/field";
import { parseReplayInput } from "./decision-format";
import { ReplayOutcome } from "./replay-outcome";
import type { ReplayFormResult, ReplayInput } from "./replay-state";

export function ReplayPanel({
  decisionId,
  versionLabel,
  inputRetention,
  retainedInput,
  replay,
}: {
  decisionId: string;
  /** model@version, for the words around the button. */
  versionLabel: string;
  inputRetention: "full" | "digest" | "redacted";
  /** What the ledger kept of the input (a redacted copy is a starting point for the textarea). */
  retainedInput: Record<string, unknown> | null;
  replay: (input: ReplayInput) => Promise<ReplayFormResult>;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ReplayFormResult | null>(null);
  const [needsInput, setNeedsInput] = useState(inputRetention !== "full");
  const [inputError, setInputError] = useState<string | undefined>();
  const textarea = useRef<HTMLTextAreaElement>(null);
  // The form is script-only (it calls the action with typed input): until the page has hydrated, the
  // button stays disabled rather than letting the browser submit the form as a plain GET.
  const hydrated = useSyncExternalStore(
    () => () => undefined,
    () => true,
    () => false,
  );
  const initialText = inputRetention === "redacted" && retainedInput ? JSON.stringify(retainedInput, null, 2) : "";

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setInputError(undefined);
    let input: Record<string, unknown> | undefined;
    if (needsInput) {
      const parsed = parseReplayInput(String(new FormData(event.currentTarget).get("input") ?? ""));
      if (!parsed.ok) {
        setInputError(parsed.message);
        textarea.current?.focus();
        return;
      }
      input = parsed.input;
    }
    start(async () => {
      setResult(null);
      let r: ReplayFormResult;
      try {
        r = await replay({ id: decisionId, ...(input ? { input } : {}) });
      } catch {
        r = { ok: false, code: "network", message: "The replay could not be sent. Check your connection and retry." };
      }
      setResult(r);
      if (!r.ok) {
        if (r.code === "input_required") setNeedsInput(true);
        const fieldError = r.fieldErrors?.input ?? Object.entries(r.fieldErrors ?? {}).find(([k]) => k.startsWith("input"))?.[1];
        if (fieldError && r.code !== "input_required") setInputError(fieldError);
      } else router.refresh();
    });
  };

  return (
    <div className="space-y-4">
      <form onSubmit={submit} className="space-y-3" noValidate aria-describedby="replay-explainer">
        <p id="replay-explainer" className="text-sm text-slate-700 dark:text-slate-300">
          Runs {needsInput ? "the input you give" : "the stored input"} again on <span className="font-mono">{versionLabel}</span> — after checking that its manifest still hashes to its
          digest, its signature verifies and the artifact&apos;s bytes match — and compares the answer with the stored one. Every replay is in the audit log.
        </p>
        {needsInput ? (
          <FieldShell
            id="replay-input"
            label="The decision's input (JSON)"
            hint={
              inputRetention === "redacted"
                ? "The redacted copy is filled in: add the redacted features. It must hash to the stored input digest."
                : "One object of feature values, exactly as sent, e.g. {\"score_a\": 0.8, \"score_b\": 0.5}. It must hash to the stored input digest."
            }
            error={inputError}
          >
            <textarea
              ref={textarea}
              id="replay-input"
              name="input"
              rows={6}
              spellCheck={false}
              defaultValue={initialText}
              aria-invalid={inputError ? true : undefined}
              aria-describedby={describedBy("replay-input", inputError, true)}
              className={`${controlClasses} font-mono text-xs`}
            />
          </FieldShell>
        ) : null}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={pending || !hydrated}>
            {pending ? <SpinnerIcon className="size-4" /> : <RefreshIcon className="size-4" />}
            {pending ? "Replaying…" : result?.ok ? "Replay again" : "Replay"}
          </Button>
        </div>
        <div role="status" aria-live="polite" className="empty:hidden">
          {pending ? (
            <div>
              <p className="text-sm text-slate-700 dark:text-slate-300">Verifying the version&apos;s bytes and running the model…</p>
              <div
                role="progressbar"
                aria-label="Replay progress"
                aria-valuetext="Verifying the version and running the model"
                className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
              >
                <div className="h-full w-full bg-[repeating-linear-gradient(135deg,#818cf8_0_6px,#c7d2fe_6px_12px)] motion-safe:animate-pulse dark:bg-[repeating-linear-gradient(135deg,#6366f1_0_6px,#312e81_6px_12px)]" />
              </div>
            </div>
          ) : result?.ok ? (
            <span className="sr-only">Replay finished: {result.result.replay.outcome.replace("_", " ")}.</span>
          ) : null}
        </div>
      </form>
      {result && !result.ok ? (
        <Alert tone={result.code === "input_required" ? "warning" : "danger"} role="alert" title={result.code === "input_required" ? "The replay needs the input" : "Not replayed"}>
          {result.message}
        </Alert>
      ) : null}
      {result?.ok ? <FocusedOutcome result={result} /> : null}
    </div>
  );
}

/** A finished replay takes focus to its outcome's heading, so keyboard and screen-reader users land on it. */
function FocusedOutcome({ result }: { result: Extract<ReplayFormResult, { ok: true }> }) {
  useEffect(() => {
    document.getElementById("replay-result-heading")?.focus();
  }, [result]);
  return <ReplayOutcome result={result.result} headingId="replay-result-heading" />;
}
