// Single sign-on against a real OpenID Connect provider (node-oidc-provider on a local port): the
// whole authorization-code flow over HTTP — the registry's sign-in endpoint, the provider's login
// and consent forms, the registry's callback with ID-token verification — then what the session
// may do. The provider's accounts are changed between sign-ins as an IdP administrator would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "@/lib/testing/app-server";
import { signIn } from "@/lib/testing/browser-session";
import { signInThroughOidc, startOidcProvider, type TestOidcProvider } from "@/lib/testing/oidc-provider";

let idp: TestOidcProvider;
let app: AppServer;

const mapping = { "registry-admins": "admin", "ml-reviewers": "reviewer", "ml-engineers": "contributor", staff: "viewer" };

beforeAll(async () => {
  idp = await startOidcProvider();
  app = await startApp({
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    OIDC_NAME: "Test IdP",
    OIDC_SCOPES: "openid email profile groups",
    OIDC_ROLE_MAPPING: JSON.stringify(mapping),
    OIDC_DEFAULT_ROLE: "none",
    OIDC_ALLOWED_DOMAINS: "bank.example, research.bank.example",
  });
  idp.allowClient(`${app.url}/api/auth/callback/oidc`);
});
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

type Json = Record<string, any>;

async function call(method: string, path: string, { cookie, token = TEST_BOOTSTRAP_TOKEN, body }: { cookie?: string; token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = cookie ? { cookie, origin: app.url } : { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(app.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
}

async function userByEmail(email: string): Promise<Json | undefined> {
  const res = await call("GET", "/api/v1/users?limit=200");
  return res.body.items.find((u: Json) => u.email === email);
}

async function auditEvents(action: string): Promise<Json[]> {
  const res = await call("GET", `/api/v1/audit?order=desc&limit=200&action=${action}`);
  expect(res.status).toBe(200);
  return res.body.items;
}

describe("OIDC sign-in", () => {
  it("offers the provider on the sign-in page", async () => {
    const html = await (await fetch(`${app.url}/login`)).text();
    expect(html).toContain("Sign in with Test IdP");
  });

  it("creates a user on first sign-in with the mapped role, owned by the provider, and audits it", async () => {
    idp.setAccount("ada", { email: "Ada@Bank.example", email_verified: true, name: "Ada Lovelace", groups: ["staff", "ml-reviewers"] });
    const outcome = await signInThroughOidc(app.url, "ada", { callbackUrl: "/models?tab=all" });
    expect(outcome.signedIn).toBe(true);
    expect(outcome.location).toBe(`${app.url}/models?tab=all`);
    const me = await call("GET", "/api/v1/me", { cookie: outcome.cookie });
    expect(me.status).toBe(200);
    // "ml-reviewers" is listed before "staff" in the mapping: the first match wins.
    expect(me.body).toMatchObject({ email: "ada@bank.example", role: "reviewer" });
    const user = await userByEmail("ada@bank.example");
    expect(user).toMatchObject({ name: "Ada Lovelace", role: "reviewer", roleManagedBy: "oidc", mustChangePassword: false });
    const signedIn = (await auditEvents("auth.signed_in")).find((e) => e.subject.id === user!.id);
    expect(signedIn?.payload).toMatchObject({ method: "oidc", subject: "ada" });
    expect(signedIn?.credential).toMatch(/^session:/);
    const linked = (await auditEvents("user.identity_linked")).find((e) => e.subject.id === user!.id);
    expect(linked?.payload).toMatchObject({ provider: "oidc", subject: "ada" });
    // No password was ever set, and the person cannot give themselves one (a way in the provider does not control).
    const password = await call("POST", "/api/v1/me/password", { cookie: outcome.cookie, body: { current: "x", next: "a-brand-new-password" } });
    expect(password.status).toBe(403);
    expect(password.body.code).toBe("no_local_password");
  });

  it("links to an existing local user only when the provider vouches for the email", async () => {
    const created = await call("POST", "/api/v1/users", { body: { email: "grace@bank.example", name: "Grace", role: "contributor", password: "grace-password-123" } });
    expect(created.status).toBe(201);

    idp.setAccount("grace-unverified", { email: "grace@bank.example", email_verified: false, groups: ["ml-engineers"] });
    const refused = await signInThroughOidc(app.url, "grace-unverified");
    expect(refused.signedIn).toBe(false);
    expect(refused.location).toBe(`${app.url}/login?error=sso_email_not_verified`);
    const failure = (await auditEvents("auth.sign_in_failed")).find((e) => e.payload.subject === "grace-unverified");
    expect(failure?.payload).toMatchObject({ reason: "email_not_verified", method: "oidc" });

    idp.setAccount("grace", { email: "grace@bank.example", email_verified: "true", groups: ["ml-engineers"] });
    const ok = await signInThroughOidc(app.url, "grace");
    expect(ok.signedIn).toBe(true);
    const me = await call("GET", "/api/v1/me", { cookie: ok.cookie });
    expect(me.body).toMatchObject({ id: created.body.id, role: "contributor" });
    // The local password still works for the same account.
    await expect(signIn(app.url, "grace@bank.example", "grace-password-123")).resolves.toHaveProperty("cookie");
  });

  it("refuses emails outside the allowed domains, people no group admits, and disabled users", async () => {
    idp.setAccount("mallory", { email: "mallory@evil.example", email_verified: true, groups: ["registry-admins"] });
    expect((await signInThroughOidc(app.url, "mallory")).location).toBe(`${app.url}/login?error=sso_email_domain_not_allowed`);
    // A look-alike suffix is not the allowed domain.
    idp.setAccount("mallory2", { email: "mallory@notbank.example", email_verified: true, groups: ["registry-admins"] });
    expect((await signInThroughOidc(app.url, "mallory2")).location).toBe(`${app.url}/login?error=sso_email_domain_not_allowed`);

    idp.setAccount("outsider", { email: "outsider@research.bank.example", email_verified: true, groups: ["interns"] });
    expect((await signInThroughOidc(app.url, "outsider")).location).toBe(`${app.url}/login?error=sso_no_role`);
    expect(await userByEmail("outsider@research.bank.example")).toBeUndefined();

    idp.setAccount("noemail", { groups: ["staff"] });
    expect((await signInThroughOidc(app.url, "noemail")).location).toBe(`${app.url}/login?error=sso_email_missing`);

    idp.setAccount("dora", { email: "dora@bank.example", email_verified: true, groups: ["staff"] });
    expect((await signInThroughOidc(app.url, "dora")).signedIn).toBe(true);
    const dora = await userByEmail("dora@bank.example");
    expect((await call("PATCH", `/api/v1/users/${dora!.id}`, { body: { disabled: true } })).status).toBe(200);
    const refused = await signInThroughOidc(app.url, "dora");
    expect(refused).toMatchObject({ signedIn: false, location: `${app.url}/login?error=sso_user_disabled` });
  });

  it("makes the provider the owner of the role: read-only here, re-applied at each sign-in, a demotion ends credentials", async () => {
    idp.setAccount("erin", { email: "erin@bank.example", email_verified: true, groups: ["ml-reviewers"] });
    const first = await signInThroughOidc(app.url, "erin");
    const erin = await userByEmail("erin@bank.example");
    expect(erin).toMatchObject({ role: "reviewer", roleManagedBy: "oidc" });

    const patch = await call("PATCH", `/api/v1/users/${erin!.id}`, { body: { role: "admin" } });
    expect(patch.status).toBe(409);
    expect(patch.body.code).toBe("role_managed_by_idp");
    // Renaming is still the registry's business.
    expect((await call("PATCH", `/api/v1/users/${erin!.id}`, { body: { name: "Erin R." } })).status).toBe(200);

    const token = await call("POST", "/api/v1/tokens", { cookie: first.cookie, body: { name: "erin-ci", scopes: ["read", "write"] } });
    expect(token.status).toBe(201);
    expect((await call("GET", "/api/v1/models", { token: token.body.token })).status).toBe(200);

    // The IdP administrator moves Erin from reviewers to plain staff.
    idp.setAccount("erin", { email: "erin@bank.example", email_verified: true, groups: ["staff"] });
    const second = await signInThroughOidc(app.url, "erin");
    expect(second.signedIn).toBe(true);
    expect((await call("GET", "/api/v1/me", { cookie: second.cookie })).body.role).toBe("viewer");
    // The earlier session and the token minted under the reviewer role are gone.
    expect((await call("GET", "/api/v1/me", { cookie: first.cookie })).status).toBe(401);
    expect((await call("GET", "/api/v1/models", { token: token.body.token })).status).toBe(401);
    const synced = (await auditEvents("user.role_synced")).find((e) => e.subject.id === erin!.id);
    expect(synced?.payload).toMatchObject({ provider: "oidc", before: "reviewer", after: "viewer", revoked: { sessions: 1, tokens: 1 } });
  });

  it("refuses a callback that did not start here (no state/PKCE/nonce cookies), audited, with no session", async () => {
    const before = (await auditEvents("auth.sign_in_failed")).length;
    const res = await fetch(`${app.url}/api/auth/callback/oidc?code=forged&state=forged&iss=${encodeURIComponent(idp.issuer)}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    // Through next-auth's error route to the sign-in page, which explains it.
    expect(res.headers.get("location")).toMatch(/error=OAuthCallback/);
    const landing = await fetch(res.headers.get("location")!);
    expect(landing.url).toMatch(/\/login\?.*error=OAuthCallback/);
    expect(await landing.text()).toContain("Single sign-on did not complete");
    expect(res.headers.getSetCookie().some((c) => c.includes("session-token=") && !/max-age=0/i.test(c))).toBe(false);
    // The audit write runs beside the redirect; give it a moment.
    await expect.poll(async () => (await auditEvents("auth.sign_in_failed")).length).toBe(before + 1);
    const [failure] = await auditEvents("auth.sign_in_failed");
    expect(failure!.payload).toMatchObject({ reason: "provider_error", method: "oidc", detail: "OAUTH_CALLBACK_ERROR" });
  });

  it("signs out server-side like a password session", async () => {
    idp.setAccount("finn", { email: "finn@bank.example", email_verified: true, groups: ["staff"] });
    const { cookie } = await signInThroughOidc(app.url, "finn");
    expect((await call("GET", "/api/v1/me", { cookie })).status).toBe(200);
    const csrf = await fetch(`${app.url}/api/auth/csrf`, { headers: { cookie } });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const out = await fetch(`${app.url}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${cookie}; ${csrfCookie}`, origin: app.url },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/" }),
    });
    expect(out.status).toBe(302);
    expect((await call("GET", "/api/v1/me", { cookie })).status).toBe(401);
  });
});
