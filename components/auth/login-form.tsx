"use client";
// Email + password sign-in through next-auth's credentials provider. `redirect: false` keeps the
// person on this page on failure so the error is shown inline and focus can move to it.
import { signIn } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { Button } from "../ui/button";
import { AlertIcon } from "../ui/icons";

const inputClasses =
  "block w-full rounded-md border-0 bg-white dark:bg-slate-900 px-3 py-2 text-sm text-slate-900 dark:text-slate-100 shadow-sm ring-1 ring-inset ring-slate-300 dark:ring-slate-600 placeholder:text-slate-400 " +
  "focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-400";

export function LoginForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [error, setError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    if (!email || !password) {
      setError("Enter your email and password.");
      return;
    }
    setPending(true);
    setError(undefined);
    try {
      const result = await signIn("credentials", { email, password, redirect: false });
      if (result?.ok && !result.error) {
        // A full page load, so the server renders the signed-in layout from the new cookie.
        window.location.assign(callbackUrl);
        return;
      }
      setError(
        result?.error === "RateLimited"
          ? "Too many failed sign-ins for this account or from this network. Wait 15 minutes and try again."
          : result?.error === "CredentialsSignin" || !result?.error
            ? "Incorrect email or password."
            : "Sign-in failed. Try again in a moment.",
      );
    } catch {
      setError("The registry did not answer. Check your connection and try again.");
    }
    setPending(false);
    requestAnimationFrame(() => errorRef.current?.focus());
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      {error ? (
        <div ref={errorRef} tabIndex={-1} role="alert" className="flex items-start gap-2 rounded-md bg-red-50 dark:bg-red-400/10 px-3 py-2.5 text-sm text-red-800 dark:text-red-300 ring-1 ring-red-600/20 dark:ring-red-400/30 ring-inset focus:outline-none">
          <AlertIcon className="mt-0.5 size-4 shrink-0 text-red-600 dark:text-red-400" />
          <span>{error}</span>
        </div>
      ) : null}
      <div>
        <label htmlFor="email" className="mb-1.5 block text-sm font-medium text-slate-800 dark:text-slate-200">
          Email
        </label>
        <input id="email" name="email" type="email" autoComplete="username" required autoFocus aria-invalid={error ? true : undefined} className={inputClasses} placeholder="you@example.com" />
      </div>
      <div>
        <label htmlFor="password" className="mb-1.5 block text-sm font-medium text-slate-800 dark:text-slate-200">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={error ? true : undefined} className={inputClasses} />
      </div>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
