import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main id="main" className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center">
        <p className="text-xs font-semibold tracking-wide text-indigo-600 dark:text-indigo-400 uppercase">404 · Not found</p>
        <h1 className="mt-1 text-xl font-semibold text-slate-900 dark:text-slate-100">There is nothing at this address</h1>
        <Link href="/" className={buttonClasses({ variant: "secondary", className: "mt-6" })}>
          Back to models
        </Link>
      </div>
    </main>
  );
}
