// The whole UI in both colour schemes and on a phone: axe finds no serious or critical violation on
// any page in light or dark, no page scrolls sideways at 390 px, the phone header's menu works by
// keyboard, and screenshots of the main pages at 1440 and 390 px in light and dark are kept as
// artifacts (.tmp/screenshots/ui/).
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { checksPath, ensureCheckedVersions, PASSING, STRICT, versionPath } from "./checks-fixtures.ts";
import { screenshot, signIn } from "./helpers.ts";
import { ADMIN, MODEL, VERSION } from "./seed.ts";

const PAGES: { name: string; path: string }[] = [
  { name: "models", path: "/" },
  { name: "model", path: `/models/${MODEL}` },
  { name: "version", path: versionPath(PASSING) },
  { name: "version-failed", path: versionPath(STRICT) },
  { name: "version-seed", path: `/models/${MODEL}/versions/${VERSION}` },
  { name: "checks", path: checksPath(STRICT) },
  { name: "audit", path: "/audit" },
  { name: "decisions", path: "/decisions" },
  { name: "users", path: "/settings/users" },
  { name: "tokens", path: "/settings/tokens" },
  { name: "api-docs", path: "/api-docs" },
  { name: "password", path: "/account/password" },
];
const SCREENSHOTS = new Set(["models", "model", "version", "version-failed", "checks", "audit", "users", "tokens"]);
// At 390 px axe runs where the narrow layout differs (menus, scroll frames, stacked rows); the rest
// is the same markup it already judged at 1440 px.
const AXE_AT_390 = new Set(["models", "version", "version-failed", "checks", "audit", "decisions", "users", "tokens"]);
// The API reference is thousands of elements and axe needs about a minute for all of them on a busy
// machine: it judges the page's frame, the section list and a few operations and schemas, which use
// every component the other operations do.
const API_DOCS_SAMPLE = ["header", 'nav[aria-label="API sections"]', "#authentication", "#op-health", "#op-listAudit", "#op-listModels", "#schemas"];

test.describe.configure({ timeout: 300_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  await ensureCheckedVersions();
});

