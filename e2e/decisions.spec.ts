// The auditor's workspace end to end, on a real registry: two versions of the sample envelope are
// uploaded with the bootstrap token and checked by the in-process worker; 1.0.0 reaches prod with two
// reviewers' sign-offs, decides a loan through POST …/predict, and is then replaced in prod by 1.1.0
// (so it is archived now). As an auditor: find the decision by its request id, open it, read the
// version, the stage it held then against now, the promotion and sign-offs behind it, press Replay
// and see "identical"; jump to a decision by its id; the model page's chart of decisions. A viewer
// gets neither the nav item nor the pages. Bulk replay: from a search by version, the job page follows the
// job to its report. axe (light and dark) and screenshots (1440 and 390 px,
// light and dark) of the search, the decision page (before and after a replay) and the chart.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { sampleEnvelope } from "../lib/checks/testing/sample-envelope.ts";
import { signIn as apiSignIn } from "../lib/testing/browser-session.ts";
import { TEST_BOOTSTRAP_TOKEN } from "../lib/testing/app-server.ts";
import { screenshot, seedState, signIn } from "./helpers.ts";
import { VIEWER } from "./seed.ts";

const PASSWORD = "decisions-password-for-e2e";
const AUDITOR = { email: "aude.auditor@bank.example", name: "Aude Auditor", role: "auditor", password: PASSWORD };
const REVIEWER_A = { email: "dora.reviewer@bank.example", name: "Dora Reviewer", role: "reviewer", password: PASSWORD };
const REVIEWER_B = { email: "dirk.reviewer@bank.example", name: "Dirk Reviewer", role: "reviewer", password: PASSWORD };

const MODEL = "loan-decider";
const FIRST = "1.0.0";
const SECOND = "1.1.0";
const REQUEST_ID = `loan-app-${Date.now().toString(36)}`;

const CARD = `---
license: apache-2.0
owner: credit-ml@bank.example
---
# Loan decider

Approves or declines consumer loan applications from two risk scores.

## Intended use

Pre-screening of applications, always followed by a human decision.

## Limitations

Trained on synthetic clusters; not for use outside this test.

## Fairness

Selection rates are compared across the evaluation set's groups A and B on every upload.
`;

type Json = Record<string, any>;

async function api(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const { token = TEST_BOOTSTRAP_TOKEN, ...rest } = init;
  return fetch(seedState().url + path, { ...rest, headers: { authorization: `Bearer ${token}`, ...(rest.headers as Record<string, string>) } });
}

async function json(path: string, init: RequestInit & { token?: string } = {}, ok = [200, 201]): Promise<Json> {
  const res = await api(path, init);
  const body = (await res.json().catch(() => ({}))) as Json;
  if (!ok.includes(res.status)) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

const post = (path: string, body: unknown, token?: string) =>
  json(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), ...(token ? { token } : {}) });

async function reviewerToken(person: { email: string }): Promise<string> {
  const { url } = seedState();
  const { cookie } = await apiSignIn(url, person.email, PASSWORD);
  const res = await fetch(`${url}/api/v1/tokens`, {
    method: "POST",
    headers: { cookie, origin: url, "content-type": "application/json" },
    body: JSON.stringify({ name: `decisions-e2e-${Date.now()}`, scopes: ["read", "review"] }),
  });
  const body = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`token for ${person.email}: ${res.status} ${JSON.stringify(body)}`);
  return body.token as string;
}

async function upload(version: string, seed: number) {
  if ((await api(`/api/v1/models/${MODEL}/versions/${version}`)).ok) return;
  const { manifest, files } = sampleEnvelope(MODEL, version, { seed });
  files["MODEL_CARD.md"] = Buffer.from(CARD);
  const form = new FormData();
  form.append("manifest", JSON.stringify(manifest));
  for (const [path, bytes] of Object.entries(files)) form.append(path, new Blob([new Uint8Array(bytes)]), path);
  await json(`/api/v1/models/${MODEL}/versions`, { method: "POST", body: form });
}

