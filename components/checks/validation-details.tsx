// Validation: does the model load and keep the manifest's promises. Test vector mismatches are
// findings (code test_vector_mismatch, details { case, output, expected, actual, absError }); they
// are pulled out into an expected-vs-actual table because that is what a reviewer compares.
import { z } from "zod";
import type { CheckRunView } from "@/lib/checks/list-check-runs";
import { formatBytes } from "@/lib/format/bytes";
import { Badge } from "../ui/badge";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";
import { CheckCircleIcon, XCircleIcon } from "../ui/icons";
import { fmt3, fmtMs } from "@/lib/format/numbers";
import { GenericMetrics, KeyValueList } from "./metrics-view";

const latencyEntry = z.object({ p50Ms: z.number(), p95Ms: z.number(), runs: z.number().optional() });

const validationSchema = z.object({
  artifactBytes: z.number().optional(),
  irVersion: z.number().optional(),
  opsets: z.record(z.string(), z.number()).optional(),
  producer: z.string().optional(),
  graph: z.object({ inputs: z.array(z.string()).optional(), outputs: z.array(z.string()).optional(), nodes: z.number().optional() }).optional(),
  inputs: z.array(z.string()).optional(),
  outputs: z.array(z.string()).optional(),
  testVectors: z.object({ cases: z.number(), passed: z.number().optional(), failed: z.number(), maxAbsError: z.number().nullable().optional(), atol: z.number().optional(), rtol: z.number().optional() }).optional(),
  probes: z.object({ rows: z.number(), failing: z.number().nullable() }).optional(),
  deterministic: z.boolean().nullable().optional(),
  latency: z.record(z.string(), latencyEntry).nullable().optional(),
  format: z.string().optional(),
});

const known = Object.keys(validationSchema.shape);

const mismatchDetails = z.object({
  case: z.number(),
  output: z.string().optional(),
  expected: z.unknown().optional(),
  actual: z.unknown().optional(),
  absError: z.number().nullable().optional(),
});

function show(value: unknown): string {
  if (value === undefined) return "—";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(7)));
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  return JSON.stringify(value);
}

const MAX_MISMATCH_ROWS = 50;

function PassFail({ ok, yes, no }: { ok: boolean | null | undefined; yes: string; no: string }) {
  if (ok === null || ok === undefined) return <span className="text-slate-500 dark:text-slate-400">not checked</span>;
  return ok ? (
    <Badge tone="green">
      <CheckCircleIcon className="size-3.5" />
      {yes}
    </Badge>
  ) : (
    <Badge tone="red">
      <XCircleIcon className="size-3.5" />
      {no}
    </Badge>
  );
}

