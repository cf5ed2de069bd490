import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page } from "@playwright/test";
import type { SeedState } from "./seed.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

export function seedState(): SeedState & { dataDir: string } {
  return JSON.parse(readFileSync(path.join(here, "..", ".tmp", "e2e-state.json"), "utf8"));
}

/**
 * Full-page screenshots of every page go to .tmp/screenshots/ on each run (they hold timestamps and
 * tokens, so they are not committed; a curated set lives in docs/screenshots/). Very long pages
 * (the API reference) are cut at `maxHeight` to keep the PNGs small.
 */
export async function screenshot(page: Page, name: string, { maxHeight = 3000 }: { maxHeight?: number } = {}): Promise<void> {
  const { width, height } = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
  await page.screenshot({
    path: path.join(here, "..", ".tmp", "screenshots", `${name}.png`),
    fullPage: true,
    clip: height > maxHeight ? { x: 0, y: 0, width, height: maxHeight } : undefined,
    animations: "disabled",
    caret: "hide",
  });
}

export async function signIn(page: Page, { email, password }: { email: string; password: string }, returnTo = "/"): Promise<void> {
  await page.goto(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
}