async function waitForChecks(version: string, timeoutMs = 170_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  let last: Json | undefined;
  while (Date.now() < deadline) {
    last = await json(`/api/v1/models/${MODEL}/versions/${version}/checks`);
    if (last.latest.length === 4 && last.latest.every((r: Json) => r.status === "finished")) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`checks of ${MODEL}@${version} did not finish: ${JSON.stringify(last?.latest)}`);
}

/** Staging (promoted at once), then prod with both reviewers' sign-offs; returns the prod request's id. */
async function toProd(version: string, reviewers: string[]): Promise<string> {
  const base = `/api/v1/models/${MODEL}/versions/${version}/promotions`;
  expect((await post(base, { to: "staging", reason: `stage ${version}` })).status).toBe("promoted");
  const request = await post(base, { to: "prod", reason: `Ship ${version}: validated on the March cohort` });
  expect(request.status).toBe("awaiting_approval");
  for (const [i, token] of reviewers.entries())
    await post(`/api/v1/promotions/${request.id}/approvals`, { decision: "approve", comment: i ? "Second look: fine." : "Read the card and the fairness rates. Approved.", manifestDigest: request.manifestDigest }, token);
  expect((await json(`/api/v1/models/${MODEL}/aliases/prod`)).version).toBe(version);
  return request.id as string;
}

async function expectNoSeriousAxeViolations(page: Page, what: string, include?: string) {
  const axe = new AxeBuilder({ page });
  if (include) axe.include(include);
  const results = await axe.analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`),
    `axe on ${what}`,
  ).toEqual([]);
}

/** Full-page screenshots at 1440 and 390 px, light and dark; axe in both schemes at 1440 and once at 390. */
async function shootAndAudit(page: Page, name: string, what: string, include?: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1440, height: 900 });
    await expectNoSeriousAxeViolations(page, `${what} (${scheme})`, include);
    // From the top: a page scrolled (e.g. to a focused replay outcome) would show the sticky header mid-page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `decisions/${name}-1440-${scheme}`, { maxHeight: 6000 });
    await page.setViewportSize({ width: 390, height: 844 });
    // Nothing may widen the page on a phone: wide tables scroll inside their own frame.
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${what} at 390 px (${scheme})`).toBeLessThanOrEqual(390);
    if (scheme === "light") await expectNoSeriousAxeViolations(page, `${what} (390 px)`, include);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `decisions/${name}-390-${scheme}`, { maxHeight: 9000 });
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test.describe.configure({ mode: "serial", timeout: 120_000 });

let decisionId = "";
let promotionId = "";

test.beforeAll(async () => {
  test.setTimeout(360_000);
  for (const person of [AUDITOR, REVIEWER_A, REVIEWER_B]) {
    const res = await api("/api/v1/users", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(person) });
    if (!res.ok && res.status !== 409) throw new Error(`user ${person.email}: ${res.status} ${await res.text()}`);
  }
  const created = await api("/api/v1/models", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: MODEL, description: "Approves or declines loan applications (the decisions e2e).", tags: ["e2e", "credit"] }),
  });
  if (!created.ok && created.status !== 409) throw new Error(`model: ${created.status}`);
  await upload(FIRST, 1);
  await upload(SECOND, 2);
  const checks = await Promise.all([waitForChecks(FIRST), waitForChecks(SECOND)]);
  for (const c of checks) expect(c.latest.map((r: Json) => r.verdict)).toEqual(["pass", "pass", "pass", "pass"]);

  const reviewers = [await reviewerToken(REVIEWER_A), await reviewerToken(REVIEWER_B)];
  promotionId = await toProd(FIRST, reviewers);
  // The decision: the prod version decides an application, through the registry.
  const answer = await post(`/api/v1/models/${MODEL}/predict?version=${FIRST}`, { rows: [{ score_a: 0.8, score_b: 0.5 }], requestId: REQUEST_ID, metadata: { channel: "branch" } });
  expect(answer).toMatchObject({ version: FIRST, decisions: [{ output: { label: 1 } }] });
  decisionId = answer.decisions[0].id;
  // Later, 1.1.0 replaces it in prod: 1.0.0 is archived now, but was prod when it decided.
  await toProd(SECOND, reviewers);
  expect((await json(`/api/v1/models/${MODEL}/versions/${FIRST}`)).stage).toBe("archived");
});

