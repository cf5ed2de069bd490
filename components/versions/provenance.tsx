// The claims the uploader made in manifest.json that a reviewer scans first: where the model came
// from and how it scored. They are claims (the checks engine verifies what can be verified).
import type { ReactNode } from "react";
import { Digest } from "../ui/digest";
import { JsonDisclosure } from "./json-disclosure";

/** Metrics listed one per row; a manifest may report up to 1,000, the rest are behind a disclosure. */
const METRICS_LISTED = 12;

type Manifest = {
  framework?: { name?: string; version?: string };
  opset?: number;
  source?: { gitCommit?: string; repository?: string; pipelineRun?: string };
  training?: { datasetSha256?: string; rows?: number };
  metrics?: Record<string, number>;
  inputSchema?: { features?: unknown[] };
};

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-start justify-between gap-3 py-2">
      <dt className="shrink-0 text-sm text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 text-right text-sm break-words text-slate-800 dark:text-slate-200">{children}</dd>
    </div>
  );
}

const isHttpUrl = (v: string) => /^https?:\/\//i.test(v);

export function Provenance({ manifest, fullHref }: { manifest: Record<string, unknown>; fullHref: string }) {
  const m = manifest as Manifest;
  const items: ReactNode[] = [];
  if (m.framework?.name) items.push(<Item key="fw" label="Framework">{[m.framework.name, m.framework.version].filter(Boolean).join(" ")}</Item>);
  if (m.opset !== undefined) items.push(<Item key="opset" label="ONNX opset">{m.opset}</Item>);
  if (m.inputSchema?.features) items.push(<Item key="features" label="Input features">{m.inputSchema.features.length}</Item>);
  if (m.source?.repository)
    items.push(
      <Item key="repo" label="Repository">
        {isHttpUrl(m.source.repository) ? (
          <a href={m.source.repository} rel="nofollow noopener noreferrer" className="text-indigo-700 dark:text-indigo-300 hover:underline">
            {m.source.repository.replace(/^https?:\/\//, "")}
          </a>
        ) : (
          m.source.repository
        )}
      </Item>,
    );
  if (m.source?.gitCommit) items.push(<Item key="commit" label="Git commit"><Digest value={m.source.gitCommit} chars={10} /></Item>);
  if (m.source?.pipelineRun)
    items.push(
      <Item key="run" label="Pipeline run">
        {isHttpUrl(m.source.pipelineRun) ? (
          <a href={m.source.pipelineRun} rel="nofollow noopener noreferrer" className="text-indigo-700 dark:text-indigo-300 hover:underline">
            open
          </a>
        ) : (
          m.source.pipelineRun
        )}
      </Item>,
    );
  if (m.training?.rows !== undefined) items.push(<Item key="rows" label="Training rows">{m.training.rows.toLocaleString("en")}</Item>);
  if (m.training?.datasetSha256) items.push(<Item key="ds" label="Training data"><Digest value={m.training.datasetSha256} chars={10} /></Item>);
  const metrics = Object.entries(m.metrics ?? {});
  return (
    <div className="space-y-4">
      {items.length ? <dl className="divide-y divide-slate-100 dark:divide-slate-800">{items}</dl> : <p className="text-sm text-slate-500 dark:text-slate-400">The manifest declares no framework or source information.</p>}
      {metrics.length ? (
        <div>
          <h3 className="mb-1 text-xs font-medium tracking-wide text-slate-500 dark:text-slate-400 uppercase">Reported metrics</h3>
          <dl className="divide-y divide-slate-100 dark:divide-slate-800">
            {metrics.slice(0, METRICS_LISTED).map(([k, v]) => (
              <Item key={k} label={k}>
                <span className="font-mono tabular-nums">{Number.isInteger(v) ? v : v.toFixed(4)}</span>
              </Item>
            ))}
          </dl>
          {metrics.length > METRICS_LISTED ? (
            <div className="mt-2">
              <JsonDisclosure label={`All ${metrics.length.toLocaleString("en")} metrics`} value={m.metrics} fullHref={fullHref} />
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
