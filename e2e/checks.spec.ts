// The checks UI against real check runs: versions are uploaded over the REST API with the bootstrap
// token, the app's in-process worker runs the four checks, and the pages are read once they finish.
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { checksPath, ensureCheckedVersions, json, PASSING, STRICT, versionPath, waitForChecks, type ChecksBody } from "./checks-fixtures.ts";
import { screenshot, signIn } from "./helpers.ts";
import { ADMIN, VIEWER } from "./seed.ts";

/** Element screenshots next to helpers.screenshot()'s full-page ones. */
const shotPath = (name: string) => fileURLToPath(new URL(`../.tmp/screenshots/${name}.png`, import.meta.url));

// The sticky top bar (and the off-screen skip link) would otherwise be painted over a scrolled element.
const HIDE_CHROME = "body > div > header, a[href='#main'] { visibility: hidden !important; }";

const KINDS = ["Validation", "Fairness", "Adversarial robustness", "Security"];

test.describe.configure({ timeout: 180_000 });

test.beforeAll(async () => {
  // The hook waits for the server to run four checks on two versions; hooks do not inherit the
  // describe-level timeout above, and on a busy 2-core machine the 30 s default is not enough.
  test.setTimeout(180_000);
  await ensureCheckedVersions();
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
  // Each rate's header says which direction is worse (screen readers read this table, not the chart).
  await expect(table.getByRole("columnheader")).toHaveText([
    "Group",
    "n",
    "Base rate",
    "Selection rategap matters",
    "TPRlower is worse",
    "FPRhigher is worse",
    "FNRhigher is worse",
    "Precisionlower is worse",
    "Accuracylower is worse",
  ]);
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
  // Only the group that breaks the demographic-parity gate is marked worse, in words as well as red;
  // error rates that are merely lower are never flagged.
  const worse = table.getByText("✕ worse");
  await expect(worse).toHaveCount(1);
  const selection = fairness.locator('[data-metric="selectionRate"]');
  await expect(selection.getByText(/× the highest, .* lower \(outside the gate\)/)).toHaveCount(1);
  await expect(selection.getByText("highest (the reference)")).toHaveCount(1);
  await expect(fairness.locator('[data-metric="falsePositiveRate"]')).not.toContainText("worse)");
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

test("the version page is verdict-first: the sentence, then the checks, before identity; details early in tab order", async ({ page }) => {
  await signIn(page, ADMIN, versionPath(STRICT));
  const sentence = page.getByTestId("verdict-sentence");
  await expect(sentence).toContainText(/^Blocked: fairness failed — .*demographic parity ratio 0\.\d+ < 1/);
  await expect(sentence).toHaveAttribute("data-tone", "fail");
  // The summary with the numbers is shown whole, not cut off.
  const fairnessRow = checksPanel(page).locator('[data-check-kind="fairness"]');
  await expect(fairnessRow).toContainText(/demographic parity ratio 0\.\d+ < 1 \(group\)/);
  const order = await page.evaluate(() => {
    const y = (id: string) => document.getElementById(id)!.getBoundingClientRect().top;
    return { checks: y("checks-heading"), gates: y("promotion-gates-heading"), schema: y("schema-heading"), identity: y("identity-heading"), files: y("files-heading") };
  });
  expect(order.checks).toBeLessThan(order.gates);
  expect(order.gates).toBeLessThan(order.schema);
  expect(order.schema).toBeLessThan(order.identity);
  expect(order.identity).toBeLessThan(order.files);

  // Skip link, logo, four sections and the account menu are the header's 7 stops; the first check's
  // details must follow within 10 more.
  const first = checksPanel(page).getByRole("link", { name: "Validation details" });
  await expect(first).toHaveAttribute("href", `${checksPath(STRICT)}#check-validation`);
  let stops = 0;
  for (; stops < 17; stops++) {
    await page.keyboard.press("Tab");
    if (await first.evaluate((el) => el === document.activeElement)) break;
  }
  expect(stops + 1).toBeLessThanOrEqual(17);
  await screenshot(page, "version-verdict-first", { maxHeight: 1400 });
});

test("during a rerun the version page keeps the previous verdicts, marked as being re-checked", async ({ page }) => {
  await signIn(page, ADMIN, versionPath(PASSING));
  await json(`/api/v1${checksPath(PASSING)}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  await page.reload();
  // One worker runs the four checks one after another, so the last ones are still pending here.
  const rechecking = checksPanel(page).getByTestId("previous-verdict");
  await expect(rechecking.first()).toContainText("Re-checking… (previous: passed)");
  await expect(page.getByTestId("verdict-sentence")).toContainText(/^Re-checking: /);
  await screenshot(page, "version-rechecking", { maxHeight: 1200 });
  // The page follows the runs by itself; when they are done the notes go and the verdicts are back.
  await expect(page.getByTestId("verdict-sentence")).toHaveText("All 4 checks passed", { timeout: 150_000 });
  await expect(rechecking).toHaveCount(0);
  await waitForChecks(PASSING);
});

test("a viewer sees the results but no rerun button", async ({ page }) => {
  await signIn(page, VIEWER, checksPath(PASSING));
  await expect(page.getByRole("heading", { level: 2, name: /^Fairness/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /Rerun/ })).toHaveCount(0);
  await expect(page.getByText("Rerunning checks needs the contributor role or above (you are a viewer).")).toBeVisible();
  await screenshot(page, "checks-viewer", { maxHeight: 1200 });
});
