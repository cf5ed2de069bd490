"use client";
// Change your own password: current one, new one twice. On success the browser goes on to where it
// was headed (a forced change after a reset or a generated first password comes from any page).
import { useActionState, useEffect, useRef } from "react";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextField } from "../ui/text-field";
import type { ChangePasswordState } from "./password-form-state";

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
      <TextField id="pw-current" name="current" label="Current password" type="password" autoComplete="current-password" error={fieldError("current")} />
      <TextField
        id="pw-password"
        name="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        error={fieldError("password")}
        hint={`At least ${minLength} characters.`}
      />
      <TextField id="pw-confirm" name="confirm" label="New password again" type="password" autoComplete="new-password" error={fieldError("confirm")} />
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
