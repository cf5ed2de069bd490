// What the uploader says about how the version was made and how it is evaluated, readable rather than
// raw JSON: the changelog as text, evaluation settings and the free-form maps (hyperparameters, seeds,
// metadata) as definition lists. Free-form maps too big or too deep for a list keep the capped JSON
// disclosure (json-disclosure.tsx), which links to the full value.
import type { ReactNode } from "react";
import { describeJson, FIELD_PREVIEW, previewJson } from "./json-preview";
import { JsonDisclosure } from "./json-disclosure";

/** Maps with more entries than this, or a serialised size above the cap, are shown as capped JSON. */
const LIST_MAX_ENTRIES = 40;
const LIST_MAX_BYTES = 4096;
const VALUE_MAX_CHARS = 300;

type Manifest = {
  changelog?: string;
  testVectors?: string;
  evaluation?: { path?: string; label?: string; sensitive?: string[]; format?: string };
  adversarial?: { epsilon?: number; vectors?: string };
  training?: { hyperparameters?: unknown; seeds?: unknown };
  metadata?: unknown;
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function Value({ value }: { value: unknown }) {
  if (typeof value === "string") return <span className="break-words">{value.length > VALUE_MAX_CHARS ? `${value.slice(0, VALUE_MAX_CHARS)}…` : value}</span>;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return <span className="font-mono tabular-nums">{String(value)}</span>;
  const text = previewJson(value, { ...FIELD_PREVIEW, maxChars: VALUE_MAX_CHARS }).text.replace(/\s*\n\s*/g, " ");
  return <code className="font-mono text-xs break-all">{text}</code>;
}

/** Keys of free-form maps are identifiers (monospace); the settings' labels are words. */
function Pairs({ entries, monoKeys = false }: { entries: [string, ReactNode][]; monoKeys?: boolean }) {
  return (
    <dl className="grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-6 gap-y-1.5 text-sm">
      {entries.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className={monoKeys ? "font-mono text-xs leading-5 break-all text-slate-600 dark:text-slate-400" : "text-slate-600 dark:text-slate-400"}>{k}</dt>
          <dd className="text-slate-800 dark:text-slate-200">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function FreeForm({ label, value, fullHref }: { label: string; value: unknown; fullHref: string }) {
  const shape = describeJson(value);
  if (!isPlainObject(value) || Object.keys(value).length > LIST_MAX_ENTRIES || shape.bytes === null || shape.bytes > LIST_MAX_BYTES)
    return <JsonDisclosure label={label} value={value} fullHref={fullHref} />;
  return (
    <div>
      <h3 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">{label}</h3>
      {Object.keys(value).length ? (
        <Pairs monoKeys entries={Object.entries(value).map(([k, v]) => [k, <Value key={k} value={v} />])} />
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">empty</p>
      )}
    </div>
  );
}

/** True when the manifest has anything for this section. */
export function hasTrainingAndEvaluation(manifest: Record<string, unknown>): boolean {
  const m = manifest as Manifest;
  return Boolean(m.changelog || m.testVectors || m.evaluation || m.adversarial || m.training?.hyperparameters !== undefined || m.training?.seeds !== undefined || m.metadata !== undefined);
}

export function TrainingAndEvaluation({ manifest, fullHref }: { manifest: Record<string, unknown>; fullHref: string }) {
  const m = manifest as Manifest;
  const evaluation: [string, ReactNode][] = [];
  if (m.evaluation?.path) evaluation.push(["Evaluation set", <code key="p" className="font-mono text-xs break-all">{m.evaluation.path}</code>]);
  if (m.evaluation?.format) evaluation.push(["Format", m.evaluation.format]);
  if (m.evaluation?.label) evaluation.push(["Label column", <code key="l" className="font-mono text-xs">{m.evaluation.label}</code>]);
  if (m.evaluation?.sensitive?.length) evaluation.push(["Sensitive attributes", m.evaluation.sensitive.join(", ")]);
  if (m.testVectors) evaluation.push(["Test vectors", <code key="t" className="font-mono text-xs break-all">{m.testVectors}</code>]);
  if (m.adversarial?.epsilon !== undefined) evaluation.push(["Adversarial ε", <span key="e" className="font-mono tabular-nums">{m.adversarial.epsilon}</span>]);
  else if (m.adversarial || m.evaluation) evaluation.push(["Adversarial ε", "policy default"]);
  if (m.adversarial?.vectors) evaluation.push(["Adversarial vectors", <code key="v" className="font-mono text-xs break-all">{m.adversarial.vectors}</code>]);
  return (
    <div className="space-y-6">
      {m.changelog ? (
        <div>
          <h3 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">Changelog</h3>
          {/* Plain text on purpose: the changelog is untrusted and short; no markup is interpreted. */}
          <div className="max-h-80 overflow-auto rounded-lg bg-slate-50 px-4 py-3 text-sm whitespace-pre-wrap text-slate-800 ring-1 ring-slate-200 dark:bg-slate-800/40 dark:text-slate-200 dark:ring-slate-700">
            {m.changelog.length > 20_000 ? `${m.changelog.slice(0, 20_000)}…` : m.changelog}
          </div>
        </div>
      ) : null}
      {evaluation.length ? (
        <div>
          <h3 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">Evaluation settings</h3>
          <Pairs entries={evaluation} />
        </div>
      ) : null}
      <div className="grid gap-6 md:grid-cols-2">
        {m.training?.hyperparameters !== undefined ? <FreeForm label="Hyperparameters" value={m.training.hyperparameters} fullHref={fullHref} /> : null}
        {m.training?.seeds !== undefined ? <FreeForm label="Seeds" value={m.training.seeds} fullHref={fullHref} /> : null}
        {m.metadata !== undefined ? <FreeForm label="Metadata" value={m.metadata} fullHref={fullHref} /> : null}
      </div>
    </div>
  );
}
