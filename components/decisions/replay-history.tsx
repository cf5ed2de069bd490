// The decision's earlier replays, newest first: when, by whom, whose input, the outcome in words and
// the largest difference, and what the replay answered.
import type { ReplayView } from "@/lib/decisions/views";
import { formatUtc } from "../ui/time";
import { RowHeader, Table, TBody, TD, TH, THead, TR } from "../ui/table";
import { formatDiff, formatScore, outputLabel } from "./decision-format";
import { OutcomeBadge } from "./replay-outcome";

export function ReplayHistory({ replays, emails }: { replays: readonly ReplayView[]; emails: ReadonlyMap<string, string> }) {
  if (!replays.length) return <p className="px-5 py-4 text-sm text-slate-600 dark:text-slate-400">Nobody has replayed this decision yet.</p>;
  return (
    <Table caption="Previous replays of this decision, newest first">
      <THead>
        <TH>When (UTC)</TH>
        <TH>By</TH>
        <TH>Input</TH>
        <TH>Outcome</TH>
        <TH className="text-right">Max |Δ|</TH>
        <TH>Output</TH>
        <TH className="text-right">Score</TH>
      </THead>
      <TBody>
        {replays.map((r) => (
          <TR key={r.id}>
            <RowHeader className="font-normal whitespace-nowrap text-slate-700 dark:text-slate-300">
              <time dateTime={r.at}>{formatUtc(r.at)}</time>
            </RowHeader>
            <TD className="text-xs whitespace-nowrap">{r.actor.type === "user" ? (emails.get(r.actor.id) ?? r.actor.id) : r.actor.type === "bootstrap" ? "bootstrap token" : r.actor.id}</TD>
            <TD className="text-xs whitespace-nowrap">{r.inputSource === "stored" ? "stored" : "supplied"}</TD>
            <TD>
              <OutcomeBadge outcome={r.outcome} />
            </TD>
            <TD className="text-right font-mono text-xs">{formatDiff(r.maxAbsDiff)}</TD>
            <TD className="font-mono text-xs">{outputLabel(r.output)}</TD>
            <TD className="text-right font-mono text-xs tabular-nums">{formatScore(r.score)}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
