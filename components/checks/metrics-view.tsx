// The fallback for metrics the UI has no dedicated view for (a new check version, a field added
// later): scalars as a key/value list, anything nested as collapsible JSON. A shape the UI does not
// know must still be readable, never a crash.
import type { ReactNode } from "react";
import { fmt3, humanizeKey } from "@/lib/format/numbers";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function Scalar({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  if (typeof value === "number") return <span className="font-mono tabular-nums">{fmt3(value)}</span>;
  if (typeof value === "boolean") return <span>{value ? "yes" : "no"}</span>;
  return <span className="break-words">{String(value)}</span>;
}

function isScalar(value: unknown): boolean {
  return value === null || value === undefined || ["string", "number", "boolean"].includes(typeof value);
}

/** Small lists of scalars read better inline than as JSON. */
function isShortScalarList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length <= 12 && value.every((v) => isScalar(v) && String(v).length <= 40);
}

export function KeyValueList({ entries, className }: { entries: [string, ReactNode][]; className?: string }) {
  return (
    <dl className={className ?? "grid gap-x-6 gap-y-1.5 text-sm sm:grid-cols-[minmax(9rem,max-content)_1fr]"}>
      {entries.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500 dark:text-slate-400">{k}</dt>
          <dd className="min-w-0 text-slate-800 dark:text-slate-200">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function JsonDetails({ label, value }: { label: string; value: unknown }) {
  return (
    <details className="mt-1">
      <summary className="cursor-pointer rounded text-xs font-medium text-slate-600 dark:text-slate-400 hover:text-slate-900 dark:hover:text-slate-100">{label}</summary>
      <pre tabIndex={0} className="mt-1.5 max-h-80 overflow-auto rounded bg-slate-50 dark:bg-slate-800/40 p-2 font-mono text-[12px] leading-relaxed text-slate-700 dark:text-slate-300 ring-1 ring-slate-200 dark:ring-slate-700">
        {JSON.stringify(value, null, 2)}
      </pre>
    </details>
  );
}

/** Every key of `metrics` (minus `omit`) as a readable list. */
export function GenericMetrics({ metrics, omit = [], title }: { metrics: Record<string, unknown> | null | undefined; omit?: readonly string[]; title?: string }) {
  const entries = Object.entries(metrics ?? {}).filter(([k]) => !omit.includes(k));
  if (!entries.length) return null;
  const scalars = entries.filter(([, v]) => isScalar(v) || isShortScalarList(v));
  const nested = entries.filter(([, v]) => !(isScalar(v) || isShortScalarList(v)));
  return (
    <div className="space-y-2">
      {title ? <h4 className="text-sm font-semibold text-slate-900 dark:text-slate-100">{title}</h4> : null}
      {scalars.length ? (
        <KeyValueList
          entries={scalars.map(([k, v]) => [
            humanizeKey(k),
            Array.isArray(v) ? (v.length ? <span className="font-mono text-xs">{v.map(String).join(", ")}</span> : <span className="text-slate-500 dark:text-slate-400">none</span>) : <Scalar value={v} />,
          ])}
        />
      ) : null}
      {nested.map(([k, v]) => (
        <JsonDetails key={k} label={humanizeKey(k)} value={v} />
      ))}
    </div>
  );
}
