// The single sign-on rules on a real database (the end-to-end flow against a real OIDC provider is
// in lib/api/__tests__/sso.test.ts), the settings parser, and GitHub's API read through a local
// server that answers with GitHub's documented shapes (GitHub itself is out of reach of tests).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../config/index.ts";
import { createTestDatabase, type TestDatabase } from "../../../testing/db.ts";
import { fetchGitHubIdentity, identityFromOidcClaims, issuerMatches, type ExternalIdentity } from "../identity.ts";
import { claimValues, parseSsoSettings, resolveRole, type OidcSettings } from "../settings.ts";
import { releaseUnmappedRoles, signInWithIdentity } from "../sign-in.ts";

const baseEnv = { OIDC_ISSUER: "https://idp.example/realms/bank", OIDC_CLIENT_ID: "registry", OIDC_CLIENT_SECRET: "s3cret" };
const settingsFrom = (env: Record<string, string>) => parseSsoSettings(parseConfig({ ...baseEnv, ...env }).sso);

describe("settings", () => {
  it("parses mappings in the operator's order, default roles and domains", () => {
    const s = settingsFrom({
      OIDC_ROLE_MAPPING: '{"/registry/admins":"admin","ml-reviewers":"reviewer"}',
      OIDC_DEFAULT_ROLE: "none",
      OIDC_ALLOWED_DOMAINS: " Bank.example ,@research.bank.example",
      OIDC_SCOPES: "email profile",
    }).oidc!;
    expect(s.roleRules).toEqual([
      { value: "/registry/admins", role: "admin" },
      { value: "ml-reviewers", role: "reviewer" },
    ]);
    expect(s.defaultRole).toBeNull();
    expect(s.allowedDomains).toEqual(["bank.example", "research.bank.example"]);
    // openid is what makes it OpenID Connect: added when the operator forgot it.
    expect(s.scopes).toBe("openid email profile");
    expect(settingsFrom({}).oidc).toMatchObject({ roleRules: undefined, defaultRole: "viewer", allowedDomains: [] });
    // Unset defaults are closed where "anyone the provider knows" is too many: with a mapping, and for GitHub.
    expect(settingsFrom({ OIDC_ROLE_MAPPING: '{"staff":"viewer"}' }).oidc!.defaultRole).toBeNull();
    expect(parseSsoSettings(parseConfig({ GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "s" }).sso).github!.defaultRole).toBeNull();
  });

  it("names the variable when a value is malformed", () => {
    const problem = (env: Record<string, string>) => {
      try {
        settingsFrom(env);
      } catch (error) {
        return error instanceof ConfigError ? error.issues.join() : String(error);
      }
      return "accepted";
    };
    expect(problem({ OIDC_ROLE_MAPPING: "admins=admin" })).toMatch(/^OIDC_ROLE_MAPPING: must be a JSON object/);
    expect(problem({ OIDC_ROLE_MAPPING: '{"admins":"superuser"}' })).toMatch(/^OIDC_ROLE_MAPPING: .*roles/);
    expect(problem({ OIDC_ROLE_MAPPING: "{}" })).toMatch(/^OIDC_ROLE_MAPPING: must be a non-empty/);
    expect(problem({ OIDC_DEFAULT_ROLE: "root" })).toMatch(/^OIDC_DEFAULT_ROLE/);
    expect(problem({ OIDC_ALLOWED_DOMAINS: "bank.example, not a domain" })).toMatch(/^OIDC_ALLOWED_DOMAINS: not a domain: not a domain/);
    expect(() => parseConfig({ OIDC_ISSUER: "https://idp.example" })).toThrow(/OIDC_CLIENT_ID: required when OIDC_ISSUER is set/);
    expect(() => parseConfig({ GITHUB_CLIENT_ID: "abc" })).toThrow(/GITHUB_CLIENT_SECRET: required/);
  });

  it("resolves the first matching rule, else the default", () => {
    const rules = [
      { value: "a", role: "admin" as const },
      { value: "r", role: "reviewer" as const },
    ];
    expect(resolveRole(rules, ["r", "a"], "viewer")).toBe("admin");
    expect(resolveRole(rules, ["r"], "viewer")).toBe("reviewer");
    expect(resolveRole(rules, ["x"], "viewer")).toBe("viewer");
    expect(resolveRole(rules, [], null)).toBeNull();
  });

  it("reads claim values by name or dotted path, ignoring what is not a string", () => {
    const claims = { groups: ["a", 7, "b"], realm_access: { roles: ["r1"] }, "https://bank.example/roles": "x", role: "solo", nested: { deep: 1 } };
    expect(claimValues(claims, "groups")).toEqual(["a", "b"]);
    expect(claimValues(claims, "realm_access.roles")).toEqual(["r1"]);
    expect(claimValues(claims, "https://bank.example/roles")).toEqual(["x"]);
    expect(claimValues(claims, "role")).toEqual(["solo"]);
    expect(claimValues(claims, "nested.deep")).toEqual([]);
    expect(claimValues(claims, "missing.path")).toEqual([]);
  });

  it("turns ID-token claims into an identity, trusting the email only when told", () => {
    const s = settingsFrom({ OIDC_ROLE_CLAIM: "roles" }).oidc!;
    expect(identityFromOidcClaims({ sub: "u1", email: "A@B.example", email_verified: false, preferred_username: "ab", roles: ["x"] }, s)).toEqual({
      provider: "oidc",
      issuer: baseEnv.OIDC_ISSUER,
      subject: "u1",
      email: "a@b.example",
      emailVerified: false,
      name: "ab",
      roleValues: ["x"],
    });
    const trusting: OidcSettings = { ...s, trustEmail: true };
    expect(identityFromOidcClaims({ sub: "u1", email: "a@b.example" }, trusting).emailVerified).toBe(true);
    expect(() => identityFromOidcClaims({ email: "a@b.example" }, s)).toThrow(/sub/);
    // Only plain ASCII addresses are matched: the Kelvin sign lower-cases to "k", a look-alike of kim@.
    for (const email of ["\u212Aim@bank.example", "kim@bank.example\r\nx", "no-at-sign", "bank.example", "a@b@bank.example", "a@bank"])
      expect(identityFromOidcClaims({ sub: "u1", email }, s).email, JSON.stringify(email)).toBeUndefined();
    expect(issuerMatches({ iss: `${baseEnv.OIDC_ISSUER}/` }, s)).toBe(true);
    expect(issuerMatches({ iss: "https://login.example/other-tenant" }, s)).toBe(false);
  });
});

