import { expect, test } from "@playwright/test";
import { TEST_BOOTSTRAP_TOKEN } from "../lib/testing/app-server.ts";
import { startReceiver } from "../lib/webhooks/testing/receiver.ts";
import { envelopeForm, sampleEnvelope } from "../lib/api/__tests__/envelope-fixture.ts";
import { screenshot, signIn } from "./helpers.ts";
import { ADMIN, VIEWER } from "./seed.ts";

const HOOK_MODEL = "webhook-e2e";

test("an admin adds a webhook (secret shown once), sees its deliveries, redelivers, rotates the secret and deletes it", async ({ page, playwright, baseURL }) => {
  // Many steps, and the upload sets off the four checks in the same process on a small machine.
  test.setTimeout(90_000);
  const receiver = await startReceiver();
  try {
    await signIn(page, ADMIN, "/settings/webhooks");
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();

    // A refused URL: the reason is shown at the field, nothing is created.
    await page.getByLabel("Payload URL").fill("ftp://example.com/hook");
    await page.getByRole("button", { name: "Add webhook" }).click();
    await expect(page.getByText("must use http or https, not ftp").first()).toBeVisible();
    await expect(page.getByLabel("Payload URL")).toHaveAttribute("aria-invalid", "true");

    await page.getByLabel("Payload URL").fill(`${receiver.url}/e2e`);
    await page.getByLabel("Description (optional)").fill("deploy pipeline");
    await expect(page.getByRole("checkbox", { name: /version\.created/ })).toBeChecked();
    await page.getByRole("button", { name: "Add webhook" }).click();
    const secret = page.getByTestId("webhook-secret");
    await expect(secret).toHaveValue(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await expect(page.getByText("it won't be shown again")).toBeVisible();
    await expect(page.getByRole("button", { name: "Copy secret" })).toBeVisible();
    const secretValue = await secret.inputValue();
    await screenshot(page, "webhooks-created");
    await page.getByRole("button", { name: "I have copied it" }).click();
    await expect(secret).toHaveCount(0);
    const item = page.getByRole("list", { name: "Webhooks" }).getByRole("listitem").filter({ hasText: `${receiver.url}/e2e` });
    await expect(item).toContainText("deploy pipeline");

    // An upload sets off version.created.
    const ci = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` } });
    // Its own model, so the seeded ones other specs look at stay as they are.
    expect((await ci.post("/api/v1/models", { data: { name: HOOK_MODEL } })).status()).toBe(201);
    const env = sampleEnvelope(HOOK_MODEL, "1.0.0", { artifactSize: 1024 });
    const form = envelopeForm(env.manifest, env.files);
    const multipart: Record<string, { name: string; mimeType: string; buffer: Buffer } | string> = {};
    for (const [name, value] of form.entries()) multipart[name] = typeof value === "string" ? value : { name, mimeType: "application/octet-stream", buffer: Buffer.from(await value.arrayBuffer()) };
    expect((await ci.post(`/api/v1/models/${HOOK_MODEL}/versions`, { multipart })).status()).toBe(201);
    await ci.dispose();
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const first = receiver.received[0]!;
    expect(JSON.parse(first.body)).toMatchObject({ type: "version.created", data: { model: HOOK_MODEL, version: "1.0.0" } });
    expect(String(first.headers["webhook-signature"])).toMatch(/^v1,/);

    await item.getByRole("link", { name: /Delivery log/ }).click();
    const log = page.getByRole("table", { name: "Deliveries, newest first" });
    await expect(log).toBeVisible();
    const row = log.getByRole("row").filter({ hasText: "version.created" });
    await expect(row).toContainText("delivered");
    await expect(row).toContainText("200");
    await screenshot(page, "webhooks-deliveries");

    await row.getByRole("button", { name: /Redeliver/ }).click();
    await expect(row.getByRole("status")).toHaveText("Queued");
    await expect.poll(() => receiver.received.filter((r) => r.headers["webhook-id"] === first.headers["webhook-id"]).length, { timeout: 15_000 }).toBe(2);

    // Rotate: the new secret appears once, in the dialog.
    await item.getByRole("button", { name: /Rotate secret/ }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate the signing secret" });
    await dialog.getByLabel("Old secret keeps signing for").selectOption("3600");
    await dialog.getByRole("button", { name: "Rotate secret" }).click();
    const rotated = dialog.getByTestId("webhook-secret");
    await expect(rotated).toHaveValue(/^whsec_/);
    expect(await rotated.inputValue()).not.toBe(secretValue);
    await expect(dialog).toContainText("two signatures");
    await dialog.getByRole("button", { name: "I have copied it" }).click();
    await expect(dialog).toBeHidden();
    await expect(item).toContainText("previous secret signs too until");

    // At phone width nothing overflows sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "webhooks-mobile");
    await page.setViewportSize({ width: 1280, height: 800 });

    await item.getByRole("button", { name: /Delete/ }).click();
    const confirm = page.getByRole("dialog", { name: "Delete this webhook?" });
    await confirm.getByRole("button", { name: "Delete webhook" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole("list", { name: "Webhooks" })).toHaveCount(0);
    await expect(page.getByText("A deleted webhook: its log is kept")).toBeVisible();
  } finally {
    await receiver.close();
  }
});

test("the webhooks page is for admins only", async ({ page }) => {
  await signIn(page, VIEWER, "/settings/webhooks");
  await expect(page.getByText("Webhooks are managed by admins")).toBeVisible();
  await expect(page.getByLabel("Payload URL")).toHaveCount(0);
});
