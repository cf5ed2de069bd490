import { expect, test } from "@playwright/test";
import { screenshot, signIn } from "./helpers.ts";
import { ADMIN } from "./seed.ts";

test("an unauthenticated visit is sent to the sign-in page and back after signing in", async ({ page }) => {
  await page.goto("/models/credit-risk");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fmodels%2Fcredit-risk/);
  await expect(page.getByRole("heading", { name: "Sign in to Model Registry" })).toBeVisible();
  await screenshot(page, "login");

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/models\/credit-risk$/);
  await expect(page.getByRole("heading", { level: 1, name: "credit-risk" })).toBeVisible();
});

test("a wrong password shows an error and does not sign in", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Incorrect email or password" })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await screenshot(page, "login-error");
  // Still signed out: a protected page redirects again.
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/login/);
});

test("the right password lands on the models page; sign out ends the session", async ({ page }) => {
  await signIn(page, ADMIN);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1, name: "Models" })).toBeVisible();

  await page.locator("summary", { hasText: "Account menu" }).click();
  await expect(page.getByText("Role: admin")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("the browser session authenticates API calls; without it the API answers 401", async ({ page, playwright, baseURL }) => {
  await signIn(page, ADMIN);
  const models = await page.request.get("/api/v1/models");
  expect(models.status()).toBe(200);
  expect(((await models.json()) as { items: { name: string }[] }).items.map((m) => m.name)).toContain("credit-risk");

  const anonymous = await playwright.request.newContext({ baseURL });
  const denied = await anonymous.get("/api/v1/models");
  expect(denied.status()).toBe(401);
  expect(denied.headers()["content-type"]).toContain("application/problem+json");
  await anonymous.dispose();
});

test("a session cookie cannot change state from another origin", async ({ page, baseURL }) => {
  await signIn(page, ADMIN);
  const id = "00000000-0000-4000-8000-000000000000";
  const foreign = await page.request.delete(`/api/v1/tokens/${id}`, { headers: { origin: "https://evil.example" } });
  expect(foreign.status()).toBe(403);
  expect(((await foreign.json()) as { detail: string }).detail).toMatch(/own pages/);
  // The same request from the registry's own origin is authenticated (and finds no such token).
  const own = await page.request.delete(`/api/v1/tokens/${id}`, { headers: { origin: baseURL! } });
  expect(own.status()).toBe(404);
});
