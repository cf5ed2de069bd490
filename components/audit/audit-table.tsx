import Link from "next/link";
import type { TokenLabel } from "@/lib/audit/credential-labels";
import type { AuditEventView, AuditOrder } from "@/lib/audit/list-events";
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
      <span className="text-slate-500 dark:text-slate-400">{type}</span>{" "}
      {email ? (
        <span className="text-slate-800 dark:text-slate-200" title={id}>
          {email}
        </span>
      ) : (
        <span className="font-mono text-xs break-words text-slate-800 dark:text-slate-200">{id}</span>
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

/** A link to the audit log filtered by one value: "what else did this actor / credential do?" */
const filterHref = (name: "actor" | "credential", value: string) => `/audit?${new URLSearchParams({ [name]: value })}`;

function Actor({ type, id, email }: { type: string; id: string; email?: string }) {
  const label =
    type === "user" ? (
      <span className="block max-w-56 truncate">{email ?? <span className="font-mono text-xs">{id}</span>}</span>
    ) : (
      <Badge tone="neutral">{type === "bootstrap" && id === "bootstrap" ? "bootstrap" : `${type}:${id}`}</Badge>
    );
  return (
    <Link href={filterHref("actor", id)} title={`Events by ${email ?? id}`} className="rounded hover:underline">
      {label}
    </Link>
  );
}

function Credential({ credential, tokens }: { credential: string | null; tokens: Map<string, TokenLabel> }) {
  if (!credential)
    return (
      <span className="text-slate-500 dark:text-slate-400" title="None recorded: a system action, or an event recorded before credentials were">
        <span aria-hidden="true">—</span>
        <span className="sr-only">none recorded</span>
      </span>
    );
  const [kind, id = ""] = credential.split(/:(.*)/s);
  const token = kind === "token" ? tokens.get(id) : undefined;
  const label =
    credential === "bootstrap" ? (
      <Badge tone="amber">bootstrap token</Badge>
    ) : token ? (
      <span className="block max-w-48">
        <span className="block truncate text-slate-800 dark:text-slate-200">{token.name}</span>
        <span className="font-mono text-xs text-slate-500 dark:text-slate-400">
          {token.prefix}…{token.revoked ? " (revoked)" : ""}
        </span>
      </span>
    ) : (
      <span className="whitespace-nowrap">
        <span className="text-slate-500 dark:text-slate-400">{kind === "session" ? "browser session" : kind}</span> <span className="font-mono text-xs">{id.slice(0, 8)}</span>
      </span>
    );
  return (
    <Link href={filterHref("credential", credential)} title={`Events by ${credential}`} className="rounded hover:underline">
      {label}
    </Link>
  );
}

export function AuditTable({
  events,
  emails,
  tokens,
  order,
}: {
  events: AuditEventView[];
  emails: Map<string, string>;
  tokens: Map<string, TokenLabel>;
  order: AuditOrder;
}) {
  return (
    <Table caption={order === "desc" ? "Audit events, newest first" : "Audit events in chain order, oldest first"}>
      <THead>
        <TH className="text-right">Seq</TH>
        <TH>Time</TH>
        <TH>Actor</TH>
        <TH>Credential</TH>
        <TH>Action</TH>
        <TH>Subject</TH>
        <TH>Hash</TH>
        <TH>Payload</TH>
      </THead>
      <TBody>
        {events.map((e) => (
          <TR key={e.id}>
            <RowHeader className="text-right font-mono text-xs text-slate-500 dark:text-slate-400 tabular-nums">{e.seq}</RowHeader>
            <TD className="text-slate-600 dark:text-slate-400">
              <Time iso={e.at} mode="absolute" />
            </TD>
            <TD>
              <Actor type={e.actor.type} id={e.actor.id} email={e.actor.type === "user" ? emails.get(e.actor.id) : undefined} />
            </TD>
            <TD>
              <Credential credential={e.credential} tokens={tokens} />
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
                  <summary className="cursor-pointer rounded text-xs font-medium text-indigo-700 dark:text-indigo-300 hover:underline">View</summary>
                  <pre className="mt-2 max-h-64 max-w-md overflow-auto rounded bg-slate-50 dark:bg-slate-800/40 p-2 font-mono text-[11px] text-slate-700 dark:text-slate-300 ring-1 ring-slate-200 dark:ring-slate-700">
                    {JSON.stringify(e.payload, null, 2)}
                  </pre>
                </details>
              ) : (
                <span className="text-slate-500 dark:text-slate-400">—</span>
              )}
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
