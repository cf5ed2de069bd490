import { expect, test } from "@playwright/test";
import { screenshot, signIn } from "./helpers.ts";
import { ADMIN } from "./seed.ts";

test("the API reference lists every endpoint from the OpenAPI document", async ({ page }) => {
  await signIn(page, ADMIN, "/api-docs");
  const openapi = (await (await page.request.get("/api/v1/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.values(openapi.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  await expect(page.locator("article")).toHaveCount(operations);
  for (const tag of ["Models", "Versions", "Audit", "Users & tokens", "System"]) {
    await expect(page.getByRole("heading", { level: 2, name: tag, exact: true })).toBeVisible();
  }
  const upload = page.locator("article#op-uploadVersion");
  await expect(upload.getByText("/api/v1/models/{name}/versions", { exact: true })).toBeVisible();
  await expect(upload.getByText("scope: write")).toBeVisible();
  await expect(page.getByRole("link", { name: "openapi.json" }).first()).toHaveAttribute("href", "/api/v1/openapi.json");
  await screenshot(page, "api-docs", { maxHeight: 2400 });
  await page.locator("#schemas").scrollIntoViewIfNeeded();
  await page.getByRole("link", { name: "Schemas", exact: true }).click();
  await expect(page.locator("#schema-Version")).toBeVisible();
});
