import { expect, test } from "@playwright/test";
import { screenshot, signIn } from "./helpers.ts";
import { ADMIN, VIEWER } from "./seed.ts";

test("create a token: shown once, usable, listed by prefix, then revoked", async ({ page, playwright, baseURL }) => {
  await signIn(page, ADMIN, "/settings/tokens");
  await page.getByLabel("Name").fill("e2e-ci");
  await page.getByRole("checkbox", { name: /write/ }).check();
  await page.getByLabel("Expires after").selectOption("30");
  await page.getByRole("button", { name: "Create token" }).click();

  const secret = page.getByTestId("new-token");
  await expect(secret).toHaveValue(/^mr_[A-Za-z0-9_-]{20,}$/);
  await expect(page.getByText("it won't be shown again")).toBeVisible();
  const token = await secret.inputValue();
  const row = page.getByRole("row", { name: /e2e-ci/ });
  await expect(row).toContainText(token.slice(0, 11));
  await expect(row).toContainText("active");
  await screenshot(page, "tokens-created");

  // The token works against the API as a Bearer token.
  const ci = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await ci.get("/api/v1/models")).status()).toBe(200);

  // Never shown again.
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  await expect(page.getByText(token)).toHaveCount(0);
  await screenshot(page, "tokens");

  await page.getByRole("row", { name: /e2e-ci/ }).getByRole("button", { name: /Revoke/ }).click();
  const dialog = page.getByRole("dialog", { name: /Revoke “e2e-ci”/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Revoke token" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("row", { name: /e2e-ci/ })).toContainText("revoked");
  expect((await ci.get("/api/v1/models")).status()).toBe(401);
  await ci.dispose();
});

test("the form offers only the scopes the role allows and validates input", async ({ page }) => {
  await signIn(page, VIEWER, "/settings/tokens");
  await expect(page.getByRole("checkbox")).toHaveCount(1);
  await expect(page.getByRole("checkbox", { name: /read/ })).toBeChecked();
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Give the token a name")).toBeVisible();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
});
