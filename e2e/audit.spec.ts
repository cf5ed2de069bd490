import { expect, test } from "@playwright/test";
import { screenshot, signIn } from "./helpers.ts";
import { ADMIN, VIEWER } from "./seed.ts";

test("admins see the verified audit chain and its events, newest first", async ({ page }) => {
  await signIn(page, ADMIN, "/audit");
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("status")).toContainText(/chain verified/i);
  const events = page.getByRole("table", { name: "Audit events, newest first" });
  await expect(events.getByText("model.created").first()).toBeVisible();
  await expect(events.getByText("version.registered").first()).toBeVisible();
  await expect(events.getByRole("columnheader", { name: "Credential" })).toBeVisible();
  // Newest first, numbered without gaps.
  const seqs = (await events.getByRole("rowheader").allTextContents()).map(Number);
  expect(seqs.length).toBeGreaterThan(1);
  expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! - i));
  await screenshot(page, "audit");

  await page.getByLabel("Action").fill("model.created");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=model.created/);
  await expect(events.getByRole("row")).toHaveCount(4); // header + 3 models
});

test("an event's credential leads to everything that credential did; chain order on request", async ({ page }) => {
  await signIn(page, ADMIN, "/audit");
  const events = page.getByRole("table", { name: "Audit events, newest first" });
  // The seed drives the API with the bootstrap token: its events name that credential.
  await events.getByRole("link", { name: "bootstrap token" }).first().click();
  await expect(page).toHaveURL(/credential=bootstrap/);
  await expect(page.getByLabel("Credential")).toHaveValue("bootstrap");

  // Every event listed now was made with it.
  await expect(events.getByRole("rowheader").first()).toBeVisible();
  expect(await events.getByRole("link", { name: "bootstrap token" }).count()).toBe(await events.getByRole("rowheader").count());

  // The same events in chain order (the filter stays).
  await page.getByLabel("Order").selectOption({ label: "Chain order (oldest first)" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/order=asc/);
  const chain = page.getByRole("table", { name: "Audit events in chain order, oldest first" });
  await expect(chain.getByRole("rowheader").first()).toBeVisible();
  const seqs = (await chain.getByRole("rowheader").allTextContents()).map(Number);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
});

test("the audit log fits a 390 px wide screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, ADMIN, "/audit");
  await expect(page.getByRole("status")).toContainText(/chain verified/i);
  await expect(page.getByLabel("Actor")).toBeVisible();
  // Only the table scrolls sideways (inside its frame); the page itself does not.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "audit-mobile");
});

test("viewers get a clear 403 page instead of the audit log", async ({ page }) => {
  await signIn(page, VIEWER, "/audit");
  await expect(page.getByText("403 · Forbidden")).toBeVisible();
  await expect(page.getByRole("heading", { name: "The audit log is for auditors and admins" })).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);
  await screenshot(page, "audit-forbidden");
  // The API agrees with the page.
  const res = await page.request.get("/api/v1/audit");
  expect(res.status()).toBe(403);
});
