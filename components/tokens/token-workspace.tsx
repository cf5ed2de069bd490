"use client";
// Create an API token. The secret comes back from the server action once and lives only in this
// component's state: it is never stored, and leaving or reloading the page drops it for good.
import { useActionState, useEffect, useRef, useState, type RefObject } from "react";
import type { Scope } from "@/lib/auth/roles";
import type { ReactNode } from "react";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { cn } from "../ui/cn";
import { CopyButton } from "../ui/copy-button";
import { expiryChoices, type CreateTokenState } from "./token-form-state";

const scopeHelp: Record<Scope, string> = {
  read: "Read models, versions, files and aliases",
  write: "Create models, push versions, request promotions",
  review: "Approve or reject promotions",
  admin: "Manage users, tokens and policies",
};

const input =
  "block w-full rounded-md border-0 bg-white dark:bg-slate-900 px-3 py-2 text-sm text-slate-900 dark:text-slate-100 shadow-sm ring-1 ring-slate-300 dark:ring-slate-600 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-400";

/**
 * The tokens page body: the one-time reveal of a new token (full width, so the whole secret is
 * visible), then the token list (`children`, server-rendered) beside the create form.
 */
export function TokenWorkspace({
  action,
  allowedScopes,
  children,
}: {
  action: (state: CreateTokenState, form: FormData) => Promise<CreateTokenState>;
  allowedScopes: readonly Scope[];
  children: ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const [dismissed, setDismissed] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const revealRef = useRef<HTMLDivElement>(null);
  const created = state.status === "created" && dismissed !== state.token ? state : null;

  useEffect(() => {
    if (state.status === "created") {
      formRef.current?.reset();
      revealRef.current?.focus();
    }
  }, [state]);

  return (
    <div className="space-y-6">
      {created ? (
        <div ref={revealRef} tabIndex={-1} className="rounded-xl bg-emerald-50 dark:bg-emerald-400/10 p-5 ring-1 ring-emerald-600/25 dark:ring-emerald-400/30 ring-inset focus:outline-none" aria-labelledby="new-token-title">
          <p id="new-token-title" className="text-sm font-semibold text-emerald-900 dark:text-emerald-300">
            Token “{created.name}” created
          </p>
          <p className="mt-1 text-sm text-emerald-900 dark:text-emerald-300" role="status">
            <strong>Copy it now: it won&apos;t be shown again.</strong> Only its hash is stored; if you lose it, revoke it and create another.
          </p>
          <div className="mt-3 flex max-w-3xl items-center gap-2 rounded-md bg-white dark:bg-slate-900 px-3 py-2 ring-1 ring-emerald-600/30 dark:ring-emerald-400/30">
            <label htmlFor="new-token-value" className="sr-only">
              New API token
            </label>
            <input
              id="new-token-value"
              readOnly
              value={created.token}
              onFocus={(e) => e.currentTarget.select()}
              className="min-w-0 flex-1 bg-transparent font-mono text-sm text-slate-900 dark:text-slate-100 focus:outline-none"
              data-testid="new-token"
            />
            <CopyButton value={created.token} label="Copy token" showText />
          </div>
          <p className="mt-2 text-xs text-emerald-800 dark:text-emerald-300">
            Use it as <code className="font-mono">Authorization: Bearer …</code> or <code className="font-mono">REGISTRY_TOKEN</code> for the CLI. Scopes: {created.scopes.join(", ")}
            {created.expiresAt ? `; expires ${created.expiresAt.slice(0, 10)}` : "; never expires"}.
          </p>
          <Button variant="secondary" size="sm" className="mt-3" onClick={() => setDismissed(created.token)}>
            I have copied it
          </Button>
        </div>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0">{children}</div>
        <Card aria-labelledby="create-token-heading" className="self-start">
          <CardHeader id="create-token-heading" title="Create a token" />
          <CardBody>
            <CreateTokenForm formRef={formRef} formAction={formAction} pending={pending} state={state} allowedScopes={allowedScopes} />
          </CardBody>
        </Card>
      </div>
    </div>
  );
}

function CreateTokenForm({
  formRef,
  formAction,
  pending,
  state,
  allowedScopes,
}: {
  formRef: RefObject<HTMLFormElement | null>;
  formAction: (form: FormData) => void;
  pending: boolean;
  state: CreateTokenState;
  allowedScopes: readonly Scope[];
}) {
  const errors = state.status === "error" ? (state.fieldErrors ?? {}) : {};
  return (
    <form ref={formRef} action={formAction} className="space-y-5" noValidate>
      {state.status === "error" ? <Alert tone="danger" role="alert" title={state.message} /> : null}
      <div>
        <label htmlFor="token-name" className="mb-1.5 block text-sm font-medium text-slate-800 dark:text-slate-200">
          Name
        </label>
        <input
          id="token-name"
          name="name"
          required
          maxLength={100}
          placeholder="e.g. github-actions credit-risk"
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? "token-name-error" : "token-name-help"}
          className={input}
        />
        {errors.name ? (
          <p id="token-name-error" className="mt-1 text-xs text-red-700 dark:text-red-300">
            {errors.name}
          </p>
        ) : (
          <p id="token-name-help" className="mt-1 text-xs text-slate-500 dark:text-slate-400">
            Say where it is used, so you know what breaks when you revoke it.
          </p>
        )}
      </div>

      <fieldset aria-describedby={errors.scopes ? "token-scopes-error" : undefined}>
        <legend className="mb-1.5 text-sm font-medium text-slate-800 dark:text-slate-200">Scopes</legend>
        <div className="space-y-2">
          {allowedScopes.map((scope) => (
            <label key={scope} className="flex cursor-pointer items-start gap-2.5 rounded-md p-1 hover:bg-slate-50 dark:hover:bg-slate-800">
              <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === "read"} className="mt-0.5 size-4 rounded border-slate-300 dark:border-slate-600 accent-indigo-600" />
              <span className="text-sm">
                <span className="font-mono font-medium text-slate-900 dark:text-slate-100">{scope}</span>
                <span className="block text-xs text-slate-500 dark:text-slate-400">{scopeHelp[scope]}</span>
              </span>
            </label>
          ))}
        </div>
        {errors.scopes ? (
          <p id="token-scopes-error" className="mt-1 text-xs text-red-700 dark:text-red-300">
            {errors.scopes}
          </p>
        ) : (
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">Only the scopes your role allows are offered.</p>
        )}
      </fieldset>

      <div>
        <label htmlFor="token-expiry" className="mb-1.5 block text-sm font-medium text-slate-800 dark:text-slate-200">
          Expires after
        </label>
        <select id="token-expiry" name="expiry" defaultValue="90" className={cn(input, "pr-8")}>
          {expiryChoices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </div>

      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create token"}
      </Button>
    </form>
  );
}
