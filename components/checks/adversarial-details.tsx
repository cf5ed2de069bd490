// Adversarial robustness: the flip rate against its gate, what the gradient-sign attack costs in
// accuracy, and whether the uploader's own adversarial vectors kept their labels.
import { z } from "zod";
import { Badge } from "../ui/badge";
import { cn } from "../ui/cn";
import { CheckCircleIcon, XCircleIcon } from "../ui/icons";
import { fmt3, fmtPercent, fmtRate } from "@/lib/format/numbers";
import { GenericMetrics, KeyValueList } from "./metrics-view";

const num = z.number().nullable().optional();

const adversarialSchema = z.object({
  epsilon: num,
  seed: num,
  evaluationRows: num,
  sampledRows: num,
  perturbationsPerRow: num,
  perturbedRows: num,
  flips: num,
  flipRate: num,
  maxFlipRate: num,
  attackedRows: num,
  labeledRows: num,
  cleanAccuracy: num,
  robustAccuracy: num,
  attackFlipRate: num,
  gradientEstimate: z.string().nullable().optional(),
  attackedFeatures: z.array(z.string()).optional(),
  unboundedFeatures: z.array(z.string()).optional(),
  harness: z.object({ cases: z.number(), failed: z.number() }).nullable().optional(),
});

const known = Object.keys(adversarialSchema.shape);

/** The flip rate on a scale that always shows the limit (at least 2× the limit wide). */
function FlipRateMeter({ value, max }: { value: number; max: number | null | undefined }) {
  const scale = Math.max(max ? max * 2 : 0.1, value * 1.1, 0.01);
  const over = typeof max === "number" && value > max;
  return (
    <div className="space-y-1.5">
      <div className="flex flex-wrap items-baseline gap-x-2">
        <span className="font-mono text-2xl font-semibold text-slate-900 dark:text-slate-100 tabular-nums">{fmtPercent(value)}</span>
        {typeof max === "number" ? (
          <span className="text-sm text-slate-500 dark:text-slate-400">
            {over ? ">" : "≤"} {fmtPercent(max)} allowed
          </span>
        ) : null}
        {typeof max === "number" ? (
          over ? (
            <Badge tone="red">
              <XCircleIcon className="size-3.5" />
              Over the limit
            </Badge>
          ) : (
            <Badge tone="green">
              <CheckCircleIcon className="size-3.5" />
              Within the limit
            </Badge>
          )
        ) : null}
      </div>
      <div
        role="meter"
        aria-label="Flip rate under random noise"
        aria-valuemin={0}
        aria-valuemax={Number((scale * 100).toFixed(2))}
        aria-valuenow={Number((value * 100).toFixed(2))}
        aria-valuetext={`${fmtPercent(value)}${typeof max === "number" ? `, limit ${fmtPercent(max)}` : ""}`}
        className="relative h-3 max-w-md rounded-full bg-slate-100 dark:bg-slate-800 ring-1 ring-slate-200 dark:ring-slate-700 ring-inset"
      >
        <div className={cn("h-full rounded-full", over ? "bg-red-500" : "bg-emerald-500")} style={{ width: `${Math.max((value / scale) * 100, value > 0 ? 1.5 : 0)}%` }} />
        {typeof max === "number" ? (
          <div className="absolute -inset-y-1 border-l-2 border-dashed border-slate-800/70 dark:border-slate-300/70" style={{ left: `${(max / scale) * 100}%` }} title={`limit ${fmtPercent(max)}`} />
        ) : null}
      </div>
      <div className="relative h-3 max-w-md text-[10px] text-slate-500 dark:text-slate-400">
        <span className="absolute left-0">0%</span>
        {typeof max === "number" ? (
          <span className="absolute -translate-x-1/2 text-slate-600 dark:text-slate-400" style={{ left: `${(max / scale) * 100}%` }}>
            limit {fmtPercent(max)}
          </span>
        ) : null}
        <span className="absolute right-0">{fmtPercent(scale, 0)}</span>
      </div>
    </div>
  );
}

