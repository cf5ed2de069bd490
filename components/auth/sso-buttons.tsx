"use client";
// One button per configured identity provider. next-auth's signIn() posts to its sign-in endpoint
// (with the CSRF token) and the browser follows the redirect to the provider.
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "../ui/button";
import { AlertIcon } from "../ui/icons";

export function SsoButtons({ providers, callbackUrl, error }: { providers: { id: string; name: string }[]; callbackUrl: string; error?: string }) {
  const [pending, setPending] = useState<string | undefined>();
  if (providers.length === 0) return null;
  return (
    <div className="space-y-3">
      {error ? (
        <div role="alert" className="flex items-start gap-2 rounded-md bg-red-50 dark:bg-red-400/10 px-3 py-2.5 text-sm text-red-800 dark:text-red-300 ring-1 ring-red-600/20 dark:ring-red-400/30 ring-inset">
          <AlertIcon className="mt-0.5 size-4 shrink-0 text-red-600 dark:text-red-400" />
          <span>{error}</span>
        </div>
      ) : null}
      {providers.map((p) => (
        <Button
          key={p.id}
          variant="secondary"
          className="w-full"
          disabled={pending !== undefined}
          onClick={() => {
            setPending(p.id);
            void signIn(p.id, { callbackUrl });
          }}
        >
          {pending === p.id ? "Redirecting…" : `Sign in with ${p.name}`}
        </Button>
      ))}
      <div className="flex items-center gap-3 text-xs text-slate-500 dark:text-slate-400" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
        or with a password
        <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
      </div>
    </div>
  );
}