/** "batch1024" → 1024; unknown keys sort last, as they came. */
function batchSize(key: string): number {
  const m = /(\d+)/.exec(key);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

export function ValidationDetails({ metrics, findings }: { metrics: Record<string, unknown> | null; findings: CheckRunView["findings"] }) {
  if (!metrics || !Object.keys(metrics).length) return null;
  const parsed = validationSchema.safeParse(metrics);
  if (!parsed.success) return <GenericMetrics title="Metrics" metrics={metrics} />;
  const m = parsed.data;
  const mismatches = findings
    .filter((f) => f.code === "test_vector_mismatch")
    .map((f) => mismatchDetails.safeParse(f.details))
    .flatMap((r) => (r.success ? [r.data] : []));
  const latency = m.latency ? Object.entries(m.latency).sort(([a], [b]) => batchSize(a) - batchSize(b)) : [];
  const opsets = Object.entries(m.opsets ?? {});

  return (
    <div className="space-y-5">
      <div className="grid gap-5 lg:grid-cols-2">
        <div>
          <h4 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">Model file</h4>
          <KeyValueList
            entries={[
              ["ONNX IR version", <span key="ir" className="font-mono">{fmt3(m.irVersion)}</span>],
              [
                "Opsets",
                opsets.length ? (
                  <span key="op" className="font-mono text-xs">
                    {opsets.map(([d, v]) => `${d} ${v}`).join(", ")}
                  </span>
                ) : (
                  <span key="op" className="text-slate-500 dark:text-slate-400">—</span>
                ),
              ],
              ["Producer", <span key="p">{m.producer ?? <span className="text-slate-500 dark:text-slate-400">—</span>}</span>],
              ["Size", <span key="s">{m.artifactBytes !== undefined ? formatBytes(m.artifactBytes) : "—"}</span>],
              ["Graph", <span key="g">{m.graph?.nodes !== undefined ? `${fmt3(m.graph.nodes)} nodes` : "—"}</span>],
              ["Inputs", <span key="i" className="font-mono text-xs">{(m.inputs ?? m.graph?.inputs)?.join(", ") || "—"}</span>],
              ["Outputs", <span key="o" className="font-mono text-xs">{(m.outputs ?? m.graph?.outputs)?.join(", ") || "—"}</span>],
            ]}
          />
        </div>
        <div>
          <h4 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">Behaviour</h4>
          <KeyValueList
            entries={[
              [
                "Test vectors",
                m.testVectors ? (
                  <span key="tv" className="flex flex-wrap items-center gap-2">
                    <PassFail ok={m.testVectors.failed === 0} yes="Reproduced" no={`${m.testVectors.failed} failed`} />
                    <span>
                      {fmt3(m.testVectors.passed ?? m.testVectors.cases - m.testVectors.failed)} of {fmt3(m.testVectors.cases)} cases pass
                    </span>
                  </span>
                ) : (
                  <span key="tv" className="text-slate-500 dark:text-slate-400">none declared</span>
                ),
              ],
              [
                "Tolerance",
                <span key="tol" className="font-mono text-xs">
                  {m.testVectors ? `atol ${show(m.testVectors.atol)}, rtol ${show(m.testVectors.rtol)}; max |error| ${show(m.testVectors.maxAbsError ?? undefined)}` : "—"}
                </span>,
              ],
              [
                "Schema probes",
                m.probes ? (
                  <span key="pr" className="flex flex-wrap items-center gap-2">
                    <PassFail ok={m.probes.failing === null ? false : m.probes.failing === 0} yes="All finite" no={m.probes.failing === null ? "Crashed" : `${m.probes.failing} non-finite`} />
                    <span title="Each feature at min, max, just outside its range and missing (when nullable)">{fmt3(m.probes.rows)} probe rows</span>
                  </span>
                ) : (
                  <span key="pr" className="text-slate-500 dark:text-slate-400">not run (no input schema)</span>
                ),
              ],
              ["Deterministic", <PassFail key="d" ok={m.deterministic} yes="Two runs agree" no="Runs disagree" />],
            ]}
          />
        </div>
      </div>

      {mismatches.length ? (
        <div>
          <h4 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">
            Failing test vector cases
            {mismatches.length > MAX_MISMATCH_ROWS ? <span className="ml-2 text-xs font-normal text-slate-500 dark:text-slate-400">first {MAX_MISMATCH_ROWS} of {mismatches.length}</span> : null}
          </h4>
          <Table caption="Failing test vector cases: expected versus actual output" className="rounded-lg ring-1 ring-slate-200 dark:ring-slate-700">
            <THead>
              <TH>Case</TH>
              <TH>Output</TH>
              <TH>Expected</TH>
              <TH>Actual</TH>
              <TH className="text-right">|error|</TH>
            </THead>
            <TBody>
              {mismatches.slice(0, MAX_MISMATCH_ROWS).map((c, i) => (
                <TR key={`${c.case}-${c.output}-${i}`}>
                  <RowHeader className="font-mono">#{c.case}</RowHeader>
                  <TD className="font-mono text-xs">{c.output ?? "—"}</TD>
                  <TD className="max-w-xs font-mono text-xs break-all">{show(c.expected)}</TD>
                  <TD className="max-w-xs font-mono text-xs break-all text-red-700 dark:text-red-300">{show(c.actual)}</TD>
                  <TD className="text-right font-mono text-xs tabular-nums">{c.absError === null || c.absError === undefined ? "—" : c.absError.toExponential(2)}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      ) : null}

      <div>
        <h4 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">Latency</h4>
        {latency.length ? (
          <Table caption="Inference latency percentiles by batch size" className="max-w-xl rounded-lg ring-1 ring-slate-200 dark:ring-slate-700">
            <THead>
              <TH>Batch size</TH>
              <TH className="text-right">p50</TH>
              <TH className="text-right">p95</TH>
              <TH className="text-right">Per row (p50)</TH>
              <TH className="text-right">Runs</TH>
            </THead>
            <TBody>
              {latency.map(([key, l]) => {
                const size = batchSize(key);
                return (
                  <TR key={key}>
                    <RowHeader className="font-mono">{size === Number.MAX_SAFE_INTEGER ? key : fmt3(size)}</RowHeader>
                    <TD className="text-right font-mono tabular-nums">{fmtMs(l.p50Ms)}</TD>
                    <TD className="text-right font-mono tabular-nums">{fmtMs(l.p95Ms)}</TD>
                    <TD className="text-right font-mono tabular-nums">{size === Number.MAX_SAFE_INTEGER ? "—" : fmtMs(l.p50Ms / size)}</TD>
                    <TD className="text-right font-mono tabular-nums">{fmt3(l.runs)}</TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
        ) : (
          <p className="text-sm text-slate-500 dark:text-slate-400">Not measured.</p>
        )}
        <p className="mt-1.5 text-xs text-slate-500 dark:text-slate-400">Measured on the registry&apos;s worker, after a warm-up run; informational, never a gate.</p>
      </div>

      <GenericMetrics title="Other metrics" metrics={metrics} omit={known} />
    </div>
  );
}
