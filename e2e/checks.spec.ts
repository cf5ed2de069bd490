// The checks UI against real check runs: versions are uploaded over the REST API with the bootstrap
// token, the app's in-process worker runs the four checks, and the pages are read once they finish.
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { sampleEnvelope } from "../lib/checks/testing/sample-envelope.ts";
import { TEST_BOOTSTRAP_TOKEN } from "../lib/testing/app-server.ts";
import { screenshot, seedState, signIn } from "./helpers.ts";
import { ADMIN, VIEWER } from "./seed.ts";

const PASSING = { model: "checks-demo", version: "1.0.0" };
// The same model under a policy that demands identical selection rates (DP ratio ≥ 1), which two
// random groups never have, plus a handful of rows in a third group that is too small to judge.
const STRICT = { model: "checks-strict", version: "2.1.0" };

/** Element screenshots next to helpers.screenshot()'s full-page ones. */
const shotPath = (name: string) => fileURLToPath(new URL(`../.tmp/screenshots/${name}.png`, import.meta.url));

// The sticky top bar (and the off-screen skip link) would otherwise be painted over a scrolled element.
const HIDE_CHROME = "body > div > header, a[href='#main'] { visibility: hidden !important; }";

const KINDS = ["Validation", "Fairness", "Adversarial robustness", "Security"];

type ChecksBody = { state: string; latest: { kind: string; status: string; verdict: string | null }[]; history: unknown[] };

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(seedState().url + path, { ...init, headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}`, ...(init.headers as Record<string, string>) } });
}

async function json(path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await api(path, init);
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${await res.text()}`);
  return res.json();
}

const checksPath = ({ model, version }: { model: string; version: string }) => `/models/${model}/versions/${version}/checks`;
const versionPath = ({ model, version }: { model: string; version: string }) => `/models/${model}/versions/${version}`;

/** Idempotent: a retried worker re-runs beforeAll against the same app. */
async function uploadOnce(target: { model: string; version: string }, opts: { policy?: unknown; extraEvalRows?: string } = {}) {
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
  const form = new FormData();
  form.append("manifest", JSON.stringify(manifest));
  for (const [path, bytes] of Object.entries(files)) form.append(path, new Blob([new Uint8Array(bytes)]), path);
  await json(`/api/v1/models/${target.model}/versions`, { method: "POST", body: form });
}

async function waitForChecks(target: { model: string; version: string }, timeoutMs = 150_000): Promise<ChecksBody> {
  const deadline = Date.now() + timeoutMs;
  let last: ChecksBody | undefined;
  while (Date.now() < deadline) {
    last = (await json(`/api/v1${checksPath(target)}`)) as ChecksBody;
    if (last.latest.length === 4 && last.latest.every((r) => r.status === "finished")) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`checks of ${target.model}@${target.version} did not finish: ${JSON.stringify(last?.latest)}`);
}

test.describe.configure({ timeout: 180_000 });

test.beforeAll(async () => {
  // The hook waits for the server to run four checks on two versions; hooks do not inherit the
  // describe-level timeout above, and on a busy 2-core machine the 30 s default is not enough.
  test.setTimeout(180_000);
  await uploadOnce(PASSING);
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
});

function checksPanel(page: Page) {
  return page.getByRole("region", { name: "Checks", exact: true });
}