describe("GitHub", () => {
  let server: http.Server;
  let apiUrl: string;
  const seen: string[] = [];
  const teams = Array.from({ length: 130 }, (_, i) => ({ slug: `team-${i}`, organization: { login: i === 129 ? "Acme" : "other" } }));
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.headers.authorization} ${req.url}`);
      const url = new URL(req.url!, "http://x");
      const page = Number(url.searchParams.get("page") ?? 1);
      const body =
        url.pathname === "/user"
          ? { id: 4242, login: "octo", name: null }
          : url.pathname === "/user/emails"
            ? [
                { email: "old@acme.example", primary: false, verified: true },
                { email: "Octo@Acme.example", primary: true, verified: true },
              ]
            : url.pathname === "/user/orgs"
              ? [{ login: "Acme" }]
              : url.pathname === "/user/teams"
                ? teams.slice((page - 1) * 100, page * 100)
                : undefined;
      res.writeHead(body ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(body ?? { message: "Not Found" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reads the user, the verified primary email and, with a mapping, orgs and every page of teams", async () => {
    const settings = parseSsoSettings(
      parseConfig({ GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "secret", GITHUB_API_URL: apiUrl, GITHUB_ROLE_MAPPING: '{"ACME/team-129":"reviewer","acme":"viewer"}' }).sso,
    ).github!;
    const identity = await fetchGitHubIdentity(settings, "gho_token");
    expect(identity).toMatchObject({ provider: "github", issuer: "https://github.com", subject: "4242", email: "octo@acme.example", emailVerified: true, name: "octo" });
    expect(identity.roleValues).toContain("acme");
    expect(identity.roleValues).toContain("acme/team-129");
    expect(identity.roleValues).toHaveLength(131);
    expect(resolveRole(settings.roleRules!, identity.roleValues, null)).toBe("reviewer");
    expect(seen.every((s) => s.startsWith("Bearer gho_token "))).toBe(true);
  });

  it("does not ask for orgs and teams without a mapping", async () => {
    seen.length = 0;
    const settings = parseSsoSettings(parseConfig({ GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "secret", GITHUB_API_URL: apiUrl }).sso).github!;
    const identity = await fetchGitHubIdentity(settings, "t");
    expect(identity.roleValues).toEqual([]);
    expect(seen.map((s) => s.split(" ")[2])).toEqual(["/user", "/user/emails"]);
  });
});

describe("signInWithIdentity", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  const client = { clientAddress: "203.0.113.9", userAgent: "test" };
  const identity = (subject: string, over: Partial<ExternalIdentity> = {}): ExternalIdentity => ({
    provider: "oidc",
    issuer: baseEnv.OIDC_ISSUER,
    subject,
    email: `${subject}@bank.example`,
    emailVerified: true,
    name: subject,
    roleValues: [],
    ...over,
  });

  it("without a mapping: new users get the default role, and the registry keeps owning existing roles", async () => {
    const sso = settingsFrom({ OIDC_DEFAULT_ROLE: "contributor" });
    const first = await signInWithIdentity(db.prisma, { identity: identity("kim"), sso, ...client });
    expect(first).toMatchObject({ ok: true, created: true, linked: true, user: { role: "contributor", roleManagedBy: null } });
    await db.prisma.user.update({ where: { email: "kim@bank.example" }, data: { role: "reviewer", roleManagedBy: "oidc" } });
    const again = await signInWithIdentity(db.prisma, { identity: identity("kim"), sso, ...client });
    // The role an admin (or an earlier mapping) gave is kept; the provider no longer owns it.
    expect(again).toMatchObject({ ok: true, created: false, linked: false, user: { role: "reviewer", roleManagedBy: null } });
    const session = await db.prisma.session.findFirst({ where: { id: again.ok ? again.sessionId : "" } });
    expect(session).toMatchObject({ method: "oidc", clientAddress: "203.0.113.9" });
  });

  it("with default role none and no mapping: only people who already have an account get in", async () => {
    const sso = settingsFrom({ OIDC_DEFAULT_ROLE: "none" });
    expect(await signInWithIdentity(db.prisma, { identity: identity("newcomer"), sso, ...client })).toEqual({ ok: false, reason: "no_role" });
    await db.prisma.user.create({ data: { email: "known@bank.example", name: "Known", role: "auditor" } });
    expect(await signInWithIdentity(db.prisma, { identity: identity("known"), sso, ...client })).toMatchObject({ ok: true, linked: true, user: { role: "auditor" } });
    expect(await db.prisma.user.count({ where: { email: "newcomer@bank.example" } })).toBe(0);
  });

  it("follows the linked identity, not the email, once linked", async () => {
    const sso = settingsFrom({});
    const linked = await signInWithIdentity(db.prisma, { identity: identity("lee"), sso, ...client });
    expect(linked.ok).toBe(true);
    // The person changed their email at the provider: same account here; the email is not re-matched.
    const moved = await signInWithIdentity(db.prisma, { identity: identity("lee", { email: "lee.new@bank.example", emailVerified: false }), sso, ...client });
    expect(moved).toMatchObject({ ok: true, linked: false, user: { email: "lee@bank.example" } });
  });

  it("never demotes the last active admin through a mapping, and says so in the audit log", async () => {
    await db.prisma.user.updateMany({ where: { role: "admin" }, data: { role: "viewer" } });
    await db.prisma.user.create({ data: { email: "boss@bank.example", name: "Boss", role: "admin" } });
    const sso = settingsFrom({ OIDC_ROLE_MAPPING: '{"staff":"viewer"}' });
    const result = await signInWithIdentity(db.prisma, { identity: identity("boss", { roleValues: ["staff"] }), sso, ...client });
    expect(result).toMatchObject({ ok: true, user: { role: "admin", roleManagedBy: "oidc" } });
    const event = await db.prisma.auditEvent.findFirst({ where: { action: "user.role_synced" }, orderBy: { seq: "desc" } });
    expect(event?.payload).toMatchObject({ before: "admin", after: "admin", lastAdminKept: true, mapped: "viewer" });
  });

  it("never links a second account of the same provider by email (a recycled mailbox)", async () => {
    const sso = settingsFrom({});
    expect((await signInWithIdentity(db.prisma, { identity: identity("pat-2019", { email: "pat@bank.example" }), sso, ...client })).ok).toBe(true);
    const newcomer = await signInWithIdentity(db.prisma, { identity: identity("pat-2026", { email: "pat@bank.example" }), sso, ...client });
    expect(newcomer).toEqual({ ok: false, reason: "email_linked_to_other_identity" });
    const failed = await db.prisma.auditEvent.findFirst({ where: { action: "auth.sign_in_failed" }, orderBy: { seq: "desc" } });
    expect(failed?.payload).toMatchObject({ reason: "email_linked_to_other_identity", subject: "pat-2026" });
  });

  it("keys identities by issuer: the same subject at another issuer is someone else", async () => {
    const sso = settingsFrom({});
    const first = await signInWithIdentity(db.prisma, { identity: identity("sam"), sso, ...client });
    const elsewhere = await signInWithIdentity(db.prisma, { identity: identity("sam", { issuer: "https://other-idp.example", email: "sam.other@bank.example" }), sso, ...client });
    expect(first.ok && elsewhere.ok && first.user.id !== elsewhere.user.id).toBe(true);
  });

  it("does not let signing in through a second provider change or release a role another provider's mapping owns", async () => {
    const sso = parseSsoSettings(
      parseConfig({ ...baseEnv, OIDC_ROLE_MAPPING: '{"admins":"admin","staff":"viewer"}', GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "s", GITHUB_DEFAULT_ROLE: "reviewer" }).sso,
    );
    await db.prisma.user.create({ data: { email: "spare-admin@bank.example", name: "Spare", role: "admin" } });
    const viaOidc = await signInWithIdentity(db.prisma, { identity: identity("val", { roleValues: ["staff"] }), sso, ...client });
    expect(viaOidc).toMatchObject({ ok: true, user: { role: "viewer", roleManagedBy: "oidc" } });
    const viaGitHub = await signInWithIdentity(db.prisma, { identity: identity("9001", { provider: "github", issuer: "https://github.com", email: "val@bank.example" }), sso, ...client });
    expect(viaGitHub).toMatchObject({ ok: true, linked: true, user: { role: "viewer", roleManagedBy: "oidc" } });
    // Without any mapping at GitHub either: the OIDC mapping still owns it.
    const noGitHubMapping = parseSsoSettings(parseConfig({ ...baseEnv, OIDC_ROLE_MAPPING: '{"staff":"viewer"}', GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "s" }).sso);
    const again = await signInWithIdentity(db.prisma, { identity: identity("9001", { provider: "github", issuer: "https://github.com", email: "val@bank.example" }), sso: noGitHubMapping, ...client });
    expect(again).toMatchObject({ ok: true, user: { role: "viewer", roleManagedBy: "oidc" } });
  });

  it("hands roles back to the registry when their provider's mapping is removed", async () => {
    await db.prisma.user.create({ data: { email: "orphan@bank.example", name: "Orphan", role: "reviewer", roleManagedBy: "github" } });
    const bothMapped = parseSsoSettings(
      parseConfig({ ...baseEnv, OIDC_ROLE_MAPPING: '{"staff":"viewer"}', GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "s", GITHUB_ROLE_MAPPING: '{"acme":"viewer"}' }).sso,
    );
    expect(await releaseUnmappedRoles(db.prisma, bothMapped)).toBe(0);
    expect(await releaseUnmappedRoles(db.prisma, settingsFrom({}))).toBeGreaterThanOrEqual(1);
    expect(await db.prisma.user.findUnique({ where: { email: "orphan@bank.example" } })).toMatchObject({ role: "reviewer", roleManagedBy: null });
    const event = await db.prisma.auditEvent.findFirst({ where: { action: "user.role_management_released" }, orderBy: { seq: "desc" } });
    expect((event?.payload as { providers: string[] }).providers).toContain("github");
  });

  it("lets exactly one of two simultaneous first sign-ins create the user", async () => {
    const sso = settingsFrom({});
    const results = await Promise.all([1, 2].map(() => signInWithIdentity(db.prisma, { identity: identity("twin"), sso, ...client })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
    expect(await db.prisma.userIdentity.count({ where: { subject: "twin" } })).toBe(1);
  });
});
