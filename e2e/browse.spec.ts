import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import { screenshot, seedState, signIn } from "./helpers.ts";
import { ADMIN, MODEL, VERSION } from "./seed.ts";

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN);
});

test("models list: table, search and an empty result that says what to do", async ({ page }) => {
  const table = page.getByRole("table", { name: "Models" });
  await expect(table.getByRole("link", { name: MODEL })).toBeVisible();
  await expect(table.getByRole("row")).toHaveCount(4); // header + 3 models
  await screenshot(page, "models");

  await page.getByLabel("Search models").fill("fraud");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\?q=fraud/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table.getByRole("link", { name: "fraud-detector" })).toBeVisible();

  await page.goto("/?q=no-such-model");
  await expect(page.getByRole("heading", { name: /No models match/ })).toBeVisible();
  await screenshot(page, "models-search-empty");
});

test("browse a model, then a version: identity, files, signature", async ({ page }) => {
  await page.getByRole("table", { name: "Models" }).getByRole("link", { name: MODEL }).click();
  await expect(page).toHaveURL(new RegExp(`/models/${MODEL}$`));
  const versions = page.getByRole("table", { name: /Versions/ });
  await expect(versions.getByRole("row")).toHaveCount(3);
  await screenshot(page, "model");

  await versions.getByRole("link", { name: VERSION, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/models/${MODEL}/versions/${VERSION.replace(/\./g, "\\.")}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${MODEL}@${VERSION}`);
  await expect(page.getByText("Signed · verified").first()).toBeVisible();
  const files = page.getByRole("table", { name: /Files of/ });
  await expect(files.getByRole("rowheader", { name: /model\.onnx/ })).toBeVisible();
  await expect(files.getByText("48.0 KiB")).toBeVisible();
  await screenshot(page, "version");
});

test("the model card renders markdown but none of its scripts, handlers or javascript: links", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`/models/${MODEL}/versions/${VERSION}`);
  const card = page.locator(".markdown");
  await expect(card.getByRole("heading", { name: "Credit risk scorer" })).toBeVisible();
  // The GFM table became a real table.
  await expect(card.locator("table")).toBeVisible();
  await expect(card.locator("table").getByRole("cell", { name: "female" })).toBeVisible();
  // Front matter is shown as metadata, not as text.
  const meta = page.getByRole("table", { name: "Model card metadata (front matter)" });
  await expect(meta.getByRole("rowheader", { name: "license" })).toBeVisible();
  await expect(meta.getByRole("cell", { name: "apache-2.0" })).toBeVisible();

  await card.getByText("click", { exact: true }).click();
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await expect(page.locator('a[href^="javascript:" i]')).toHaveCount(0);
  await expect(card.locator("script, img[onerror], [onerror]")).toHaveCount(0);
  await expect(card.getByRole("link", { name: "normal link" })).toHaveAttribute("href", "https://example.com/docs");
  expect(dialogs).toEqual([]);
});

test("the download link returns the exact bytes, authorised by the session", async ({ page }) => {
  const { artifactSha256 } = seedState();
  await page.goto(`/models/${MODEL}/versions/${VERSION}`);
  const link = page.getByRole("link", { name: "Download model.onnx" });
  const href = await link.getAttribute("href");
  expect(href).toBe(`/api/v1/models/${MODEL}/versions/${VERSION}/files/model.onnx`);
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["etag"]).toBe(`"sha256:${artifactSha256}"`);
  expect(createHash("sha256").update(await res.body()).digest("hex")).toBe(artifactSha256);
});

test("a model without versions says how to push one, with this registry's URL", async ({ page, baseURL }) => {
  await page.goto("/models/churn-predictor");
  await expect(page.getByRole("heading", { name: "No versions yet" })).toBeVisible();
  const command = page.getByLabel("push command", { exact: true });
  await expect(command).toContainText(`export REGISTRY_URL=${baseURL}`);
  await expect(command).toContainText("npx model-registry push ./dist/model --model churn-predictor");
  await screenshot(page, "model-empty");
});

test("unknown models and versions answer with a not-found page", async ({ page }) => {
  await page.goto("/models/no-such-model");
  await expect(page.getByRole("heading", { name: "There is nothing at this address" })).toBeVisible();
  await page.goto(`/models/${MODEL}/versions/9.9.9`);
  await expect(page.getByRole("heading", { name: "There is nothing at this address" })).toBeVisible();
});
