"use client";
// One button per configured identity provider. next-auth's signIn() posts to its sign-in endpoint
// (with the CSRF token) and the browser follows the redirect to the provider.
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "../ui/button";

export function SsoButtons({ providers, callbackUrl }: { providers: { id: string; name: string }[]; callbackUrl: string }) {
  const [pending, setPending] = useState<string | undefined>();
  if (providers.length === 0) return null;
  return (
    <div className="space-y-3">
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
      <div className="flex items-center gap-3 text-xs text-slate-500" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-200" />
        or with a password
        <span className="h-px flex-1 bg-slate-200" />
      </div>
    </div>
  );
}

/** What the sign-in page says for a `?error=` next-auth or the registry's single sign-on sent back. */
export function signInErrorMessage(code: string): string {
  switch (code) {
    case "CredentialsSignin":
      return "Incorrect email or password.";
    case "sso_email_missing":
      return "Your identity provider did not share an email address, so no registry account can be matched.";
    case "sso_email_domain_not_allowed":
      return "Accounts from this email domain cannot sign in to this registry.";
    case "sso_email_not_verified":
      return "Your identity provider has not verified your email address, so it cannot be linked to a registry account.";
    case "sso_no_role":
      return "Your account at the identity provider is not in a group that grants access to this registry. Ask an administrator.";
    case "sso_user_disabled":
      return "This registry account is disabled. Ask an administrator.";
    case "OAuthSignin":
    case "OAuthCallback":
    case "OAuthCreateAccount":
    case "Callback":
    case "SsoFailed":
      return "Single sign-on did not complete. Try again; if it keeps failing, an administrator should check the provider settings.";
    default:
      return "Sign-in failed. Try again.";
  }
}
