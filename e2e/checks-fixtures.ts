// The two versions the checks UI tests read, uploaded over the REST API with the bootstrap token and
// checked by the app's in-process worker. Idempotent, so every spec that needs them can ask (a
// retried worker re-runs beforeAll against the same app).
import { expect } from "@playwright/test";
import { sampleEnvelope } from "../lib/checks/testing/sample-envelope.ts";
import { TEST_BOOTSTRAP_TOKEN } from "../lib/testing/app-server.ts";
import { seedState } from "./helpers.ts";

export const PASSING = { model: "checks-demo", version: "1.0.0" };
// The same model under a policy that demands identical selection rates (DP ratio ≥ 1), which two
// random groups never have, plus a handful of rows in a third group that is too small to judge.
export const STRICT = { model: "checks-strict", version: "2.1.0" };

/** What the passing version declares besides the sample envelope: what the version page shows as text. */
export const PASSING_EXTRAS = {
  changelog: "Retrained on Q3 applications.\nRaised the decision threshold to 0.55.",
  training: { rows: 2000, seeds: { split: 7, init: 42 }, hyperparameters: { learning_rate: 0.05, max_depth: 6, objective: "binary:logistic" } },
  card: "---\nlicense: apache-2.0\n---\n# Sample scorer\n\n## Intended use\n\nTests and benchmarks.\n\n## Review\n\n- [x] Bias reviewed\n- [ ] Legal sign-off\n",
};

export type ChecksBody = { state: string; latest: { kind: string; status: string; verdict: string | null }[]; history: unknown[] };

export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(seedState().url + path, { ...init, headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}`, ...(init.headers as Record<string, string>) } });
}

export async function json(path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await api(path, init);
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${await res.text()}`);
  return res.json();
}

export const checksPath = ({ model, version }: { model: string; version: string }) => `/models/${model}/versions/${version}/checks`;
export const versionPath = ({ model, version }: { model: string; version: string }) => `/models/${model}/versions/${version}`;

async function uploadOnce(target: { model: string; version: string }, opts: { policy?: unknown; extraEvalRows?: string; extras?: typeof PASSING_EXTRAS } = {}) {
  const created = await api("/api/v1/models", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: target.model, description: "Sample scorer for the checks UI tests.", tags: ["e2e"] }),
  });
  if (!created.ok && created.status !== 409) throw new Error(`create model → ${created.status}: ${await created.text()}`);
  if (opts.policy)
    await json(`/api/v1/models/${target.model}/policy`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(opts.policy) });
  if ((await api(`/api/v1${versionPath(target)}`)).ok) return;
  const { manifest, files } = sampleEnvelope(target.model, target.version);
  if (opts.extraEvalRows) files["eval.csv"] = Buffer.concat([files["eval.csv"]!, Buffer.from(opts.extraEvalRows)]);
  const m: Record<string, unknown> = { ...manifest };
  if (opts.extras) {
    m.changelog = opts.extras.changelog;
    m.training = opts.extras.training;
    files["MODEL_CARD.md"] = Buffer.from(opts.extras.card);
  }
  const form = new FormData();
  form.append("manifest", JSON.stringify(m));
  for (const [path, bytes] of Object.entries(files)) form.append(path, new Blob([new Uint8Array(bytes)]), path);
  await json(`/api/v1/models/${target.model}/versions`, { method: "POST", body: form });
}

export async function waitForChecks(target: { model: string; version: string }, timeoutMs = 150_000): Promise<ChecksBody> {
  const deadline = Date.now() + timeoutMs;
  let last: ChecksBody | undefined;
  while (Date.now() < deadline) {
    last = (await json(`/api/v1${checksPath(target)}`)) as ChecksBody;
    if (last.latest.length === 4 && last.latest.every((r) => r.status === "finished")) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`checks of ${target.model}@${target.version} did not finish: ${JSON.stringify(last?.latest)}`);
}

/** Both versions uploaded and every check finished: the passing one passes all four, the strict one fails fairness. */
export async function ensureCheckedVersions(): Promise<void> {
  await uploadOnce(PASSING, { extras: PASSING_EXTRAS });
  const tooSmall = Array.from({ length: 6 }, (_, i) => `${i % 2 ? "0.8100" : "0.1900"},0.5000,C,${i % 2}`).join("\n") + "\n";
  await uploadOnce(STRICT, { policy: { thresholds: { fairness: { minDemographicParityRatio: 1 } } }, extraEvalRows: tooSmall });
  const [passing, strict] = await Promise.all([waitForChecks(PASSING), waitForChecks(STRICT)]);
  expect(passing.latest.map((r) => [r.kind, r.verdict])).toEqual([
    ["validation", "pass"],
    ["fairness", "pass"],
    ["adversarial", "pass"],
    ["security", "pass"],
  ]);
  expect(strict.latest.find((r) => r.kind === "fairness")?.verdict).toBe("fail");
}
