import Link from "next/link";
import type { AuditEventView } from "@/lib/audit/list-events";
import { modelHref, versionHref } from "../links";
import { Badge, type BadgeTone } from "../ui/badge";
import { Digest } from "../ui/digest";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";
import { Time } from "../ui/time";

function actionTone(action: string): BadgeTone {
  if (/(revoked|rejected|deleted|disabled|failed|rollback)/.test(action)) return "red";
  if (/(created|registered|uploaded)/.test(action)) return "green";
  if (/(promot|approv)/.test(action)) return "indigo";
  return "neutral";
}

function Subject({ type, id, email }: { type: string; id: string; email?: string }) {
  const label = (
    <>
      <span className="text-slate-500">{type}</span>{" "}
      {email ? (
        <span className="text-slate-800" title={id}>
          {email}
        </span>
      ) : (
        <span className="font-mono text-xs break-words text-slate-800">{id}</span>
      )}
    </>
  );
  if (type === "model")
    return (
      <Link href={modelHref(id)} className="rounded hover:underline">
        {label}
      </Link>
    );
  const [model, version] = type === "model_version" ? id.split("@") : [];
  if (model && version)
    return (
      <Link href={versionHref(model, version)} className="rounded hover:underline">
        {label}
      </Link>
    );
  return <span>{label}</span>;
}

export function AuditTable({ events, emails }: { events: AuditEventView[]; emails: Map<string, string> }) {
  return (
    <Table caption="Audit events in chain order">
      <THead>
        <TH className="text-right">Seq</TH>
        <TH>Time</TH>
        <TH>Actor</TH>
        <TH>Action</TH>
        <TH>Subject</TH>
        <TH>Hash</TH>
        <TH>Payload</TH>
      </THead>
      <TBody>
        {events.map((e) => (
          <TR key={e.id}>
            <RowHeader className="text-right font-mono text-xs text-slate-500 tabular-nums">{e.seq}</RowHeader>
            <TD className="text-slate-600">
              <Time iso={e.at} mode="absolute" />
            </TD>
            <TD>
              {e.actor.type === "user" ? (
                <span className="block max-w-56 truncate" title={e.actor.id}>
                  {emails.get(e.actor.id) ?? <span className="font-mono text-xs">{e.actor.id}</span>}
                </span>
              ) : (
                <Badge tone="neutral">{e.actor.type === "bootstrap" ? "bootstrap token" : `${e.actor.type}:${e.actor.id}`}</Badge>
              )}
            </TD>
            <TD>
              <Badge tone={actionTone(e.action)} className="font-mono">
                {e.action}
              </Badge>
            </TD>
            <TD className="max-w-72">
              <Subject type={e.subject.type} id={e.subject.id} email={e.subject.type === "user" ? emails.get(e.subject.id) : undefined} />
            </TD>
            <TD>
              <Digest value={e.hash} chars={10} />
            </TD>
            <TD>
              {Object.keys(e.payload).length ? (
                <details>
                  <summary className="cursor-pointer rounded text-xs font-medium text-indigo-700 hover:underline">View</summary>
                  <pre className="mt-2 max-h-64 max-w-md overflow-auto rounded bg-slate-50 p-2 font-mono text-[11px] text-slate-700 ring-1 ring-slate-200">
                    {JSON.stringify(e.payload, null, 2)}
                  </pre>
                </details>
              ) : (
                <span className="text-slate-400">—</span>
              )}
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
