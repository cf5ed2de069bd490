// Every run of every check, newest first: reruns never overwrite, so this is the trail a reviewer or
// auditor follows to see what was evaluated, with which code and inputs, and when.
import type { ChecksView } from "@/lib/checks/list-check-runs";
import { Digest } from "../ui/digest";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";
import { Time } from "../ui/time";
import { checkKindLabel } from "@/lib/checks/format";
import { fmtDuration } from "@/lib/format/numbers";
import { VerdictBadge } from "./verdict-badge";

export function CheckHistoryTable({ runs, latestIds }: { runs: ChecksView["history"]; latestIds: ReadonlySet<string> }) {
  return (
    <Table caption="Every check run of this version, newest first">
      <THead>
        <TH>Check</TH>
        <TH>Verdict</TH>
        <TH>Trigger</TH>
        <TH className="text-right">Attempts</TH>
        <TH className="text-right">Seed</TH>
        <TH>Checker</TH>
        <TH>Inputs digest</TH>
        <TH>Queued</TH>
        <TH>Finished</TH>
        <TH className="text-right">Duration</TH>
      </THead>
      <TBody>
        {runs.map((r) => (
          <TR key={r.id}>
            <RowHeader className="whitespace-nowrap">
              {checkKindLabel[r.kind] ?? r.kind}
              {latestIds.has(r.id) ? <span className="ml-1.5 text-xs font-normal text-slate-500 dark:text-slate-400">(latest)</span> : null}
            </RowHeader>
            <TD>
              <VerdictBadge status={r.status} verdict={r.verdict} />
            </TD>
            <TD className="whitespace-nowrap">{r.trigger}</TD>
            <TD className="text-right font-mono tabular-nums">{r.attempts}</TD>
            <TD className="text-right font-mono text-xs tabular-nums">{r.seed}</TD>
            <TD className="font-mono text-xs whitespace-nowrap">{r.checkerVersion}</TD>
            <TD>
              <Digest value={r.inputsDigest} chars={10} />
            </TD>
            <TD className="whitespace-nowrap">
              <Time iso={r.queuedAt} />
            </TD>
            <TD className="whitespace-nowrap">
              <Time iso={r.finishedAt} />
            </TD>
            <TD className="text-right whitespace-nowrap tabular-nums">{fmtDuration(r.durationMs)}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
