"use client";
// One user's controls on the admin page: role, disable/enable, password reset. A reset shows the
// generated password once, to hand over out of band; the user must change it at the next sign-in.
import { useState, useTransition } from "react";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import type { UserChange, UserChangeResult } from "./user-actions-state";

const select =
  "rounded-md border-0 bg-white dark:bg-slate-900 py-1.5 pr-8 pl-2 text-sm text-slate-900 dark:text-slate-100 shadow-sm ring-1 ring-slate-300 dark:ring-slate-600 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none disabled:opacity-60";

export function UserRowActions({
  user,
  roles,
  readOnlyRole,
  change,
}: {
  user: { id: string; email: string; role: string; disabled: boolean };
  roles: readonly string[];
  /** Set when an identity provider owns the role: shown, not editable. */
  readOnlyRole?: string;
  change: (input: UserChange) => Promise<UserChangeResult>;
}) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<UserChangeResult | null>(null);
  const run = (input: Omit<UserChange, "id">, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    start(async () => setResult(await change({ id: user.id, ...input })));
  };
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex flex-wrap items-center justify-end gap-2">
        <label className="sr-only" htmlFor={`role-${user.id}`}>
          Role of {user.email}
        </label>
        <select
          id={`role-${user.id}`}
          defaultValue={user.role}
          disabled={pending || Boolean(readOnlyRole)}
          title={readOnlyRole}
          aria-description={readOnlyRole}
          className={select}
          onChange={(e) => run({ role: e.target.value }, `Change ${user.email}'s role to ${e.target.value}? A demotion signs them out and revokes their tokens.`)}
        >
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <Button size="sm"
          variant="secondary"
          disabled={pending}
          onClick={() =>
            run({ disabled: !user.disabled }, user.disabled ? undefined : `Disable ${user.email}? Their sessions and API tokens end at once.`)
          }
        >
          {user.disabled ? "Enable" : "Disable"}
        </Button>
        <Button size="sm" variant="secondary" disabled={pending} onClick={() => run({ resetPassword: true }, `Reset ${user.email}'s password? Their sessions and API tokens end at once.`)}>
          Reset password
        </Button>
      </div>
      <div role="status" aria-live="polite" className="text-right text-xs">
        {result ? (
          <span className={result.ok ? "text-emerald-700 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}>
            {result.message}
            {result.temporaryPassword ? (
              <span className="mt-1 flex items-center justify-end gap-1 text-slate-700 dark:text-slate-300">
                Temporary password: <code className="rounded bg-slate-100 dark:bg-slate-800 px-1.5 py-0.5 font-mono">{result.temporaryPassword}</code>
                <CopyButton value={result.temporaryPassword} label="Copy the temporary password" />
              </span>
            ) : null}
          </span>
        ) : null}
      </div>
    </div>
  );
}