test("the version page's checks panel shows each check's verdict and links to the details", async ({ page }) => {
  await signIn(page, ADMIN, versionPath(PASSING));
  const panel = checksPanel(page);
  await expect(panel.getByText("All checks passed")).toBeVisible();
  const rows = panel.getByRole("list", { name: "Latest run of each check" }).getByRole("listitem");
  await expect(rows).toHaveCount(4);
  for (const [i, kind] of KINDS.entries()) {
    await expect(rows.nth(i)).toContainText(kind);
    await expect(rows.nth(i)).toContainText("Passed");
  }
  await expect(panel.getByRole("progressbar")).toHaveCount(0);
  await screenshot(page, "checks-version-page");
  await screenshot(page, "checks-version-page-top", { maxHeight: 1000 });
  await panel.screenshot({ path: shotPath("checks-version-panel"), animations: "disabled", style: HIDE_CHROME });

  await panel.getByRole("link", { name: "View details" }).click();
  await expect(page).toHaveURL(new RegExp(`${checksPath(PASSING).replace(/\./g, "\\.")}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Checks");
});

test("the checks page: a section per check, the fairness chart and table, history", async ({ page }) => {
  await signIn(page, ADMIN, checksPath(PASSING));
  const breadcrumb = page.getByRole("navigation", { name: "Breadcrumb" });
  await expect(breadcrumb.getByRole("link", { name: PASSING.version })).toHaveAttribute("href", versionPath(PASSING));
  for (const kind of KINDS) await expect(page.getByRole("heading", { level: 2, name: new RegExp(`^${kind}`) })).toBeVisible();

  const fairness = page.getByRole("region", { name: /^Fairness/ });
  await expect(fairness.getByText("Passed").first()).toBeVisible();
  const table = fairness.getByRole("table", { name: "Per-group fairness metrics for group" });
  await expect(table.getByRole("rowheader")).toHaveText(["A", "B"]);
  await expect(table.getByRole("columnheader")).toHaveText(["Group", "n", "Base rate", "Selection rate", "TPR", "FPR", "FNR", "Precision", "Accuracy"]);
  // Three decimals, as in the chart.
  await expect(table.getByRole("row").nth(1).getByRole("cell").nth(2)).toHaveText(/^\d\.\d{3}$/);
  await expect(fairness.locator("figure")).toBeVisible();
  await expect(fairness.getByText("Demographic parity ratio", { exact: true })).toBeVisible();

  const validation = page.getByRole("region", { name: /^Validation/ });
  await expect(validation.getByRole("table", { name: /latency/i }).getByRole("rowheader")).toHaveText(["1", "1,024"]);
  const adversarial = page.getByRole("region", { name: /^Adversarial/ });
  await expect(adversarial.getByRole("meter", { name: /Flip rate/ })).toBeVisible();
  await expect(adversarial.getByText("All kept their label")).toBeVisible();
  await adversarial.screenshot({ path: shotPath("checks-adversarial-section"), animations: "disabled", style: HIDE_CHROME });
  await validation.screenshot({ path: shotPath("checks-validation-section"), animations: "disabled", style: HIDE_CHROME });

  const history = page.getByRole("table", { name: /Every check run/ });
  await expect(history.getByRole("row")).not.toHaveCount(1);
  await screenshot(page, "checks-page", { maxHeight: 6000 });
});

test("a failing fairness gate: Fail badges, groups below the gate, a too-small group greyed", async ({ page }) => {
  await signIn(page, ADMIN, checksPath(STRICT));
  await expect(page.getByText("Checks failed").first()).toBeVisible();
  const fairness = page.getByRole("region", { name: /^Fairness/ });
  await expect(fairness.getByRole("heading", { level: 2 })).toContainText("Failed");
  await expect(fairness.getByText(/demographic parity ratio .* < 1/).first()).toBeVisible();
  await expect(fairness.getByText("Fail", { exact: true })).toBeVisible();
  const table = fairness.getByRole("table", { name: "Per-group fairness metrics for group" });
  await expect(table.getByRole("rowheader")).toHaveText(["A", "B", /^C\s*too small$/]);
  await expect(fairness.getByText(/fairness_demographic_parity_ratio/)).toBeVisible();
  await screenshot(page, "checks-fairness-fail", { maxHeight: 6000 });
  await screenshot(page, "checks-fairness-fail-top", { maxHeight: 2500 });
  await fairness.screenshot({ path: shotPath("checks-fairness-section"), animations: "disabled", style: HIDE_CHROME });
});

test("keyboard: Tab reaches View details on the version page and the rerun button on the checks page", async ({ page }) => {
  await signIn(page, ADMIN, versionPath(PASSING));
  const details = checksPanel(page).getByRole("link", { name: "View details" });
  await tabUntilFocused(page, details);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`${checksPath(PASSING).replace(/\./g, "\\.")}$`));

  const rerun = page.getByRole("button", { name: "Rerun all checks" });
  await tabUntilFocused(page, rerun);
  const outline = await rerun.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
});

async function tabUntilFocused(page: Page, target: ReturnType<Page["getByRole"]>, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

test("rerun as admin: new runs are queued and the page follows them to the end by itself", async ({ page }) => {
  await signIn(page, ADMIN, checksPath(PASSING));
  const before = ((await json(`/api/v1${checksPath(PASSING)}`)) as ChecksBody).history.length;
  await expect(page.getByRole("link", { name: `History (${before} runs)` })).toBeVisible();

  await page.getByRole("button", { name: "Rerun all checks" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Queued 4 new check runs." })).toBeVisible();
  // The revalidated page shows the queued runs right away and starts polling.
  await expect(page.getByRole("link", { name: `History (${before + 4} runs)` })).toBeVisible();
  await expect(page.getByText("Updating…")).toBeVisible();
  await screenshot(page, "checks-rerun-running", { maxHeight: 1600 });

  // No reload: the auto refresh brings the finished results in.
  await expect(page.getByText("All checks finished.")).toBeVisible({ timeout: 150_000 });
  await expect(page.getByText("All checks passed").first()).toBeVisible();
  const history = page.getByRole("table", { name: /Every check run/ });
  await expect(history.getByRole("row").filter({ hasText: "rerun" })).toHaveCount(4);
  await expect(history.locator("tbody").getByText(/^(Queued|Running)$/)).toHaveCount(0);
  await screenshot(page, "checks-rerun-finished", { maxHeight: 1600 });

  // Audited as the signed-in admin, like the REST rerun.
  const audit = (await json(`/api/v1/audit?action=checks.requested&subjectId=${PASSING.model}@${PASSING.version}&limit=100`)) as {
    items: { actor: { type: string }; payload: { trigger?: string } }[];
  };
  expect(audit.items.some((e) => e.actor.type === "user" && e.payload.trigger === "rerun")).toBe(true);
});

test("a viewer sees the results but no rerun button", async ({ page }) => {
  await signIn(page, VIEWER, checksPath(PASSING));
  await expect(page.getByRole("heading", { level: 2, name: /^Fairness/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /Rerun/ })).toHaveCount(0);
  await expect(page.getByText("Rerunning checks needs the contributor role or above (you are a viewer).")).toBeVisible();
  await screenshot(page, "checks-viewer", { maxHeight: 1200 });
});
