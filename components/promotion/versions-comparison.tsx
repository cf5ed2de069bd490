// The newest versions side by side, one column each: stage, aliases, each check's latest verdict,
// reported metrics (the best value of each row marked in words, not only bold), and any open request.
import Link from "next/link";
import { checkKindLabel } from "@/lib/checks/format";
import { checkKinds } from "@/lib/checks/types";
import { fmt3 } from "@/lib/format/numbers";
import type { ComparedColumn } from "@/lib/promotion/get-model-stages";
import { VerdictBadge } from "../checks/verdict-badge";
import { versionHref } from "../links";
import { ScrollFrame } from "../ui/scroll-frame";
import { AliasBadge } from "../versions/badges";
import { StageBadge } from "./stage-badge";

const cell = "px-4 py-2.5 align-top text-sm text-slate-700 dark:text-slate-300";
const rowHead = "sticky left-0 z-[1] bg-white px-4 py-2.5 pl-5 text-left align-top text-xs font-medium whitespace-nowrap text-slate-600 dark:bg-slate-900 dark:text-slate-400";

export function VersionsComparison({ model, columns, metricNames }: { model: string; columns: readonly ComparedColumn[]; metricNames: readonly string[] }) {
  if (!columns.length) return <p className="px-5 py-4 text-sm text-slate-600 dark:text-slate-400">No versions yet.</p>;
  return (
    <ScrollFrame label="Versions compared side by side">
      <table className="min-w-full text-left">
        <caption className="sr-only">The {columns.length} newest versions of {model} side by side: stage, check verdicts and reported metrics</caption>
        <thead className="border-b border-slate-200 bg-slate-50/80 dark:border-slate-700 dark:bg-slate-800/40">
          <tr>
            <td className="sticky left-0 z-[1] bg-slate-50 dark:bg-slate-800" />
            {columns.map((c) => (
              <th key={c.version} scope="col" className="px-4 py-2.5 text-left align-top whitespace-nowrap">
                <Link href={versionHref(model, c.version)} className="rounded font-mono text-sm font-semibold text-indigo-700 hover:underline dark:text-indigo-300">
                  {c.version}
                </Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          <tr>
            <th scope="row" className={rowHead}>
              Stage
            </th>
            {columns.map((c) => (
              <td key={c.version} className={cell}>
                <div className="flex flex-wrap gap-1">
                  <StageBadge stage={c.stage} rolledBack={c.rolledBack} />
                  {c.aliases.filter((a) => a !== c.stage).map((a) => (
                    <AliasBadge key={a} name={a} />
                  ))}
                </div>
              </td>
            ))}
          </tr>
          {checkKinds.map((kind) => (
            <tr key={kind}>
              <th scope="row" className={rowHead}>
                {checkKindLabel[kind]}
              </th>
              {columns.map((c) => {
                const run = c.checks.find((r) => r.kind === kind);
                return (
                  <td key={c.version} className={cell}>
                    {run ? <VerdictBadge status={run.status} verdict={run.verdict} /> : <span className="text-xs text-slate-500 dark:text-slate-400">not run</span>}
                  </td>
                );
              })}
            </tr>
          ))}
          {metricNames.map((name) => {
            const values = columns.map((c) => c.metrics[name]).filter((v): v is number => v !== undefined);
            const best = values.length > 1 ? Math.max(...values) : undefined;
            return (
              <tr key={name}>
                <th scope="row" className={`${rowHead} font-mono`}>
                  {name}
                </th>
                {columns.map((c) => {
                  const v = c.metrics[name];
                  return (
                    <td key={c.version} className={`${cell} tabular-nums`}>
                      {v === undefined ? <span className="text-slate-500 dark:text-slate-400">—</span> : v === best ? <strong className="font-semibold text-slate-900 dark:text-slate-100">{fmt3(v)}<span className="sr-only"> (highest)</span></strong> : fmt3(v)}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          <tr>
            <th scope="row" className={rowHead}>
              Open request
            </th>
            {columns.map((c) => (
              <td key={c.version} className={cell}>
                {c.openRequests.length ? (
                  <ul className="space-y-1">
                    {c.openRequests.map((r) => (
                      <li key={r.id}>
                        <Link href={`/reviews/${r.id}`} className="rounded text-sm font-medium whitespace-nowrap text-indigo-700 hover:underline dark:text-indigo-300">
                          → {r.to} ({r.status.replace("_", " ")})
                        </Link>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="text-xs text-slate-500 dark:text-slate-400">none</span>
                )}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </ScrollFrame>
  );
}
