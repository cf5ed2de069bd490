// One check on the checks page: verdict, what it was judged against (thresholds, seed, checker
// version, inputs digest), the kind-specific results, findings and the raw log.
import type { ReactNode } from "react";
import type { CheckRunView } from "@/lib/checks/list-check-runs";
import { Card, CardBody, CardHeader } from "../ui/card";
import { Digest } from "../ui/digest";
import { Time } from "../ui/time";
import { AdversarialDetails } from "./adversarial-details";
import { checkKindDescription, checkKindLabel, isPending } from "@/lib/checks/format";
import type { CheckKind } from "@/lib/checks/types";
import { fmtDuration, humanizeKey } from "@/lib/format/numbers";
import { FairnessDetails } from "./fairness-chart";
import { FindingsList } from "./findings-list";
import { GenericMetrics, JsonDetails } from "./metrics-view";
import { SecurityDetails } from "./security-details";
import { ValidationDetails } from "./validation-details";
import { CheckProgress, VerdictBadge } from "./verdict-badge";
import { cn } from "../ui/cn";

type CheckLog = NonNullable<CheckRunView["log"]>;

function Fact({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={cn("min-w-0", className)}>
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-800 dark:text-slate-200">{children}</dd>
    </div>
  );
}

/** Thresholds as "name value" pairs; long lists (the pickle allow-list) collapse. */
function Thresholds({ thresholds }: { thresholds: Record<string, unknown> }) {
  const entries = Object.entries(thresholds);
  if (!entries.length) return <span className="text-slate-500 dark:text-slate-400">none</span>;
  const scalars = entries.filter(([, v]) => typeof v === "number" || typeof v === "string" || typeof v === "boolean");
  const rest = entries.filter(([, v]) => !(typeof v === "number" || typeof v === "string" || typeof v === "boolean"));
  return (
    <div>
      <ul className="flex flex-wrap gap-x-4 gap-y-1">
        {scalars.map(([k, v]) => (
          <li key={k}>
            <span className="text-slate-500 dark:text-slate-400">{humanizeKey(k)}</span> <span className="font-mono font-medium">{String(v)}</span>
          </li>
        ))}
      </ul>
      {rest.map(([k, v]) => (
        <JsonDetails key={k} label={`${humanizeKey(k)}${Array.isArray(v) ? ` (${v.length})` : ""}`} value={v} />
      ))}
    </div>
  );
}

function KindDetails({ run }: { run: CheckRunView }) {
  switch (run.kind) {
    case "fairness":
      return <FairnessDetails metrics={run.metrics} thresholds={run.thresholds} />;
    case "validation":
      return <ValidationDetails metrics={run.metrics} findings={run.findings} />;
    case "adversarial":
      return <AdversarialDetails metrics={run.metrics} />;
    case "security":
      return <SecurityDetails metrics={run.metrics} />;
    default:
      return <GenericMetrics title="Metrics" metrics={run.metrics} />;
  }
}

export function CheckSection({ kind, run, log, actions }: { kind: CheckKind; run: CheckRunView | undefined; log: CheckLog | undefined; actions?: ReactNode }) {
  const headingId = `check-${kind}-heading`;
  const label = checkKindLabel[kind];
  return (
    <Card aria-labelledby={headingId}>
      <div id={`check-${kind}`} className="scroll-mt-20" />
      <CardHeader
        id={headingId}
        title={
          <span className="flex flex-wrap items-center gap-2">
            {label}
            {run ? <VerdictBadge status={run.status} verdict={run.verdict} /> : null}
          </span>
        }
        description={checkKindDescription[kind]}
        actions={actions}
      />
      {!run ? (
        <CardBody>
          <p className="text-sm text-slate-600 dark:text-slate-400">This check has not been requested for this version.</p>
        </CardBody>
      ) : (
        <CardBody className="space-y-5">
          {isPending(run) ? (
            <CheckProgress kindLabel={label} progress={run.progress} message={run.progressMessage} status={run.status} />
          ) : (
            <p className="text-sm font-medium break-words text-slate-800 dark:text-slate-200">{run.summary ?? "The run finished without a summary."}</p>
          )}

          <dl className="grid gap-x-6 gap-y-3 rounded-lg bg-slate-50 dark:bg-slate-800/40 px-4 py-3 ring-1 ring-slate-200 dark:ring-slate-700 sm:grid-cols-2 lg:grid-cols-4">
            {/* A <dl> allows only one wrapper <div> around each dt/dd pair, so the span goes on the Fact. */}
            <Fact label="Thresholds used" className="sm:col-span-2 lg:col-span-4">
              <Thresholds thresholds={run.thresholds} />
            </Fact>
            <Fact label="Seed">
              <span className="font-mono">{run.seed}</span>
            </Fact>
            <Fact label="Checker version">
              <span className="font-mono">{run.checkerVersion}</span>
            </Fact>
            <Fact label="Inputs digest">
              <Digest value={run.inputsDigest} chars={12} />
            </Fact>
            <Fact label="Duration">
              {fmtDuration(run.durationMs)}
              {run.finishedAt ? (
                <span className="text-slate-500 dark:text-slate-400">
                  {" "}
                  · finished <Time iso={run.finishedAt} />
                </span>
              ) : null}
            </Fact>
            <Fact label="Trigger">
              {run.trigger}
              {run.attempts > 1 ? <span className="text-slate-500 dark:text-slate-400"> · {run.attempts} attempts</span> : null}
            </Fact>
            <Fact label="Queued">
              <Time iso={run.queuedAt} />
            </Fact>
          </dl>

          {run.status === "finished" ? <KindDetails run={run} /> : null}

          {run.status === "finished" ? <FindingsList findings={run.findings} /> : null}

          {log ? (
            <details className="group">
              <summary className="cursor-pointer rounded text-sm font-medium text-slate-700 dark:text-slate-300 hover:text-slate-900 dark:hover:text-slate-100">
                Log{log.truncated ? ` (last ${Math.round(log.text.length / 1024)} KiB of ${Math.round(log.length / 1024)} KiB)` : ""}
              </summary>
              <pre
                tabIndex={0}
                aria-label={`${label} log`}
                className="mt-2 max-h-96 overflow-auto rounded-lg bg-slate-900 dark:bg-slate-950 px-4 py-3 font-mono text-[12px] leading-relaxed whitespace-pre-wrap text-slate-100"
              >
                {log.text}
              </pre>
            </details>
          ) : null}
        </CardBody>
      )}
    </Card>
  );
}
