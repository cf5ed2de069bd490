// The ledger as a table, newest first: when (linking to the decision), model and version, where it
// was made, the caller's request id, the decided label and the score.
import Link from "next/link";
import type { DecisionView } from "@/lib/decisions/views";
import { decisionHref, versionHref } from "../links";
import { formatUtc } from "../ui/time";
import { Table, TBody, TD, TH, THead, TR } from "../ui/table";
import { formatScore, outputLabel } from "./decision-format";
import { SourceBadge } from "./source-badge";

export function DecisionsTable({ decisions, caption }: { decisions: readonly DecisionView[]; caption: string }) {
  return (
    <Table caption={caption}>
      <THead>
        <TH>Time (UTC)</TH>
        <TH>Model</TH>
        <TH>Version</TH>
        <TH>Source</TH>
        <TH>Request id</TH>
        <TH>Output</TH>
        <TH className="text-right">Score</TH>
      </THead>
      <TBody>
        {decisions.map((d) => (
          <TR key={d.id}>
            <TD className="whitespace-nowrap">
              <Link href={decisionHref(d.id)} className="rounded font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                <time dateTime={d.at}>{formatUtc(d.at)}</time>
              </Link>
              <span className="block font-mono text-[11px] text-slate-500 dark:text-slate-400" title={d.id}>
                {d.id.slice(0, 13)}…
              </span>
            </TD>
            <TD className="font-mono text-xs whitespace-nowrap">{d.model}</TD>
            <TD className="whitespace-nowrap">
              <Link href={versionHref(d.model, d.version)} className="rounded font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300">
                {d.version}
              </Link>
            </TD>
            <TD>
              <SourceBadge source={d.source} />
            </TD>
            <TD className="max-w-56 font-mono text-xs break-all">{d.requestId ?? <span className="text-slate-500 dark:text-slate-400">—</span>}</TD>
            <TD className="font-mono text-xs whitespace-nowrap">{outputLabel(d.output)}</TD>
            <TD className="text-right font-mono text-xs whitespace-nowrap tabular-nums">{formatScore(d.score)}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
