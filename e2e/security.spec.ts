// The pages under their Content-Security-Policy: every page a reviewer uses renders and hydrates
// (its sign-in form, menus and buttons work) with no CSP violation, and a script without the
// request's nonce is refused by the browser.
import { expect, test, type Page } from "@playwright/test";
import { screenshot, signIn } from "./helpers.ts";
import { ADMIN, MODEL, VERSION } from "./seed.ts";

function watchViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

test("every page renders and hydrates under the nonce CSP, without violations", async ({ page }) => {
  // Eight full page loads in one test: the default 30 s is for one page's worth of work.
  test.setTimeout(90_000);
  const violations = watchViolations(page);
  const login = await page.goto("/login");
  const policy = login!.headers()["content-security-policy"] ?? "";
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  // The sign-in form only works once React has hydrated it: it is the proof that the nonced scripts ran.
  await signIn(page, ADMIN);
  for (const path of ["/", `/models/${MODEL}`, `/models/${MODEL}/versions/${VERSION}`, `/models/${MODEL}/versions/${VERSION}/checks`, "/audit", "/settings/tokens", "/api-docs", "/account/password"]) {
    const res = await page.goto(path);
    expect(res!.status(), path).toBe(200);
    const nonces = await page.evaluate(() => [...document.scripts].map((s) => s.nonce));
    expect(nonces.length, path).toBeGreaterThan(0);
  }
  await page.locator("summary", { hasText: "Account menu" }).click();
  await expect(page.getByText("Role: admin")).toBeVisible();
  expect(violations).toEqual([]);
});

test("injected markup's inline script does not run (the classic XSS vector)", async ({ page }) => {
  const violations = watchViolations(page);
  await page.goto("/login");
  const ran = await page.evaluate(async () => {
    const w = window as unknown as { __injected?: boolean };
    document.body.insertAdjacentHTML("beforeend", '<img src="/no-such-image.png" onerror="window.__injected = true">');
    await new Promise((r) => setTimeout(r, 500));
    return w.__injected === true;
  });
  expect(ran).toBe(false);
  expect(violations.length).toBeGreaterThan(0);
});

test("an admin manages users: creates one, resets the password (shown once), disables the account", async ({ page }) => {
  await signIn(page, ADMIN, "/settings/users");
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill("new-analyst@example.com");
  await page.getByLabel("Name", { exact: true }).fill("New Analyst");
  await page.getByLabel("Role", { exact: true }).selectOption("auditor");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Created new-analyst@example.com" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: "new-analyst@example.com" });
  await expect(row.getByLabel("Role of new-analyst@example.com")).toHaveValue("auditor");

  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Reset password" }).click();
  await expect(row.getByText(/Temporary password:/)).toBeVisible();
  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByRole("row").filter({ hasText: "new-analyst@example.com" }).getByText("disabled", { exact: true })).toBeVisible();
  await screenshot(page, "users");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "users-390");
});
