"use client";
// Revoking is immediate and cannot be undone, so it asks first, in a native modal <dialog>: focus
// moves into it, Escape cancels, and focus returns to the button afterwards.
import { useRef, useState, useTransition } from "react";
import { Button } from "../ui/button";
import type { RevokeTokenState } from "./token-form-state";

export function RevokeTokenButton({ id, name, prefix, action }: { id: string; name: string; prefix: string; action: (id: string) => Promise<RevokeTokenState> }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const titleId = `revoke-${id}-title`;

  return (
    <>
      <Button variant="secondary" size="sm" className="text-red-700 dark:text-red-300" onClick={() => dialog.current?.showModal()}>
        Revoke<span className="sr-only"> token {name}</span>
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto w-full max-w-md rounded-xl bg-white dark:bg-slate-900 p-0 shadow-xl ring-1 ring-slate-200 dark:ring-slate-700 backdrop:bg-slate-900/40"
        onClose={() => setError(null)}
      >
        <div className="p-6">
          <h2 id={titleId} className="text-base font-semibold text-slate-900 dark:text-slate-100">
            Revoke “{name}”?
          </h2>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            Anything using <code className="font-mono text-xs">{prefix}…</code> stops working immediately. This cannot be undone.
          </p>
          {error ? (
            <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-300">
              {error}
            </p>
          ) : null}
        </div>
        <div className="flex justify-end gap-2 rounded-b-xl border-t border-slate-200 dark:border-slate-700 bg-slate-50 dark:bg-slate-800/40 px-6 py-3">
          <Button variant="secondary" autoFocus onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button
            variant="danger"
            disabled={pending}
            onClick={() =>
              startTransition(async () => {
                const result = await action(id);
                if (result.ok) dialog.current?.close();
                else setError(result.message);
              })
            }
          >
            {pending ? "Revoking…" : "Revoke token"}
          </Button>
        </div>
      </dialog>
    </>
  );
}
