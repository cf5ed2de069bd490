// Security: what was scanned and what it imports. The verdict-bearing detail is in the findings
// (each dangerous import with its opcode and byte offset); this is the inventory around them.
import type { ReactNode } from "react";
import { z } from "zod";
import { formatBytes } from "@/lib/format/bytes";
import { Badge } from "../ui/badge";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";
import { fmt3 } from "@/lib/format/numbers";
import { GenericMetrics, KeyValueList } from "./metrics-view";

const securitySchema = z.object({
  format: z.string().optional(),
  limitBytes: z.number().optional(),
  artifactBytes: z.number().optional(),
  picklesScanned: z.number().optional(),
  importsSeen: z.number().optional(),
  imports: z.array(z.string()).optional(),
  dangerousImports: z.array(z.string()).optional(),
  extraFilesScanned: z.array(z.string()).optional(),
  safetensors: z.object({ tensors: z.number().nullable().optional(), headerBytes: z.number().nullable().optional(), dataBytes: z.number().nullable().optional() }).optional(),
  onnx: z
    .object({
      externalDataReferences: z.array(z.object({ tensor: z.string(), location: z.string().nullable().optional(), resolvedPath: z.string().nullable().optional() })),
    })
    .optional(),
});

const known = Object.keys(securitySchema.shape);

const bytes = (n: number | null | undefined) => (typeof n === "number" ? formatBytes(n) : "—");

export function SecurityDetails({ metrics }: { metrics: Record<string, unknown> | null }) {
  if (!metrics || !Object.keys(metrics).length) return null;
  const parsed = securitySchema.safeParse(metrics);
  if (!parsed.success) return <GenericMetrics title="Metrics" metrics={metrics} />;
  const m = parsed.data;
  const dangerous = new Set(m.dangerousImports ?? []);
  const refs = m.onnx?.externalDataReferences ?? [];
  return (
    <div className="space-y-5">
      <KeyValueList
        entries={[
          ["Artifact format", <span key="f" className="font-mono">{m.format ?? "—"}</span>],
          [
            "Artifact size",
            <span key="s">
              {bytes(m.artifactBytes)} <span className="text-slate-500 dark:text-slate-400">of {bytes(m.limitBytes)} allowed</span>
            </span>,
          ],
          ...(m.picklesScanned !== undefined
            ? ([["Pickles scanned", <span key="p" className="font-mono">{fmt3(m.picklesScanned)} ({fmt3(m.importsSeen)} imports seen)</span>]] as [string, ReactNode][])
            : []),
          [
            "Other files scanned",
            m.extraFilesScanned?.length ? <span key="x" className="font-mono text-xs">{m.extraFilesScanned.join(", ")}</span> : <span key="x" className="text-slate-500 dark:text-slate-400">none looked like a pickle</span>,
          ],
          ...(m.safetensors
            ? ([
                [
                  "safetensors",
                  <span key="st">
                    {fmt3(m.safetensors.tensors)} tensors, header {bytes(m.safetensors.headerBytes)}, data {bytes(m.safetensors.dataBytes)}
                  </span>,
                ],
              ] as [string, ReactNode][])
            : []),
        ]}
      />
      {m.imports?.length ? (
        <div>
          <h4 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">
            Pickle imports <span className="text-xs font-normal text-slate-500 dark:text-slate-400">{m.imports.length} distinct</span>
          </h4>
          <ul className="flex flex-wrap gap-1.5" aria-label="Imports found in pickles">
            {m.imports.map((name) => (
              <li key={name}>
                {dangerous.has(name) ? (
                  <Badge tone="red" className="font-mono text-[11px]" title="Dangerous: not on the allow-list and callable">
                    dangerous: {name}
                  </Badge>
                ) : (
                  <Badge tone="neutral" className="font-mono text-[11px]">
                    {name}
                  </Badge>
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {m.onnx ? (
        <div>
          <h4 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">ONNX external data</h4>
          {refs.length ? (
            <Table caption="Tensors the ONNX model stores in external files" className="rounded-lg ring-1 ring-slate-200 dark:ring-slate-700">
              <THead>
                <TH>Tensor</TH>
                <TH>Location</TH>
                <TH>Resolves to</TH>
              </THead>
              <TBody>
                {refs.map((r, i) => (
                  <TR key={`${r.tensor}-${i}`}>
                    <RowHeader className="font-mono text-xs">{r.tensor}</RowHeader>
                    <TD className="font-mono text-xs">{r.location ?? "—"}</TD>
                    <TD className="font-mono text-xs">{r.resolvedPath ?? <span className="text-red-700 dark:text-red-300">outside the envelope</span>}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">None: every tensor is stored inside the model file.</p>
          )}
        </div>
      ) : null}
      <GenericMetrics title="Other metrics" metrics={metrics} omit={known} />
    </div>
  );
}
