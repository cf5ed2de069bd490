// The candidate against what its target stage serves now, section by section: reported metrics with
// the delta, the input schema feature by feature (changed rows highlighted and labelled in words),
// each group's fairness rates side by side, and which files' bytes changed. Takes the comparison
// lib/promotion/compare-versions.ts computed; renders it, nothing more.
import type { Feature, Rates, VersionComparison } from "@/lib/promotion/compare-versions";
import { fmt3, fmtRate } from "@/lib/format/numbers";
import { cn } from "../ui/cn";
import { Digest } from "../ui/digest";
import { RowHeader, Table, TBody, TD, TH, THead, TR } from "../ui/table";

const sub = "text-sm font-semibold text-slate-900 dark:text-slate-100";
const note = "text-sm text-slate-600 dark:text-slate-400";

function Delta({ value }: { value: number | null }) {
  if (value === null) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  if (value === 0) return <span className="text-slate-600 dark:text-slate-400">no change</span>;
  const up = value > 0;
  return (
    <span className={cn("font-medium tabular-nums", up ? "text-emerald-700 dark:text-emerald-300" : "text-red-700 dark:text-red-300")}>
      <span aria-hidden="true">{up ? "▲ " : "▼ "}</span>
      <span className="sr-only">{up ? "up " : "down "}</span>
      {up ? "+" : "−"}
      {fmt3(Math.abs(value))}
    </span>
  );
}

