"use client";
// Unexpected failures (database down, storage unreachable): say so plainly and offer a retry. The
// digest is what Next logged on the server, so an operator can find the stack trace.
import { Button } from "@/components/ui/button";

export default function RegistryError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto mt-10 max-w-lg rounded-xl bg-white dark:bg-slate-900 px-8 py-10 text-center shadow-sm ring-1 ring-slate-200 dark:ring-slate-700">
      <p className="text-xs font-semibold tracking-wide text-red-600 dark:text-red-400 uppercase">Something went wrong</p>
      <h1 className="mt-1 text-xl font-semibold text-slate-900 dark:text-slate-100">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        The registry hit an unexpected error. Try again; if it persists, check the server log
        {error.digest ? (
          <>
            {" "}
            for error <code className="font-mono text-xs">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <Button variant="secondary" className="mt-6" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
