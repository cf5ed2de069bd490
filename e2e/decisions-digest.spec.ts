// A registry that keeps only the keyed digest of each decision's input (DECISION_INPUT_RETENTION=digest,
// for inputs that are personal data): its own app, started here on a fresh embedded database. An
// external server reports a decision; in the browser an auditor sees that the input was not kept,
// the replay asks for the original input, a wrong one is refused (its digest differs) and the right
// one replays to the stored answer. A bulk replay of such decisions counts them as not replayable
// and says why.
import { expect, test } from "@playwright/test";
import { sampleEnvelope } from "../lib/checks/testing/sample-envelope.ts";
import { startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "../lib/testing/app-server.ts";

const PASSWORD = "digest-only-password-for-e2e";
const AUDITOR = { email: "dina.auditor@bank.example", name: "Dina Auditor", role: "auditor", password: PASSWORD };
const MODEL = "privacy-scorer";
const INPUT = { score_a: 0.8, score_b: 0.5 };

let app: AppServer;
let decisionId = "";

async function call(path: string, init: RequestInit = {}): Promise<Record<string, any>> {
  const res = await fetch(app.url + path, { ...init, headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}`, ...(init.headers as Record<string, string>) } });
  const body = (await res.json().catch(() => ({}))) as Record<string, any>;
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

test.describe.configure({ mode: "serial", timeout: 90_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  app = await startApp({ DECISION_INPUT_RETENTION: "digest" });
  const json = { "content-type": "application/json" };
  await call("/api/v1/users", { method: "POST", headers: json, body: JSON.stringify(AUDITOR) });
  await call("/api/v1/models", { method: "POST", headers: json, body: JSON.stringify({ name: MODEL, description: "Digest-only retention (e2e)." }) });
  const { manifest, files } = sampleEnvelope(MODEL, "1.0.0", { rows: 400 });
  const form = new FormData();
  form.append("manifest", JSON.stringify(manifest));
  for (const [path, bytes] of Object.entries(files)) form.append(path, new Blob([new Uint8Array(bytes)]), path);
  const version = await call(`/api/v1/models/${MODEL}/versions`, { method: "POST", body: form });
  // The reporting server kept the label it acted on (score_a 0.8 is in the model's positive cluster).
  const line = { id: "branch-7-000042", manifestDigest: version.manifestDigest, at: new Date(Date.now() - 60_000).toISOString(), input: INPUT, output: { label: 1 } };
  await call("/api/v1/decisions", { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: JSON.stringify(line) + "\n" });
  const listed = await call(`/api/v1/decisions?model=${MODEL}`);
  expect(listed.items).toHaveLength(1);
  expect(listed.items[0]).toMatchObject({ inputRetention: "digest", input: null, source: "reported" });
  decisionId = listed.items[0].id;
});

test.afterAll(async () => {
  await app?.stop();
});

async function signIn(page: import("@playwright/test").Page, path: string) {
  await page.goto(`${app.url}/login?callbackUrl=${encodeURIComponent(path)}`);
  await page.getByLabel("Email").fill(AUDITOR.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(`${app.url}${path}`);
}

test("a digest-only decision replays only with its original input, checked against the stored digest", async ({ page }) => {
  await signIn(page, `/decisions/${decisionId}`);
  await expect(page.getByRole("region", { name: "What was decided" })).toContainText("digest only");

  const replay = page.getByRole("region", { name: "Replay", exact: true });
  const input = replay.getByLabel("The decision's input (JSON)");
  await expect(input).toBeVisible();
  await expect(replay).toContainText("Runs the input you give again");

  // Not JSON: said at the field, nothing sent.
  await input.fill("{score_a: 0.8");
  await replay.getByRole("button", { name: "Replay" }).click();
  await expect(input).toHaveAttribute("aria-invalid", "true");
  await expect(input).toBeFocused();

  // An input that is not the one decided on: its HMAC differs, nothing runs.
  await input.fill(JSON.stringify({ ...INPUT, score_a: 0.81 }));
  await replay.getByRole("button", { name: "Replay" }).click();
  await expect(replay.getByRole("alert")).toContainText("That input is not the one the decision was made on");
  expect((await call(`/api/v1/decisions/${decisionId}`)).replays).toHaveLength(0);

  // The original input, keys in another order: the digest is of canonical JSON, so it matches.
  await input.fill(JSON.stringify({ score_b: 0.5, score_a: 0.8 }));
  await replay.getByRole("button", { name: "Replay" }).click();
  await expect(replay.getByRole("heading", { name: "Identical: the version gives exactly the stored answer" })).toBeVisible({ timeout: 30_000 });
  await expect(replay).toContainText("input supplied, matching the stored digest");
  const previous = replay.getByRole("table", { name: "Previous replays of this decision, newest first" });
  await expect(previous.getByRole("row")).toHaveCount(2);
  await expect(previous).toContainText("supplied");
});

test("a bulk replay counts digest-only decisions as not replayable and says why", async ({ page }) => {
  await signIn(page, `/decisions/replays?model=${MODEL}`);
  await page.getByRole("form", { name: "Start a bulk replay" }).getByRole("button", { name: "Start bulk replay" }).click();
  await expect(page).toHaveURL(/\/decisions\/replays\/[0-9a-f-]{36}$/, { timeout: 15_000 });
  const verdict = page.getByTestId("replay-job-verdict");
  await expect(verdict).toHaveAttribute("data-tone", "amber", { timeout: 60_000 });
  await expect(verdict).toContainText("1 of 1 decision could not be replayed");
  await expect(page.locator('[data-outcome-count="not_replayable"]')).toHaveText("1");
  const differences = page.getByRole("table", { name: "The first decisions that differ or could not be replayed" });
  await expect(differences.getByRole("row")).toHaveCount(2);
  await expect(differences).toContainText("only the input's digest");
  await differences.getByRole("link").first().click();
  await expect(page).toHaveURL(`${app.url}/decisions/${decisionId}`);
});
