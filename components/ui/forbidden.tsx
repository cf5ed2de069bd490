import Link from "next/link";
import { buttonClasses } from "./button";
import { LockIcon } from "./icons";

/** The page-level "403": who may see this and what the person can do instead. */
export function Forbidden({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="mx-auto mt-10 max-w-lg rounded-xl bg-white dark:bg-slate-900 px-8 py-10 text-center shadow-sm ring-1 ring-slate-200 dark:ring-slate-700">
      <div className="mx-auto mb-4 flex size-12 items-center justify-center rounded-full bg-amber-50 dark:bg-amber-400/10 text-amber-600 dark:text-amber-400">
        <LockIcon className="size-6" />
      </div>
      <p className="text-xs font-semibold tracking-wide text-amber-700 dark:text-amber-300 uppercase">403 · Forbidden</p>
      <h1 className="mt-1 text-xl font-semibold text-slate-900 dark:text-slate-100">{title}</h1>
      <div className="mt-2 text-sm text-slate-600 dark:text-slate-400">{children}</div>
      <Link href="/" className={buttonClasses({ variant: "secondary", className: "mt-6" })}>
        Back to models
      </Link>
    </div>
  );
}

/** A 403 for a page one role may see and others may not: says who is signed in, with which role, and what to ask for. */
export function RoleForbidden({ title, actor, children }: { title: string; actor: { email: string; role: string }; children: React.ReactNode }) {
  return (
    <Forbidden title={title}>
      You are signed in as <strong className="font-medium text-slate-800 dark:text-slate-200">{actor.email}</strong> with the{" "}
      <strong className="font-medium text-slate-800 dark:text-slate-200">{actor.role}</strong> role. {children}
    </Forbidden>
  );
}
