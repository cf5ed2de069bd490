// A replay's answer next to the stored one: the outcome in words and an icon (identical, within the
// version's tolerance, differs), the outputs side by side with each row marked same or different in
// words, the largest absolute difference, the tolerance it was judged by and what was verified first.
import type { ReplayResult, ReplayView } from "@/lib/decisions/views";
import { Badge, type BadgeTone } from "../ui/badge";
import { cn } from "../ui/cn";
import { AlertIcon, CheckCircleIcon, ShieldCheckIcon, XCircleIcon } from "../ui/icons";
import { RowHeader, Table, TBody, TD, TH, THead, TR } from "../ui/table";
import { comparedKeys, formatDiff, formatValue, sameValue } from "./decision-format";

type Outcome = ReplayView["outcome"];

const looks: Record<Outcome, { tone: BadgeTone; label: string; Icon: typeof CheckCircleIcon; box: string; icon: string; headline: string }> = {
  identical: {
    tone: "green",
    label: "identical",
    Icon: CheckCircleIcon,
    box: "bg-emerald-50 ring-emerald-600/25 text-emerald-950 dark:bg-emerald-400/10 dark:ring-emerald-400/30 dark:text-emerald-100",
    icon: "text-emerald-600 dark:text-emerald-300",
    headline: "Identical: the version gives exactly the stored answer",
  },
  within_tolerance: {
    tone: "blue",
    label: "within tolerance",
    Icon: ShieldCheckIcon,
    box: "bg-sky-50 ring-sky-600/25 text-sky-950 dark:bg-sky-400/10 dark:ring-sky-400/30 dark:text-sky-100",
    icon: "text-sky-600 dark:text-sky-300",
    headline: "Within tolerance: the numbers differ, but by no more than the version's test vectors allow",
  },
  differs: {
    tone: "red",
    label: "differs",
    Icon: XCircleIcon,
    box: "bg-red-50 ring-red-600/25 text-red-950 dark:bg-red-400/10 dark:ring-red-400/30 dark:text-red-100",
    icon: "text-red-600 dark:text-red-300",
    headline: "Differs: the version does not give the stored answer",
  },
};

export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  const look = looks[outcome];
  return (
    <Badge tone={look.tone}>
      <look.Icon className="size-3.5" />
      {look.label}
    </Badge>
  );
}

