// Test data, created through the public REST API with the bootstrap token, exactly as CI would.
import { createHash, randomBytes } from "node:crypto";

// The default first admin (REGISTRY_ADMIN_EMAIL unset), signing in as a newcomer would.
export const ADMIN = { email: "admin@localhost", password: "admin-password-for-e2e-tests" };
export const VIEWER = { email: "viewer@example.com", password: "viewer-password-for-e2e" };
/** Accounts at the test identity provider (e2e/global-setup.ts): what each one's ID token claims. */
export const SSO_ACCOUNTS = {
  "rita.reviewer": { email: "rita@bank.example", email_verified: true, name: "Rita Reviewer", groups: ["staff", "ml-reviewers"] },
  "otto.outsider": { email: "otto@bank.example", email_verified: true, name: "Otto Outsider", groups: ["contractors"] },
};
export const MODEL = "credit-risk";
export const VERSION = "1.4.0";

/** Hostile and ordinary markdown in one card: what the version page must render safely. */
export const HOSTILE_CARD = `---
license: apache-2.0
language:
  - en
tags: [tabular, credit, fairness-reviewed]
owner: risk-ml@example.com
model-index:
  - name: credit-risk
    results:
      - metric: auc
        value: 0.91
---
# Credit risk scorer

Predicts the probability that an applicant defaults within 12 months.

<script>window.__xss=1</script>

<img src=x onerror="window.__xss=2">

A [click](javascript:alert(1)) link that must not be clickable, and a [normal link](https://example.com/docs).

## Intended use

Pre-screening of consumer credit applications, always followed by a human decision.

## Evaluation

| Group  | n    | Selection rate | TPR  |
| ------ | ---- | -------------- | ---- |
| female | 1180 | 0.31           | 0.74 |
| male   | 1320 | 0.34           | 0.77 |

## Limitations

- Trained on 2019–2023 applications; drift is expected.
- Not for use on business loans.
`;

export type SeedState = { url: string; artifactSha256: string; artifactPath: string };

function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

async function api(url: string, token: string, path: string, init: RequestInit = {}) {
  const res = await fetch(url + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
}

function envelope(model: string, version: string, card: string, artifact: Buffer) {
  const files: Record<string, Buffer> = {
    "model.onnx": artifact,
    "MODEL_CARD.md": Buffer.from(card),
    "test_vectors.json": Buffer.from(JSON.stringify({ atol: 1e-6, rtol: 1e-4, cases: [{ inputs: { age: 30, income: 52000 }, expected: { label: 1 } }] })),
    "eval.csv": Buffer.from("age,income,label,sex\n30,52000,1,F\n41,61000,0,M\n"),
  };
  const manifest = {
    name: model,
    version,
    artifact: { path: "model.onnx", format: "onnx" },
    framework: { name: "sklearn", version: "1.5.2" },
    opset: 17,
    source: { gitCommit: "9f2c4e1b7a3d5f60c8e2a1b4d7f9e3c5a6b8d0e2", repository: "https://git.example.com/ml/credit-risk", pipelineRun: "https://ci.example.com/runs/4812" },
    training: { rows: 120000, datasetSha256: sha256("training-data") },
    metrics: { auc: 0.91, accuracy: 0.862 },
    inputSchema: {
      features: [
        { name: "age", type: "int", min: 18, max: 100 },
        { name: "income", type: "float", min: 0 },
      ],
      tensor: "x",
    },
    testVectors: "test_vectors.json",
    evaluation: { path: "eval.csv", label: "label", sensitive: ["sex"] },
    card: "MODEL_CARD.md",
    files: { "model.onnx": { sha256: sha256(artifact) } },
  };
  const form = new FormData();
  form.append("manifest", JSON.stringify(manifest));
  for (const [path, bytes] of Object.entries(files)) form.append(path, new Blob([new Uint8Array(bytes)]), path);
  return form;
}

export async function seed(url: string, token: string): Promise<SeedState> {
  await api(url, token, "/api/v1/users", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: VIEWER.email, name: "Vera Viewer", role: "viewer", password: VIEWER.password }),
  });
  const models = [
    { name: MODEL, description: "Probability of default for consumer credit applications (gradient-boosted trees, exported to ONNX).", tags: ["tabular", "credit", "team:risk"] },
    { name: "churn-predictor", description: "Monthly churn propensity for subscription customers.", tags: ["tabular", "marketing"] },
    { name: "fraud-detector", description: "Real-time card-not-present fraud scoring.", tags: ["realtime", "payments"] },
  ];
  for (const m of models) await api(url, token, "/api/v1/models", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(m) });

  const artifact = randomBytes(48 * 1024);
  await api(url, token, `/api/v1/models/${MODEL}/versions`, { method: "POST", body: envelope(MODEL, "1.3.0", "# Credit risk\n\nEarlier release.\n", randomBytes(40 * 1024)) });
  await api(url, token, `/api/v1/models/${MODEL}/versions`, { method: "POST", body: envelope(MODEL, VERSION, HOSTILE_CARD, artifact) });
  await api(url, token, `/api/v1/models/fraud-detector/versions`, {
    method: "POST",
    body: envelope("fraud-detector", "0.9.0-rc.1", "# Fraud detector\n\nRelease candidate.\n", randomBytes(16 * 1024)),
  });
  return { url, artifactSha256: sha256(artifact), artifactPath: "model.onnx" };
}