export function MetricsDiff({ comparison }: { comparison: VersionComparison }) {
  if (!comparison.metrics.length) return <p className={note}>Neither version reports metrics in its manifest.</p>;
  return (
    <Table caption={`Reported metrics: ${comparison.candidate} against ${comparison.prod}`}>
      <THead>
        <TH>Metric</TH>
        <TH className="text-right">{comparison.candidate}</TH>
        <TH className="text-right">{comparison.prod}</TH>
        <TH className="text-right">Change</TH>
      </THead>
      <TBody>
        {comparison.metrics.map((m) => (
          <TR key={m.name}>
            <RowHeader className="font-mono text-xs">{m.name}</RowHeader>
            <TD className="text-right tabular-nums">{fmt3(m.candidate)}</TD>
            <TD className="text-right tabular-nums">{fmt3(m.prod)}</TD>
            <TD className="text-right">
              <Delta value={m.delta} />
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

function describeFeature(f: Feature | null): string {
  if (!f) return "—";
  const parts = [f.type];
  if (f.min !== undefined || f.max !== undefined) parts.push(`[${f.min ?? "−∞"}, ${f.max ?? "∞"}]`);
  if (f.categories?.length) parts.push(`{${f.categories.slice(0, 6).join(", ")}${f.categories.length > 6 ? ", …" : ""}}`);
  if (f.nullable) parts.push("nullable");
  return parts.join(" ");
}

const rowTone = { added: "bg-sky-50/70 dark:bg-sky-400/10", removed: "bg-red-50/70 dark:bg-red-400/10", changed: "bg-amber-50/70 dark:bg-amber-400/10", unchanged: "" } as const;

export function SchemaDiff({ comparison }: { comparison: VersionComparison }) {
  const { compatibility, rows, other } = comparison.schema;
  if (!compatibility) return <p className={note}>Neither version declares an input schema.</p>;
  const changed = rows.filter((r) => r.status !== "unchanged").length;
  return (
    <div className="space-y-3">
      <p className={note}>
        <span className={cn("font-semibold", compatibility.verdict === "pass" ? "text-emerald-700 dark:text-emerald-300" : "text-red-700 dark:text-red-300")}>
          {compatibility.verdict === "pass" ? "Compatible." : "Incompatible."}
        </span>{" "}
        {compatibility.summary} {rows.length ? `${changed} of ${rows.length} features differ.` : ""}
      </p>
      {rows.length ? (
        <Table caption={`Input schema: ${comparison.candidate} against ${comparison.prod}, feature by feature`}>
          <THead>
            <TH>Feature</TH>
            <TH>Change</TH>
            <TH>{comparison.candidate}</TH>
            <TH>{comparison.prod}</TH>
          </THead>
          <TBody>
            {rows.map((r) => (
              <TR key={r.feature} className={rowTone[r.status]}>
                <RowHeader className="font-mono text-xs">{r.feature}</RowHeader>
                <TD className="text-xs">
                  {r.status === "unchanged" ? (
                    <span className="text-slate-600 dark:text-slate-400">unchanged</span>
                  ) : (
                    <span className={cn("font-semibold", r.breaking ? "text-red-700 dark:text-red-300" : "text-slate-800 dark:text-slate-200")}>
                      {r.breaking ? "Breaking: " : ""}
                      {r.status}
                    </span>
                  )}
                  {r.changes.length ? (
                    <ul className="mt-1 space-y-0.5 text-slate-700 dark:text-slate-300">
                      {r.changes.map((c) => (
                        <li key={c}>{c.replace(`${r.feature}: `, "")}</li>
                      ))}
                    </ul>
                  ) : null}
                </TD>
                <TD className="font-mono text-xs">{describeFeature(r.candidate)}</TD>
                <TD className="font-mono text-xs">{describeFeature(r.prod)}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      ) : null}
      {other.length ? (
        <ul aria-label="Other schema changes" className="list-disc space-y-0.5 pl-5 text-sm text-slate-700 dark:text-slate-300">
          {other.map((c) => (
            <li key={c.message}>
              {c.breaking ? <strong className="text-red-700 dark:text-red-300">Breaking: </strong> : null}
              {c.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function RateCells({ rates }: { rates: Rates | null }) {
  if (!rates)
    return (
      <TD colSpan={3} className="text-xs text-slate-600 dark:text-slate-400">
        not in this run
      </TD>
    );
  return (
    <>
      <TD className="text-right tabular-nums">
        {fmt3(rates.n)}
        {rates.tooSmall ? <span className="ml-1 text-xs text-slate-600 dark:text-slate-400">(small)</span> : null}
      </TD>
      <TD className="text-right tabular-nums">{fmtRate(rates.selectionRate)}</TD>
      <TD className="text-right tabular-nums">{fmtRate(rates.truePositiveRate)}</TD>
    </>
  );
}

export function FairnessDiff({ comparison }: { comparison: VersionComparison }) {
  if (!comparison.fairness.length) return <p className={note}>Neither version has fairness results to compare (no evaluation set, or the check has not finished).</p>;
  return (
    <div className="space-y-4">
      {comparison.fairness.map((a) => (
        <div key={a.attribute}>
          <h4 className="mb-1 text-sm font-medium text-slate-800 dark:text-slate-200">
            By <span className="font-mono">{a.attribute}</span>
          </h4>
          <Table caption={`Fairness rates by ${a.attribute}: ${comparison.candidate} against ${comparison.prod}`}>
            <thead className="border-b border-slate-200 bg-slate-50/80 text-xs font-medium text-slate-600 dark:border-slate-700 dark:bg-slate-800/40 dark:text-slate-400">
              <tr>
                <th scope="col" rowSpan={2} className="px-4 py-2 pl-5 align-bottom">
                  Group
                </th>
                <th scope="colgroup" colSpan={3} className="border-l border-slate-200 px-4 pt-2 text-center font-mono dark:border-slate-700">
                  {comparison.candidate}
                </th>
                <th scope="colgroup" colSpan={3} className="border-l border-slate-200 px-4 pt-2 pr-5 text-center font-mono dark:border-slate-700">
                  {comparison.prod}
                </th>
              </tr>
              <tr>
                {[comparison.candidate, comparison.prod].map((v) => (
                  <FairnessColumnHeads key={v} />
                ))}
              </tr>
            </thead>
            <TBody>
              {a.rows.map((r) => (
                <TR key={r.group}>
                  <RowHeader className="font-mono text-xs">{r.group}</RowHeader>
                  <RateCells rates={r.candidate} />
                  <RateCells rates={r.prod} />
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      ))}
      <p className="text-xs text-slate-600 dark:text-slate-400">Selection rate and true-positive rate per group, to 3 decimals; groups under the minimum size are marked small and are not judged.</p>
    </div>
  );
}

function FairnessColumnHeads() {
  return (
    <>
      <th scope="col" className="border-l border-slate-200 px-4 py-1.5 text-right dark:border-slate-700">
        n
      </th>
      <th scope="col" className="px-4 py-1.5 text-right">
        Selection
      </th>
      <th scope="col" className="px-4 py-1.5 text-right">
        TPR
      </th>
    </>
  );
}

const fileTone = { changed: "text-amber-800 dark:text-amber-300", added: "text-sky-800 dark:text-sky-300", removed: "text-red-700 dark:text-red-300", unchanged: "text-slate-600 dark:text-slate-400" } as const;

export function FilesDiff({ comparison }: { comparison: VersionComparison }) {
  const changed = comparison.files.filter((f) => f.status !== "unchanged").length;
  return (
    <div className="space-y-2">
      <p className={note}>
        {changed === 0 ? "Every file is byte-for-byte the same as in " + comparison.prod + "." : `${changed} of ${comparison.files.length} files differ from ${comparison.prod}.`}
      </p>
      <Table caption={`Files: ${comparison.candidate} against ${comparison.prod}`}>
        <THead>
          <TH>File</TH>
          <TH>Bytes</TH>
          <TH>{comparison.candidate}</TH>
          <TH>{comparison.prod}</TH>
        </THead>
        <TBody>
          {comparison.files.map((f) => (
            <TR key={f.path} className={f.status === "unchanged" ? "" : rowTone[f.status === "changed" ? "changed" : f.status]}>
              <RowHeader className="font-mono text-xs break-all">
                {f.path}
                <span className="block font-sans font-normal text-slate-600 dark:text-slate-400">{f.role}</span>
              </RowHeader>
              <TD className={cn("text-xs font-semibold", fileTone[f.status])}>{f.status}</TD>
              <TD>{f.candidate ? <Digest value={f.candidate} chars={10} /> : <span className="text-slate-500 dark:text-slate-400">—</span>}</TD>
              <TD>{f.prod ? <Digest value={f.prod} chars={10} /> : <span className="text-slate-500 dark:text-slate-400">—</span>}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </div>
  );
}

/** All four, each under its own h3. */
export function VersionDiff({ comparison, stage }: { comparison: VersionComparison; stage: string }) {
  return (
    <div className="divide-y divide-slate-200 dark:divide-slate-700">
      {(
        [
          ["Reported metrics", <MetricsDiff key="m" comparison={comparison} />],
          ["Input schema", <SchemaDiff key="s" comparison={comparison} />],
          ["Fairness by group", <FairnessDiff key="f" comparison={comparison} />],
          ["Files and digests", <FilesDiff key="d" comparison={comparison} />],
        ] as const
      ).map(([title, body]) => (
        <section key={title} aria-label={`${title}, against ${stage}`} className="space-y-2 px-5 py-4">
          <h3 className={sub}>{title}</h3>
          {body}
        </section>
      ))}
    </div>
  );
}
