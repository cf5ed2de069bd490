// Single sign-on in a real browser against a real OpenID Connect provider (started by
// global-setup.ts): the button on the sign-in page, the provider's login and consent screens, back
// to the page the person asked for with the role the provider's groups map to; a person no group
// admits is told why.
import { expect, test } from "@playwright/test";
import { screenshot, signIn } from "./helpers.ts";
import { ADMIN } from "./seed.ts";

// The last test reads the account the first one creates.
test.describe.configure({ mode: "serial" });

test("signing in through the identity provider lands on the requested page with the mapped role", async ({ page }) => {
  await page.goto("/models/credit-risk");
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await page.getByRole("button", { name: "Sign in with Bank SSO" }).click();

  // The provider's own (development) login and consent screens.
  await page.locator('input[name="login"]').fill("rita.reviewer");
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page).toHaveURL(/\/models\/credit-risk$/);
  await expect(page.getByRole("heading", { level: 1, name: "credit-risk" })).toBeVisible();
  await page.locator("summary", { hasText: "Account menu" }).click();
  await expect(page.getByText("Role: reviewer")).toBeVisible();
  // The account has no password to change: the provider holds the credentials.
  await expect(page.getByRole("link", { name: "API tokens" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Change password" })).toHaveCount(0);
  await screenshot(page, "sso-signed-in");
});

test("someone no group admits is refused with the reason, and stays signed out", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with Bank SSO" }).click();
  await page.locator('input[name="login"]').fill("otto.outsider");
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page).toHaveURL(/\/login\?error=sso_no_role/);
  await expect(page.getByRole("alert").filter({ hasText: "not in a group that grants access" })).toBeVisible();
  await screenshot(page, "login-sso-refused");
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/login/);
});

test("an admin sees a provider-owned role read-only, with where it comes from", async ({ page }) => {
  // Rita signed in through the provider in the first test of this file; her role is the mapping's.
  await signIn(page, ADMIN, "/settings/users");
  const row = page.getByRole("row").filter({ hasText: "rita@bank.example" });
  await expect(row.getByText("set by your identity provider")).toBeVisible();
  await expect(row.getByRole("combobox", { name: "Role of rita@bank.example" })).toBeDisabled();
  await expect(row.getByRole("button", { name: "Disable" })).toBeEnabled();
  await screenshot(page, "users-sso-managed-role");
});
