"use client";
// Queues a delivery again; the dispatcher sends it within seconds and the log shows the outcome.
import { useState, useTransition } from "react";
import { Button } from "../ui/button";
import type { WebhookActionState } from "./webhook-form-state";

export function RedeliverButton({
  webhookId,
  deliveryId,
  label,
  action,
}: {
  webhookId: string;
  deliveryId: string;
  label: string;
  action: (input: { webhookId: string; deliveryId: string }) => Promise<WebhookActionState>;
}) {
  const [result, setResult] = useState<WebhookActionState | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button variant="secondary" size="sm" disabled={pending} onClick={() => startTransition(async () => setResult(await action({ webhookId, deliveryId })))}>
        {pending ? "Queuing…" : "Redeliver"}
        <span className="sr-only"> {label}</span>
      </Button>
      <span role="status" className={result && !result.ok ? "text-xs text-red-700" : "text-xs text-slate-500"}>
        {result ? (result.ok ? "Queued" : result.message) : ""}
      </span>
    </span>
  );
}
