// The textarea and select markup the promotion forms share: label, hint or error wired to
// aria-describedby, dark variants, visible focus.
import type { ReactNode } from "react";

export const controlClasses =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-500 " +
  "focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-500 " +
  "dark:bg-slate-950 dark:text-slate-100 dark:ring-slate-600 dark:placeholder:text-slate-400 dark:focus:ring-indigo-400";

export function FieldShell({ id, label, hint, error, children }: { id: string; label: ReactNode; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="mb-1.5 block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export const describedBy = (id: string, error?: string, hint?: unknown) => (error ? `${id}-error` : hint ? `${id}-hint` : undefined);

/** The outcome of a submitted form, announced politely. */
export function FormOutcome({ result, id }: { result: { ok: boolean; message: string; href?: string } | null; id?: string }) {
  return (
    <div id={id} role="status" aria-live="polite" className="text-sm empty:hidden">
      {result ? (
        <p className={result.ok ? "font-medium text-emerald-800 dark:text-emerald-300" : "font-medium text-red-700 dark:text-red-300"}>
          <span className="sr-only">{result.ok ? "Done: " : "Not done: "}</span>
          {result.message}
          {result.ok && result.href ? (
            <>
              {" "}
              <a href={result.href} className="rounded underline underline-offset-2">
                Open it
              </a>
            </>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}
