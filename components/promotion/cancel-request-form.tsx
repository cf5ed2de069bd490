"use client";
// Withdraw an open request (its requester or an admin), after a confirmation step.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "../ui/button";
import { FormOutcome } from "./field";
import type { CancelInput, PromotionFormResult } from "./form-state";

export function CancelRequestForm({ requestId, cancel }: { requestId: string; cancel: (input: CancelInput) => Promise<PromotionFormResult> }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<PromotionFormResult | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-2">
      {confirming ? (
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-sm text-slate-700 dark:text-slate-300">Withdraw this request? Approvals so far are kept in its history.</span>
          <Button
            variant="danger"
            size="sm"
            disabled={pending}
            onClick={() =>
              start(async () => {
                const r = await cancel({ id: requestId });
                setResult(r);
                setConfirming(false);
                if (r.ok) router.refresh();
              })
            }
          >
            {pending ? "Cancelling…" : "Yes, cancel the request"}
          </Button>
          <Button variant="secondary" size="sm" disabled={pending} onClick={() => setConfirming(false)}>
            Keep it
          </Button>
        </div>
      ) : (
        <Button variant="secondary" size="sm" onClick={() => setConfirming(true)}>
          Cancel request…
        </Button>
      )}
      <FormOutcome result={result} />
    </div>
  );
}
