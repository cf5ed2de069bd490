// A webhook's delivery log: what was sent, how the receiver answered, and each attempt.
import type { WebhookDeliveryView } from "@/lib/webhooks/views";
import { StatusDot } from "../ui/badge";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";
import { Time } from "../ui/time";
import { RedeliverButton } from "./redeliver-button";
import type { WebhookActionState } from "./webhook-form-state";

const statusTone = { delivered: "green", pending: "amber", failed: "red" } as const;

export function DeliveriesTable({
  deliveries,
  canRedeliver,
  redeliver,
}: {
  deliveries: WebhookDeliveryView[];
  canRedeliver: boolean;
  redeliver: (input: { webhookId: string; deliveryId: string }) => Promise<WebhookActionState>;
}) {
  return (
    <Table caption="Deliveries, newest first">
      <THead>
        <TH>Event</TH>
        <TH>Status</TH>
        <TH>Response</TH>
        <TH>Attempts</TH>
        <TH>Latency</TH>
        <TH>Created</TH>
        <TH>
          <span className="sr-only">Actions</span>
        </TH>
      </THead>
      <TBody>
        {deliveries.map((d) => (
          <TR key={d.id}>
            <RowHeader>
              <span className="block font-mono text-sm">{d.eventType}</span>
              <span className="block font-mono text-xs font-normal text-slate-500" title="webhook-id">
                {d.messageId}
              </span>
            </RowHeader>
            <TD>
              <StatusDot tone={statusTone[d.status]}>{d.status}</StatusDot>
              {d.status === "pending" && d.nextAttemptAt ? (
                <span className="mt-0.5 block text-xs text-slate-500">
                  next try <Time iso={d.nextAttemptAt} />
                </span>
              ) : null}
              {d.lastError && d.status !== "delivered" ? <span className="mt-0.5 block max-w-72 text-xs break-words text-red-700">{d.lastError}</span> : null}
            </TD>
            <TD className="font-mono">{d.lastStatusCode ?? <span className="text-slate-400">—</span>}</TD>
            <TD>
              {d.attemptLog.length ? (
                <details>
                  <summary className="cursor-pointer rounded text-sm focus-visible:outline-2 focus-visible:outline-indigo-500">
                    {d.attempts}
                    <span className="sr-only"> attempts; show the attempt log</span>
                  </summary>
                  <ol className="mt-1 space-y-0.5 text-xs whitespace-nowrap text-slate-600">
                    {d.attemptLog.map((a, i) => (
                      <li key={`${a.at}-${i}`}>
                        <Time iso={a.at} />: {a.statusCode ?? "no answer"}, {a.latencyMs} ms
                        {a.error ? <span className="block max-w-72 whitespace-normal text-red-700">{a.error}</span> : null}
                      </li>
                    ))}
                  </ol>
                </details>
              ) : (
                d.attempts
              )}
            </TD>
            <TD className="whitespace-nowrap">{d.lastLatencyMs !== null ? `${d.lastLatencyMs} ms` : <span className="text-slate-400">—</span>}</TD>
            <TD className="whitespace-nowrap text-slate-500">
              <Time iso={d.createdAt} />
            </TD>
            <TD className="text-right">
              {canRedeliver ? <RedeliverButton webhookId={d.webhookId} deliveryId={d.id} label={`${d.eventType} ${d.messageId}`} action={redeliver} /> : null}
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
