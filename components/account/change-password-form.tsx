"use client";
// Change your own password: current one, new one twice. On success the browser goes on to where it
// was headed (a forced change after a reset or a generated first password comes from any page).
import { useActionState, useEffect, useRef } from "react";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import type { ChangePasswordState } from "./password-form-state";

const input =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-400";

export function ChangePasswordForm({
  action,
  next,
  minLength,
}: {
  action: (state: ChangePasswordState, form: FormData) => Promise<ChangePasswordState>;
  next: string;
  minLength: number;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const errorRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state.status === "changed") window.location.assign(state.next);
    if (state.status === "error") errorRef.current?.focus();
  }, [state]);
  const fieldError = (name: string) => (state.status === "error" ? state.fieldErrors?.[name] : undefined);

  return (
    <form action={formAction} className="max-w-md space-y-5" noValidate>
      <input type="hidden" name="next" value={next} />
      {state.status === "error" ? (
        <div ref={errorRef} tabIndex={-1} className="focus:outline-none">
          <Alert tone="danger" role="alert" title={state.message} />
        </div>
      ) : null}
      {state.status === "changed" ? <Alert tone="success" role="status" title="Password changed. Taking you back…" /> : null}
      {(
        [
          ["current", "Current password", "current-password", undefined],
          ["password", "New password", "new-password", `At least ${minLength} characters.`],
          ["confirm", "New password again", "new-password", undefined],
        ] as const
      ).map(([name, label, autoComplete, hint]) => (
        <div key={name}>
          <label htmlFor={`pw-${name}`} className="mb-1.5 block text-sm font-medium text-slate-800">
            {label}
          </label>
          <input
            id={`pw-${name}`}
            name={name}
            type="password"
            autoComplete={autoComplete}
            required
            aria-invalid={fieldError(name) ? true : undefined}
            aria-describedby={fieldError(name) ? `pw-${name}-error` : hint ? `pw-${name}-hint` : undefined}
            className={input}
          />
          {fieldError(name) ? (
            <p id={`pw-${name}-error`} className="mt-1 text-sm text-red-700">
              {fieldError(name)}
            </p>
          ) : hint ? (
            <p id={`pw-${name}-hint`} className="mt-1 text-xs text-slate-500">
              {hint}
            </p>
          ) : null}
        </div>
      ))}
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
