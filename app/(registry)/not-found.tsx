import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function NotFound() {
  return (
    <div className="mx-auto mt-10 max-w-lg rounded-xl bg-white dark:bg-slate-900 px-8 py-10 text-center shadow-sm ring-1 ring-slate-200 dark:ring-slate-700">
      <p className="text-xs font-semibold tracking-wide text-indigo-600 dark:text-indigo-400 uppercase">404 · Not found</p>
      <h1 className="mt-1 text-xl font-semibold text-slate-900 dark:text-slate-100">There is nothing at this address</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">The model or version may not exist, or the link has a typo. Model names are lowercase.</p>
      <Link href="/" className={buttonClasses({ variant: "secondary", className: "mt-6" })}>
        Back to models
      </Link>
    </div>
  );
}