test("an auditor finds the decision by its request id and reads what was decided and the lineage as of that moment", async ({ page }) => {
  await signIn(page, AUDITOR, "/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Decisions" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Decisions" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Decisions" }).first()).toHaveAttribute("aria-current", "page");

  await page.getByLabel("Request id").fill(REQUEST_ID);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]requestId=${REQUEST_ID}`));
  const table = page.getByRole("table", { name: "Matching decisions, newest first" });
  const rows = table.getByRole("row");
  await expect(rows).toHaveCount(2); // header + the one decision
  const row = rows.nth(1);
  await expect(row).toContainText(MODEL);
  await expect(row).toContainText(FIRST);
  await expect(row).toContainText("predict");
  await expect(row).toContainText(REQUEST_ID);
  await expect(row.getByRole("cell").nth(5)).toHaveText("1");
  await shootAndAudit(page, "search", "/decisions with a request id");

  await row.getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/decisions/${decisionId}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Decision by ${MODEL}@${FIRST}`);
  await expect(page.getByTestId("decision-verdict")).toContainText("Decided 1");

  const decided = page.getByRole("region", { name: "What was decided" });
  await expect(decided.getByRole("table", { name: "The decision's outputs as stored" }).getByRole("row", { name: /label/ })).toContainText("1");
  const input = decided.getByRole("table", { name: "The decision's input as retained" });
  await expect(input.getByRole("row", { name: /score_a/ })).toContainText("0.8");
  await expect(decided).toContainText("kept in full");

  const lineage = page.getByRole("region", { name: "Lineage at the time of the decision" });
  await expect(lineage.getByRole("link", { name: `${MODEL}@${FIRST}` })).toHaveAttribute("href", `/models/${MODEL}/versions/${FIRST}`);
  await expect(lineage.getByRole("link", { name: "checks" })).toHaveAttribute("href", `/models/${MODEL}/versions/${FIRST}/checks`);
  const stage = lineage.locator("[data-stage-then]");
  await expect(stage).toHaveAttribute("data-stage-then", "prod");
  await expect(stage).toHaveAttribute("data-stage-now", "archived");
  await expect(stage).toContainText("moved since the decision");
  await expect(lineage).toContainText(`${FIRST} (this version)`);

  const promotion = page.getByRole("region", { name: "How it reached prod" });
  await expect(promotion.getByRole("link", { name: "Promotion request to prod" })).toHaveAttribute("href", `/reviews/${promotionId}`);
  const signOffs = promotion.getByRole("list", { name: "Sign-offs at the time" }).getByRole("listitem");
  await expect(signOffs).toHaveCount(2);
  await expect(signOffs.first()).toContainText(REVIEWER_A.name);
  await expect(signOffs.first()).toContainText("Read the card and the fairness rates. Approved.");
  await expect(signOffs.first()).toContainText("the digest that made the decision");

  const checks = page.getByRole("list", { name: "Check verdicts at the time of the decision" }).getByRole("listitem");
  await expect(checks).toHaveCount(4);
  for (const kind of ["validation", "fairness", "adversarial", "security"]) await expect(page.locator(`[data-check-kind=${kind}]`)).toContainText("Passed");
  await expect(page.getByRole("region", { name: "Model card" }).getByRole("heading", { name: "Intended use" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Replay", exact: true })).toContainText("Nobody has replayed this decision yet.");
  await shootAndAudit(page, "decision", "the decision page");
});

test("the auditor replays the decision: identical, stored and replayed outputs side by side, and it joins the previous replays", async ({ page }) => {
  await signIn(page, AUDITOR, `/decisions/${decisionId}`);
  const replay = page.getByRole("region", { name: "Replay", exact: true });
  await replay.getByRole("button", { name: "Replay" }).click();
  await expect(replay.getByRole("heading", { name: "Identical: the version gives exactly the stored answer" })).toBeVisible({ timeout: 30_000 });
  await expect(replay.getByRole("heading", { name: /^Identical/ })).toBeFocused();
  const compared = replay.getByRole("table", { name: "Stored and replayed outputs side by side" });
  await expect(compared.getByRole("row", { name: /^label/ })).toContainText("same");
  await expect(compared.getByRole("row", { name: /^score/ })).toContainText("same");
  await expect(replay.getByRole("list", { name: "Verified before the replay ran" })).toContainText("Artifact bytes verified");
  const previous = replay.getByRole("table", { name: "Previous replays of this decision, newest first" });
  await expect(previous.getByRole("row")).toHaveCount(2);
  await expect(previous).toContainText("identical");
  await expect(previous).toContainText(AUDITOR.email);
  await shootAndAudit(page, "decision-replayed", "the decision page after a replay");
  // The replay is in the audit log.
  const audit = await json(`/api/v1/audit?action=decision.replayed&subjectId=${decisionId}`);
  expect(audit.items.length).toBeGreaterThanOrEqual(1);
});

test("a decision id jumps straight to the decision; an unknown one is said on the search page", async ({ page }) => {
  await signIn(page, AUDITOR, "/decisions");
  const open = page.getByRole("form", { name: "Open a decision by id" });
  await open.getByLabel("Decision id").fill(decisionId);
  await open.getByRole("button", { name: "Open decision" }).click();
  await expect(page).toHaveURL(new RegExp(`/decisions/${decisionId}$`));

  await page.goto("/decisions?id=01234567-89ab-7cde-8f01-23456789abcd");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("No decision has the id 01234567-89ab-7cde-8f01-23456789abcd.");
  await page.goto(`/decisions?model=${MODEL}&version=9.9.9`);
  await expect(page.getByRole("main").getByRole("alert")).toContainText(`Model '${MODEL}' has no version '9.9.9'`);
});

test("the model page shows the decisions per day by version, linking to the search", async ({ page }) => {
  await signIn(page, AUDITOR, `/models/${MODEL}`);
  const section = page.getByRole("region", { name: "Decisions", exact: true });
  await expect(section.getByRole("img", { name: new RegExp(`^1 decision in the last 30 days \\(${FIRST.replace(/\./g, "\\.")}: 1\\)`) })).toBeVisible();
  await section.getByText("The numbers as a table").click();
  const today = new Date().toISOString().slice(0, 10);
  await expect(section.getByRole("table", { name: "Decisions per day and version, the last 30 days" }).getByRole("row", { name: new RegExp(today) })).toContainText("1");
  await shootAndAudit(page, "model-chart", "the model page's decisions chart", 'section[aria-labelledby="model-decisions-heading"]');
  await section.getByRole("link", { name: "Search these decisions →" }).click();
  await expect(page).toHaveURL(new RegExp(`/decisions\\?model=${MODEL}$`));
  await expect(page.getByRole("table", { name: "Matching decisions, newest first" }).getByRole("row")).toHaveCount(2);
});

test("the auditor replays a version's decisions in bulk from the search, follows the job and reads its report", async ({ page }) => {
  await signIn(page, AUDITOR, `/decisions?model=${MODEL}&version=${FIRST}`);
  await page.getByRole("link", { name: "Replay these decisions…" }).click();
  await expect(page).toHaveURL(new RegExp(`/decisions/replays\\?model=${MODEL}&version=${FIRST.replace(/\./g, "\\.")}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Bulk replays" })).toBeVisible();
  const form = page.getByRole("form", { name: "Start a bulk replay" });
  await expect(form.getByLabel("Model (required)")).toHaveValue(MODEL);
  await expect(form.getByLabel("Version")).toHaveValue(FIRST);

  // A model that does not exist is said next to its field, and nothing is queued.
  await form.getByLabel("Model (required)").fill("no-such-model");
  await form.getByRole("button", { name: "Start bulk replay" }).click();
  await expect(form.getByText("No model named 'no-such-model'")).toBeVisible();
  await expect(form.getByLabel("Model (required)")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Model (required)")).toBeFocused();

  await form.getByLabel("Model (required)").fill(MODEL);
  await form.getByRole("button", { name: "Start bulk replay" }).click();
  await expect(page).toHaveURL(/\/decisions\/replays\/[0-9a-f-]{36}$/, { timeout: 15_000 });
  const jobId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Bulk replay of ${MODEL}@${FIRST}`);
  // The page follows the job (queued → running → finished) by itself: verdict first.
  const verdict = page.getByTestId("replay-job-verdict");
  await expect(verdict).toHaveAttribute("data-tone", "green", { timeout: 60_000 });
  await expect(verdict).toContainText("The decision replays to its stored answer");
  await expect(page.locator('[data-outcome-count="identical"]')).toHaveText("1");
  await expect(page.locator('[data-outcome-count="differs"]')).toHaveText("0");
  await expect(page.getByRole("img", { name: "1 replayed: 1 identical, 0 within tolerance, 0 differs, 0 not replayable" })).toBeVisible();
  await expect(page.getByRole("region", { name: "First differences" })).toContainText("None: every replayed decision gave its stored answer.");
  await shootAndAudit(page, "replay-job", "a finished bulk replay");

  // The same report through the API, and the job's start and end in the audit log.
  const report = await json(`/api/v1/replay-jobs/${jobId}`);
  expect(report).toMatchObject({ status: "finished", total: 1, processed: 1, counts: { identical: 1, differs: 0 }, filter: { model: MODEL, version: FIRST } });
  for (const action of ["decisions.replay_job_created", "decisions.replay_job_finished"])
    expect((await json(`/api/v1/audit?action=${action}&subjectId=${jobId}`)).items, action).toHaveLength(1);

  // The list of jobs links back to it.
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Bulk replays" }).click();
  const row = page.getByRole("table", { name: "Bulk replays, newest first" }).getByRole("row").nth(1);
  await expect(row).toContainText(`${MODEL}@${FIRST}`);
  await expect(row).toContainText("finished");
  await expect(row).toContainText(AUDITOR.email);
  await shootAndAudit(page, "replay-jobs", "the list of bulk replays");
  await row.getByRole("link", { name: `${MODEL}@${FIRST}` }).click();
  await expect(page).toHaveURL(new RegExp(`/decisions/replays/${jobId}$`));
});

test("a viewer has no Decisions in the nav, gets a 403 page, and no decisions section on the model page", async ({ page }) => {
  await signIn(page, VIEWER, "/");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reviews" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Decisions" })).toHaveCount(0);
  await page.goto(`/decisions/${decisionId}`);
  await expect(page.getByRole("heading", { name: "Decisions are for auditors and admins" })).toBeVisible();
  await page.goto("/decisions");
  await expect(page.getByRole("heading", { name: "The decisions ledger is for auditors and admins" })).toBeVisible();
  await page.goto("/decisions/replays");
  await expect(page.getByRole("heading", { name: "Bulk replays are for auditors and admins" })).toBeVisible();
  await page.goto(`/models/${MODEL}`);
  await expect(page.getByRole("heading", { name: "Versions", exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: "Decisions", exact: true })).toHaveCount(0);
});
