"use client";
// Create a user: email, name, role, and an optional initial password (leave it empty for someone
// who signs in only through single sign-on).
import { useActionState, useEffect, useRef } from "react";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextField } from "../ui/text-field";
import type { CreateUserState } from "./user-actions-state";

const input =
  "block w-full rounded-md border-0 bg-white dark:bg-slate-900 px-3 py-2 text-sm text-slate-900 dark:text-slate-100 shadow-sm ring-1 ring-slate-300 dark:ring-slate-600 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-400";

export function CreateUserForm({ action, roles, minPassword }: { action: (s: CreateUserState, f: FormData) => Promise<CreateUserState>; roles: readonly string[]; minPassword: number }) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.status === "created") formRef.current?.reset();
  }, [state]);
  const err = (name: string) => (state.status === "error" ? state.fieldErrors?.[name] : undefined);
  const field = (name: string, label: string, type: string, hint?: string) => (
    <TextField id={`new-${name}`} name={name} label={label} type={type} autoComplete="off" error={err(name)} hint={hint} />
  );
  return (
    <form ref={formRef} action={formAction} className="space-y-4" noValidate>
      {state.status === "error" ? <Alert tone="danger" role="alert" title={state.message} /> : null}
      {state.status === "created" ? <Alert tone="success" role="status" title={`Created ${state.email}.`} /> : null}
      {field("email", "Email", "email")}
      {field("name", "Name", "text")}
      <div>
        <label htmlFor="new-role" className="mb-1.5 block text-sm font-medium text-slate-800 dark:text-slate-200">
          Role
        </label>
        <select id="new-role" name="role" defaultValue="viewer" className={input}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      {field("password", "Initial password (optional)", "password", `At least ${minPassword} characters. Leave empty for single sign-on only.`)}
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create user"}
      </Button>
    </form>
  );
}
