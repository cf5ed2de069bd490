"use client";
// Queues a fresh run of all checks (or one). The page renders this only for people whose role may
// rerun; the server action checks again. After the action revalidates, the page shows the queued
// runs and ChecksAutoRefresh follows them to the end.
import { useState, useTransition } from "react";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { RefreshIcon, SpinnerIcon } from "../ui/icons";
import { checkKindLabel } from "@/lib/checks/format";
import type { CheckKind } from "@/lib/checks/types";
import type { RerunChecksInput, RerunChecksResult } from "./rerun-state";

export function RerunChecksButton({
  model,
  version,
  kind,
  action,
  size = "md",
  variant = "primary",
}: {
  model: string;
  version: string;
  kind?: CheckKind;
  action: (input: RerunChecksInput) => Promise<RerunChecksResult>;
  size?: "sm" | "md";
  variant?: "primary" | "secondary";
}) {
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<RerunChecksResult | null>(null);
  const label = kind ? `Rerun ${checkKindLabel[kind].toLowerCase()}` : "Rerun all checks";
  return (
    <span className="inline-flex flex-col items-end">
      <Button
        variant={variant}
        size={size}
        disabled={pending}
        aria-describedby={result ? `rerun-${kind ?? "all"}-status` : undefined}
        onClick={() =>
          startTransition(async () => {
            setResult(null);
            try {
              setResult(await action({ model, version, kind }));
            } catch {
              setResult({ ok: false, message: "The rerun could not be sent. Check your connection and retry." });
            }
          })
        }
      >
        {pending ? <SpinnerIcon className="size-3.5" /> : <RefreshIcon className="size-3.5" />}
        {pending ? "Queuing…" : label}
      </Button>
      <span id={`rerun-${kind ?? "all"}-status`} role="status" className={cn("max-w-64 text-right text-xs", result && "mt-1", result?.ok ? "text-emerald-700 dark:text-emerald-300" : "text-red-700 dark:text-red-300")}>
        {result?.message ?? ""}
      </span>
    </span>
  );
}
