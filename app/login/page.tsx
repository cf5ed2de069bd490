import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { configuredSsoProviders, getPageActor } from "@/app/_lib/next-auth";
import { LoginForm } from "@/components/auth/login-form";
import { isSsoError, signInErrorMessage } from "@/components/auth/sign-in-errors";
import { SsoButtons } from "@/components/auth/sso-buttons";
import { CubeIcon } from "@/components/ui/icons";
import { safeCallbackPath } from "@/lib/auth/callback-path";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await getPageActor()) redirect(callbackUrl);
  // next-auth (and the single sign-on refusals) send people back here with ?error=…
  const error = Array.isArray(params.error) ? params.error[0] : params.error;
  const providers = configuredSsoProviders();
  // A single sign-on refusal is shown above the provider buttons, not as a wrong password.
  const ssoError = error && providers.length > 0 && isSsoError(error) ? signInErrorMessage(error) : undefined;
  const initialError = error && !ssoError ? signInErrorMessage(error) : undefined;
  return (
    <main id="main" className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-slate-50 dark:from-slate-800 to-slate-100 dark:to-slate-900 px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center text-center">
          <span className="flex size-11 items-center justify-center rounded-xl bg-indigo-600 text-white shadow-sm">
            <CubeIcon className="size-6" />
          </span>
          <h1 className="mt-4 text-xl font-semibold tracking-tight text-slate-900 dark:text-slate-100">Sign in to Model Registry</h1>
          <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">Review, promote and audit model versions.</p>
        </div>
        <div className="rounded-xl bg-white dark:bg-slate-900 p-6 shadow-sm ring-1 ring-slate-200 dark:ring-slate-700 sm:p-8">
          <div className="space-y-5">
            <SsoButtons providers={providers} callbackUrl={callbackUrl} error={ssoError} />
            <LoginForm callbackUrl={callbackUrl} initialError={initialError} />
          </div>
        </div>
        <p className="mt-6 text-center text-xs leading-relaxed text-slate-500 dark:text-slate-400">
          First start? The admin password was printed in the server log and saved in{" "}
          <code className="rounded bg-slate-200/70 dark:bg-slate-700/70 px-1 py-0.5 font-mono text-[11px] text-slate-700 dark:text-slate-300">DATA_DIR/initial-admin-password</code>.
          CI and scripts use API tokens instead of a password.
        </p>
      </div>
    </main>
  );
}