async function seriousViolations(page: Page, name: string, { contrast = true }: { contrast?: boolean } = {}) {
  const axe = new AxeBuilder({ page });
  // Colours do not change with the width, and contrast is axe's slowest rule: it is judged at 1440 px.
  if (!contrast) axe.disableRules(["color-contrast"]);
  if (name === "api-docs") for (const selector of API_DOCS_SAMPLE) axe.include(selector);
  const { violations } = await axe.analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme} scheme`, () => {
    test.use({ colorScheme: scheme });

    test(`axe: no serious or critical violations on any page (${scheme})`, async ({ page }) => {
      await page.setViewportSize({ width: 1440, height: 900 });
      await signIn(page, ADMIN);
      const found: string[] = [];
      for (const { name, path } of PAGES) {
        await page.goto(path);
        await expect(page.locator("main#main")).toBeVisible();
        for (const v of await seriousViolations(page, name)) found.push(`${name}: ${v}`);
        if (SCREENSHOTS.has(name)) await screenshot(page, `ui/${name}-1440-${scheme}`, { maxHeight: 5000 });
      }
      expect(found).toEqual([]);
    });

    test(`390 px: no page scrolls sideways${scheme === "light" ? ", and axe still passes" : ""} (${scheme})`, async ({ page }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await signIn(page, ADMIN);
      const found: string[] = [];
      for (const { name, path } of PAGES) {
        await page.goto(path);
        await expect(page.locator("main#main")).toBeVisible();
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
        expect.soft(scrollWidth, `${name} scrolls sideways`).toBeLessThanOrEqual(innerWidth);
        // Without the contrast rule, dark and light are the same markup: axe judges it once, in light.
        if (scheme === "light" && AXE_AT_390.has(name)) for (const v of await seriousViolations(page, name, { contrast: false })) found.push(`${name}: ${v}`);
        if (SCREENSHOTS.has(name)) await screenshot(page, `ui/${name}-390-${scheme}`, { maxHeight: 5000 });
      }
      expect(found).toEqual([]);
    });
  });
}

test("dark mode really is dark: page, cards and text follow the system setting", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await signIn(page, ADMIN, versionPath(PASSING));
  const colours = await page.evaluate(() => ({
    body: getComputedStyle(document.body).backgroundColor,
    card: getComputedStyle(document.getElementById("checks-heading")!.closest("section")!).backgroundColor,
    heading: getComputedStyle(document.querySelector("h1")!).color,
  }));
  // Chromium reports Tailwind 4's colours as lab(L a b), older ones as rgb(r, g, b): lightness 0–1.
  const luminance = (colour: string) => {
    const [x, y, z] = colour.match(/-?[\d.]+/g)!.map(Number);
    return colour.startsWith("lab(") ? x! / 100 : (0.2126 * x! + 0.7152 * y! + 0.0722 * z!) / 255;
  };
  expect(luminance(colours.body)).toBeLessThan(0.15);
  expect(luminance(colours.card)).toBeLessThan(0.2);
  expect(luminance(colours.heading)).toBeGreaterThan(0.8);
});

test("the phone header: a Menu button discloses the sections and the account, by keyboard too", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, ADMIN, "/");
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(menu).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  // The desktop nav and account menu are not shown; nothing in the bar is cut off.
  await expect(page.getByRole("navigation", { name: "Main", exact: true })).toBeHidden();
  const box = await menu.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);

  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  const panel = page.locator("#mobile-menu");
  await expect(panel.getByRole("link", { name: "Audit" })).toBeVisible();
  const signOut = panel.getByRole("button", { name: "Sign out" });
  await expect(signOut).toBeInViewport();
  await screenshot(page, "ui/mobile-menu-open");
  // Tab moves into the menu; Escape closes it and returns focus to the button.
  await page.keyboard.press("Tab");
  await expect(panel.getByRole("link", { name: "Models" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeFocused();
  await expect(panel).toBeHidden();

  // Following a link closes the menu.
  await menu.click();
  await panel.getByRole("link", { name: "Audit" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(menu).toHaveAttribute("aria-expanded", "false");
});

test("wide tables scroll inside their frame at 390 px and say so", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, ADMIN, "/settings/users");
  const frame = page.getByRole("region", { name: "Users (scrolls sideways)" });
  await expect(frame).toBeVisible();
  await expect(page.getByText("Scroll sideways for more →").first()).toBeVisible();
  // The frame is a tab stop, so keyboard users can scroll it.
  await expect(frame).toHaveAttribute("tabindex", "0");
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
});

test("the version page: input schema as a table, training and evaluation as text, the card's task list labelled", async ({ page }) => {
  await signIn(page, ADMIN, versionPath(PASSING));
  const schema = page.getByRole("table", { name: "Input schema: features the model takes" });
  await expect(schema.getByRole("columnheader")).toHaveText(["Feature", "Type", "Range", "Nullable", "Categories"]);
  await expect(schema.getByRole("rowheader")).toHaveText(["score_a", "score_b"]);
  await expect(schema.getByRole("row").nth(1).getByRole("cell")).toHaveText(["float", "0 to 1", "no", "—"]);

  const training = page.getByRole("region", { name: "Training and evaluation" });
  await expect(training.getByText("Raised the decision threshold to 0.55.")).toBeVisible();
  await expect(training.getByRole("definition").filter({ hasText: "binary:logistic" })).toBeVisible();
  await expect(training.getByRole("term").filter({ hasText: "learning_rate" })).toBeVisible();
  await expect(training.getByRole("term").filter({ hasText: "Sensitive attributes" })).toBeVisible();

  const card = page.locator(".markdown");
  await expect(card.getByRole("checkbox")).toHaveCount(0);
  await expect(card.getByRole("img", { name: "Done:", exact: true })).toHaveCount(1);
  await expect(card.getByRole("img", { name: "Not done:", exact: true })).toHaveCount(1);
  await expect(page.getByRole("region", { name: "Promotion gates" })).toBeVisible();
});
