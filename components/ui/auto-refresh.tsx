"use client";
// Pages are server-rendered, so work finishing in a worker (checks, bulk replays) does not reach an
// open page by itself. While `active`, this re-renders the page on the server every ~2 s
// (router.refresh keeps scroll position, focus and open <details>); once the server reports the work
// finished, `active` turns false, polling stops and `doneMessage` is announced.
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { SpinnerIcon } from "./icons";

export function AutoRefresh({ active, doneMessage, intervalMs = 2000 }: { active: boolean; doneMessage: string; intervalMs?: number }) {
  const router = useRouter();
  const [refreshing, startTransition] = useTransition();
  const wasActive = useRef(active);
  const [finishedNote, setFinishedNote] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (wasActive.current && !active) setFinishedNote(true);
    if (active) setFinishedNote(false);
    wasActive.current = active;
  }, [active]);

  useEffect(() => {
    // Scheduling the next refresh only after the previous one has rendered means a slow server never
    // gets a pile-up of refreshes.
    if (!active || refreshing) return;
    const timer = setTimeout(() => {
      // A background tab skips the server round trip but keeps ticking, so it catches up when shown.
      if (document.visibilityState !== "hidden") startTransition(() => router.refresh());
      setTick((t) => t + 1);
    }, intervalMs);
    return () => clearTimeout(timer);
  }, [active, refreshing, tick, intervalMs, router]);

  return (
    <p aria-live="polite" className="inline-flex min-h-5 items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400">
      {active ? (
        <>
          <SpinnerIcon className="size-3.5 text-indigo-500 dark:text-indigo-400" />
          Updating…
        </>
      ) : finishedNote ? (
        doneMessage
      ) : null}
    </p>
  );
}