function AccuracyBar({ label, value }: { label: string; value: number | null | undefined }) {
  return (
    <div className="flex items-center gap-3 text-sm">
      <span className="w-32 shrink-0 text-slate-600 dark:text-slate-400">{label}</span>
      <div className="h-3 max-w-xs flex-1 rounded-full bg-slate-100 dark:bg-slate-800 ring-1 ring-slate-200 dark:ring-slate-700 ring-inset" aria-hidden="true">
        {typeof value === "number" ? <div className="h-full rounded-full bg-indigo-500" style={{ width: `${Math.min(Math.max(value, 0), 1) * 100}%` }} /> : null}
      </div>
      <span className="w-14 font-mono tabular-nums text-slate-800 dark:text-slate-200">{fmtRate(value)}</span>
    </div>
  );
}

export function AdversarialDetails({ metrics }: { metrics: Record<string, unknown> | null }) {
  if (!metrics || !Object.keys(metrics).length) return null;
  const parsed = adversarialSchema.safeParse(metrics);
  if (!parsed.success) return <GenericMetrics title="Metrics" metrics={metrics} />;
  const m = parsed.data;
  return (
    <div className="space-y-5">
      <div className="grid gap-5 lg:grid-cols-2">
        <div>
          <h4 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">Flip rate under bounded noise</h4>
          {typeof m.flipRate === "number" ? (
            <>
              <FlipRateMeter value={m.flipRate} max={m.maxFlipRate} />
              <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
                {fmt3(m.flips)} of {fmt3(m.perturbedRows)} noisy rows changed prediction ({fmt3(m.sampledRows)} sampled rows × {fmt3(m.perturbationsPerRow)} perturbations, ε ={" "}
                {m.epsilon ?? "—"}).
              </p>
            </>
          ) : (
            <p className="text-sm text-slate-500 dark:text-slate-400">Not measured: no evaluation rows to perturb.</p>
          )}
        </div>
        <div>
          <h4 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">Gradient-sign attack at ε = {m.epsilon ?? "—"}</h4>
          {typeof m.cleanAccuracy === "number" || typeof m.robustAccuracy === "number" ? (
            <div className="space-y-1.5">
              <AccuracyBar label="Clean accuracy" value={m.cleanAccuracy} />
              <AccuracyBar label="Robust accuracy" value={m.robustAccuracy} />
              <p className="text-xs text-slate-500 dark:text-slate-400">
                Reported, not gated. {fmt3(m.labeledRows)} labelled of {fmt3(m.attackedRows)} attacked rows; the attack changed {fmtPercent(m.attackFlipRate)} of predictions
                {m.gradientEstimate ? ` (gradient estimated from ${m.gradientEstimate})` : ""}.
              </p>
            </div>
          ) : (
            <p className="text-sm text-slate-500 dark:text-slate-400">Not measured: no labelled evaluation rows.</p>
          )}
        </div>
      </div>
      <div>
        <h4 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">Adversarial vectors</h4>
        {m.harness ? (
          <p className="flex flex-wrap items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
            {m.harness.failed === 0 ? (
              <Badge tone="green">
                <CheckCircleIcon className="size-3.5" />
                All kept their label
              </Badge>
            ) : (
              <Badge tone="red">
                <XCircleIcon className="size-3.5" />
                {m.harness.failed} changed label
              </Badge>
            )}
            <span>
              {m.harness.cases - m.harness.failed} of {m.harness.cases} vectors predicted as expected{m.harness.failed ? "; the failing ones are listed under Findings" : ""}.
            </span>
          </p>
        ) : (
          <p className="text-sm text-slate-500 dark:text-slate-400">None declared (manifest <code className="font-mono text-xs">adversarial.vectors</code>).</p>
        )}
      </div>
      <KeyValueList
        entries={[
          ["Epsilon (ε)", <span key="e" className="font-mono">{m.epsilon ?? "—"} of each feature&apos;s schema range</span>],
          ["Seed", <span key="s" className="font-mono">{m.seed ?? "—"}</span>],
          ["Evaluation rows read", <span key="r" className="font-mono">{fmt3(m.evaluationRows)}</span>],
          ["Attacked features", m.attackedFeatures?.length ? <span key="a" className="font-mono text-xs">{m.attackedFeatures.join(", ")}</span> : <span key="a" className="text-slate-500 dark:text-slate-400">none</span>],
          [
            "Unbounded features",
            m.unboundedFeatures?.length ? <span key="u" className="font-mono text-xs">{m.unboundedFeatures.join(", ")} (no min/max, left untouched)</span> : <span key="u" className="text-slate-500 dark:text-slate-400">none</span>,
          ],
        ]}
      />
      <GenericMetrics title="Other metrics" metrics={metrics} omit={known} />
    </div>
  );
}