export function ReplayOutcome({ result, headingId }: { result: ReplayResult; headingId: string }) {
  const { replay, stored, tolerance, integrity } = result;
  const look = looks[replay.outcome];
  const keys = comparedKeys(stored.output, replay.output);
  return (
    <div className="space-y-4" data-outcome={replay.outcome}>
      <div className={cn("flex gap-3 rounded-lg px-4 py-3 ring-1 ring-inset", look.box)}>
        <look.Icon className={cn("mt-0.5 size-5 shrink-0", look.icon)} />
        <div className="min-w-0 text-sm">
          <h3 id={headingId} tabIndex={-1} className="font-semibold focus:outline-none">
            {look.headline}
          </h3>
          <p className="mt-0.5 opacity-90">
            Largest absolute difference: <span className="font-mono">{formatDiff(replay.maxAbsDiff)}</span> · tolerance atol {tolerance.atol}, rtol {tolerance.rtol} (
            {tolerance.source === "default" ? "the validation check's defaults" : `from ${tolerance.source}`}) · input {replay.inputSource === "stored" ? "as stored" : "supplied, matching the stored digest"}
          </p>
        </div>
      </div>
      {/* On a phone the two columns of long values would not fit side by side: each output is a
          small block with the stored value over the replayed one instead (the table is hidden there). */}
      <dl aria-label="Stored and replayed outputs" className="divide-y divide-slate-100 rounded-lg ring-1 ring-slate-200 sm:hidden dark:divide-slate-800 dark:ring-slate-700">
        {[...keys.map((key) => ({ name: key, stored: key in stored.output ? stored.output[key] : undefined, replayed: key in replay.output ? replay.output[key] : undefined })), { name: "score", stored: stored.score as unknown, replayed: replay.score as unknown }].map((row) => (
          <div key={row.name} className="px-3 py-2.5">
            <dt className="flex items-center justify-between gap-2 font-mono text-xs font-medium text-slate-900 dark:text-slate-100">
              {row.name}
              <SameMark stored={row.stored} replayed={row.replayed} />
            </dt>
            <dd className="mt-1 grid grid-cols-[4.5rem_minmax(0,1fr)] gap-x-2 gap-y-0.5 text-xs">
              <span className="text-slate-600 dark:text-slate-400">Stored</span>
              <span className="font-mono break-all text-slate-800 dark:text-slate-200">{row.stored === undefined ? "not stored" : formatValue(row.stored)}</span>
              <span className="text-slate-600 dark:text-slate-400">Replayed</span>
              <span className="font-mono break-all text-slate-800 dark:text-slate-200">{row.replayed === undefined ? "not given" : formatValue(row.replayed)}</span>
            </dd>
          </div>
        ))}
      </dl>
      <div className="hidden overflow-hidden rounded-lg ring-1 ring-slate-200 sm:block dark:ring-slate-700">
        <Table caption="Stored and replayed outputs side by side">
          <THead>
            <TH>Output</TH>
            <TH>Stored (at the decision)</TH>
            <TH>Replayed (now)</TH>
            <TH>Same?</TH>
          </THead>
          <TBody>
            {keys.map((key) => (
              <CompareRow key={key} name={key} stored={key in stored.output ? stored.output[key] : undefined} replayed={key in replay.output ? replay.output[key] : undefined} />
            ))}
            <CompareRow name="score" stored={stored.score} replayed={replay.score} />
          </TBody>
        </Table>
      </div>
      <ul aria-label="Verified before the replay ran" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700 dark:text-slate-300">
        <li className="inline-flex items-center gap-1">
          <CheckCircleIcon className="size-3.5 text-emerald-600 dark:text-emerald-400" />
          Manifest digest {integrity.manifest}
        </li>
        <li className="inline-flex items-center gap-1">
          <CheckCircleIcon className="size-3.5 text-emerald-600 dark:text-emerald-400" />
          Artifact bytes {integrity.artifact}
        </li>
        <li className="inline-flex items-center gap-1">
          {integrity.signature === "verified" ? (
            <CheckCircleIcon className="size-3.5 text-emerald-600 dark:text-emerald-400" />
          ) : (
            <AlertIcon className="size-3.5 text-amber-600 dark:text-amber-400" />
          )}
          Signature {integrity.signature}
        </li>
      </ul>
    </div>
  );
}

const isSame = (stored: unknown, replayed: unknown) => stored !== undefined && replayed !== undefined && sameValue(stored, replayed);

/** "same" or "different" (or "new", for an output the decision did not store), in words with an icon. */
function SameMark({ stored, replayed }: { stored: unknown; replayed: unknown }) {
  return isSame(stored, replayed) ? (
    <span className="inline-flex items-center gap-1 font-sans font-normal text-emerald-700 dark:text-emerald-300">
      <CheckCircleIcon className="size-3.5" />
      same
    </span>
  ) : (
    <span className="inline-flex items-center gap-1 font-sans font-medium text-amber-800 dark:text-amber-300">
      <AlertIcon className="size-3.5" />
      {stored === undefined ? "new" : "different"}
    </span>
  );
}

function CompareRow({ name, stored, replayed }: { name: string; stored: unknown; replayed: unknown }) {
  const missing = (v: unknown) => v === undefined;
  const same = isSame(stored, replayed);
  return (
    <TR className={same ? undefined : "bg-amber-50/60 dark:bg-amber-400/5"}>
      <RowHeader className="font-mono text-xs">{name}</RowHeader>
      <TD className="font-mono text-xs break-all">{missing(stored) ? <span className="text-slate-500 dark:text-slate-400">not stored</span> : formatValue(stored)}</TD>
      <TD className="font-mono text-xs break-all">{missing(replayed) ? <span className="text-slate-500 dark:text-slate-400">not given</span> : formatValue(replayed)}</TD>
      <TD className="text-xs whitespace-nowrap">
        <SameMark stored={stored} replayed={replayed} />
      </TD>
    </TR>
  );
}
