// Browser tests on Debian's Chromium (Playwright's own download is unreachable from the build
// machines). global-setup.ts starts the real app in its zero-config embedded mode and seeds it.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.ts$/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 7_500 },
  forbidOnly: true,
  globalSetup: "./global-setup.ts",
  outputDir: "../.tmp/e2e-results",
  reporter: [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? "../.tmp/playwright.json" }]],
  use: {
    // Set by global-setup.ts before workers start; workers inherit its environment.
    baseURL: process.env.E2E_BASE_URL,
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
});
