import { expect, test, type Locator } from "@playwright/test";
import { screenshot, signIn } from "./helpers.ts";
import { ADMIN } from "./seed.ts";

async function expectVisibleFocus(locator: Locator) {
  await expect(locator).toBeFocused();
  const outline = await locator.evaluate((el) => {
    const s = getComputedStyle(el);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(outline.style).not.toBe("none");
  expect(outline.width).toBeGreaterThan(0);
}

test("Tab reaches the skip link first, then the navigation, always with a visible focus ring", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expectVisibleFocus(skip);
  await expect(skip).toBeInViewport();
  await screenshot(page, "keyboard-skip-link");

  await page.keyboard.press("Tab"); // logo (home)
  await expectVisibleFocus(page.getByRole("link", { name: "Model Registry" }));
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Models", "Reviews", "Decisions", "Audit", "API reference", "Settings"]) {
    await page.keyboard.press("Tab");
    await expectVisibleFocus(nav.getByRole("link", { name }));
  }
  await page.keyboard.press("Tab");
  await expectVisibleFocus(page.locator("summary", { hasText: "Account menu" }));

  // The skip link moves focus to the main content.
  await page.goto("/");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
});
