// Starts the registry the way a newcomer would (no DATABASE_URL, no S3, no AUTH_SECRET: PGlite,
// filesystem storage and a generated session secret under a fresh DATA_DIR), seeds it over the
// REST API, and hands the URL to the tests. Returns the teardown.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startApp, TEST_BOOTSTRAP_TOKEN } from "../lib/testing/app-server.ts";
import { startOidcProvider } from "../lib/testing/oidc-provider.ts";
import { ADMIN, seed, SSO_ACCOUNTS } from "./seed.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
export const STATE_FILE = path.join(here, "..", ".tmp", "e2e-state.json");

export default async function globalSetup() {
  // A real OpenID Connect provider next to the registry, so the sign-in page offers SSO as it would
  // in a bank's deployment (e2e/sso.spec.ts signs in through it). It lives as long as this process.
  const idp = await startOidcProvider();
  for (const [login, claims] of Object.entries(SSO_ACCOUNTS)) idp.setAccount(login, claims);
  const app = await startApp({
    REGISTRY_ADMIN_PASSWORD: ADMIN.password,
    // Empty means unset: exercise the zero-config path (secret generated under DATA_DIR/keys).
    AUTH_SECRET: "",
    LOG_LEVEL: "warn",
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    OIDC_NAME: "Bank SSO",
    OIDC_SCOPES: "openid email profile groups",
    OIDC_ROLE_MAPPING: JSON.stringify({ "ml-reviewers": "reviewer", staff: "viewer" }),
    OIDC_DEFAULT_ROLE: "none",
    // e2e/webhooks.spec.ts delivers to a receiver on loopback, which the SSRF guard refuses by default.
    WEBHOOK_ALLOW_PRIVATE: "true",
  });
  idp.allowClient(`${app.url}/api/auth/callback/oidc`);
  try {
    const state = await seed(app.url, TEST_BOOTSTRAP_TOKEN);
    mkdirSync(path.dirname(STATE_FILE), { recursive: true });
    writeFileSync(STATE_FILE, JSON.stringify({ ...state, dataDir: app.dataDir }, null, 2));
    process.env.E2E_BASE_URL = app.url;
  } catch (error) {
    await app.stop();
    await idp.stop();
    throw new Error(`seeding failed: ${(error as Error).message}\n--- app output ---\n${app.output()}`, { cause: error });
  }
  return async () => {
    await app.stop();
    await idp.stop();
    writeFileSync(path.join(path.dirname(STATE_FILE), "e2e-app.log"), app.output());
    rmSync(app.dataDir, { recursive: true, force: true });
  };
}
