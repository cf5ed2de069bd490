"use client";
// Deleting stops deliveries at once and cannot be undone, so it asks first, in a native modal
// <dialog> (focus moves in, Escape cancels, focus returns to the button).
import { useRef, useState, useTransition } from "react";
import { Button } from "../ui/button";
import type { WebhookActionState } from "./webhook-form-state";

export function DeleteWebhookButton({ id, url, action }: { id: string; url: string; action: (id: string) => Promise<WebhookActionState> }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const titleId = `delete-${id}-title`;
  return (
    <>
      <Button variant="secondary" size="sm" className="text-red-700" onClick={() => dialog.current?.showModal()}>
        Delete<span className="sr-only"> webhook {url}</span>
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl bg-white p-0 shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40"
        onClose={() => setError(null)}
      >
        <div className="p-6">
          <h2 id={titleId} className="text-base font-semibold text-slate-900">
            Delete this webhook?
          </h2>
          <p className="mt-2 text-sm break-all text-slate-600">{url}</p>
          <p className="mt-2 text-sm text-slate-600">It gets no new events and its pending deliveries are dropped. Its delivery log is kept.</p>
          {error ? (
            <p role="alert" className="mt-3 text-sm text-red-700">
              {error}
            </p>
          ) : null}
        </div>
        <div className="flex justify-end gap-2 rounded-b-xl border-t border-slate-200 bg-slate-50 px-6 py-3">
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
            {pending ? "Deleting…" : "Delete webhook"}
          </Button>
        </div>
      </dialog>
    </>
  );
}
