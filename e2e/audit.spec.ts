import { expect, test } from "@playwright/test";
import { screenshot, signIn } from "./helpers.ts";
import { ADMIN, VIEWER } from "./seed.ts";

test("admins see the verified audit chain and its events", async ({ page }) => {
  await signIn(page, ADMIN, "/audit");
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("status")).toContainText(/chain verified/i);
  const events = page.getByRole("table", { name: "Audit events in chain order" });
  await expect(events.getByText("model.created").first()).toBeVisible();
  await expect(events.getByText("version.registered").first()).toBeVisible();
  await screenshot(page, "audit");

  await page.getByLabel("Action").fill("model.created");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=model.created/);
  await expect(events.getByRole("row")).toHaveCount(4); // header + 3 models
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
