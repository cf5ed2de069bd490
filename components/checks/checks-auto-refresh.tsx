"use client";
// The checks panel and page follow queued and running checks to the end (see AutoRefresh).
import { AutoRefresh } from "../ui/auto-refresh";

export function ChecksAutoRefresh({ active, intervalMs }: { active: boolean; intervalMs?: number }) {
  return <AutoRefresh active={active} doneMessage="All checks finished." {...(intervalMs ? { intervalMs } : {})} />;
}
