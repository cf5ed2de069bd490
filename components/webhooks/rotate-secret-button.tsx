"use client";
// Rotating a secret: choose how long the old secret keeps signing too, confirm, and copy the new
// secret, all inside one modal dialog (the secret is shown this once).
import { useRef, useState, useTransition } from "react";
import { Button } from "../ui/button";
import { SecretReveal } from "./secret-reveal";
import { overlapChoices, type RotateSecretState } from "./webhook-form-state";

export function RotateSecretButton({ id, url, action }: { id: string; url: string; action: (input: { id: string; overlapSeconds: number }) => Promise<RotateSecretState> }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [overlap, setOverlap] = useState<string>("86400");
  const [result, setResult] = useState<RotateSecretState | null>(null);
  const [pending, startTransition] = useTransition();
  const titleId = `rotate-${id}-title`;
  const close = () => dialog.current?.close();
  return (
    <>
      <Button variant="secondary" size="sm" onClick={() => dialog.current?.showModal()}>
        Rotate secret<span className="sr-only"> of webhook {url}</span>
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto w-[calc(100%-2rem)] max-w-lg rounded-xl bg-white p-0 shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40"
        onClose={() => setResult(null)}
      >
        <div className="p-6">
          <h2 id={titleId} className="text-base font-semibold text-slate-900">
            Rotate the signing secret
          </h2>
          <p className="mt-2 text-sm break-all text-slate-600">{url}</p>
          {result?.ok ? (
            <div className="mt-4">
              <SecretReveal title="New signing secret" secret={result.secret} onDismiss={close}>
                <p className="mt-2 text-xs text-emerald-800">
                  {result.previousSecretUntil
                    ? `Until ${result.previousSecretUntil.replace("T", " ").slice(0, 16)} UTC deliveries carry two signatures, one per secret.`
                    : "The old secret no longer signs."}
                </p>
              </SecretReveal>
            </div>
          ) : (
            <>
              <p className="mt-2 text-sm text-slate-600">A new secret signs from now on. Keep the old one signing too while the receiver switches over:</p>
              <label htmlFor={`overlap-${id}`} className="mt-4 mb-1.5 block text-sm font-medium text-slate-800">
                Old secret keeps signing for
              </label>
              <select
                id={`overlap-${id}`}
                value={overlap}
                onChange={(e) => setOverlap(e.target.value)}
                className="block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none"
              >
                {overlapChoices.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
              {result && !result.ok ? (
                <p role="alert" className="mt-3 text-sm text-red-700">
                  {result.message}
                </p>
              ) : null}
            </>
          )}
        </div>
        {result?.ok ? null : (
          <div className="flex justify-end gap-2 rounded-b-xl border-t border-slate-200 bg-slate-50 px-6 py-3">
            <Button variant="secondary" autoFocus onClick={close}>
              Cancel
            </Button>
            <Button
              disabled={pending}
              onClick={() =>
                startTransition(async () => {
                  setResult(await action({ id, overlapSeconds: Number(overlap) }));
                })
              }
            >
              {pending ? "Rotating…" : "Rotate secret"}
            </Button>
          </div>
        )}
      </dialog>
    </>
  );
}
