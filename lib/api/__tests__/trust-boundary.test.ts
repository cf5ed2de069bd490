// The trust boundary over real HTTP, one regression test per finding of the attack on the earlier
// build: credentials that outgrew their source, sessions that outlived sign-out or a disabled user,
// open redirects after sign-in, unlimited password guessing, writes by non-owners. Each refusal is
// a problem+json and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "@/lib/testing/app-server";
import { signIn } from "@/lib/testing/browser-session";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { envelopeForm, sampleEnvelope } from "./envelope-fixture";

let db: TestDatabase;
let app: AppServer;
const ADMIN = { email: "admin@localhost", password: "admin-password-for-tests" };

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  app = await startApp({ ...(db.url ? { DATABASE_URL: db.url } : {}), REGISTRY_ADMIN_PASSWORD: ADMIN.password });
});
afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

type Json = Record<string, any>;
type Res = { status: number; body: Json; headers: Headers };

async function call(method: string, path: string, { token = TEST_BOOTSTRAP_TOKEN, cookie, body }: { token?: string | null; cookie?: string; body?: unknown } = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  if (token && !cookie) headers.authorization = `Bearer ${token}`;
  if (cookie) Object.assign(headers, { cookie, origin: app.url });
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(app.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

function expectProblem(res: Res, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.body.code).toBe(code);
}

async function user(email: string, role: string, password = `${role}-password-123`) {
  const res = await call("POST", "/api/v1/users", { body: { email, name: email, role, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id as string, email, password };
}

/** A token minted by `by` (a token, or a session cookie) for its own user unless userEmail is given. */
async function mint(body: Json, by: { token?: string; cookie?: string } = {}): Promise<Res> {
  return call("POST", "/api/v1/tokens", { ...by, body: { name: "t", ...body } });
}

async function rowCounts() {
  const [tokens, users, audit] = await Promise.all([call("GET", "/api/v1/tokens?limit=200"), call("GET", "/api/v1/users?limit=200"), call("GET", "/api/v1/audit/verify")]);
  return { tokens: tokens.body.items.length, users: users.body.items.map((u: Json) => `${u.email}:${u.role}:${u.disabledAt}`), head: audit.body.head };
}

describe("an admin's read-only token", () => {
  let readOnly: string;
  let victimToken: Json;
  beforeAll(async () => {
    const admin = await signIn(app.url, ADMIN.email, ADMIN.password);
    readOnly = (await mint({ scopes: ["read"] }, admin)).body.token;
    await user("victim@example.com", "contributor");
    victimToken = (await mint({ scopes: ["read"], userEmail: "victim@example.com" })).body;
  });

  it("cannot mint wider tokens, mint for others, create users, or touch other users' tokens; nothing changes", async () => {
    const before = await rowCounts();
    expectProblem(await mint({ scopes: ["read", "write", "review", "admin"] }, { token: readOnly }), 403, "scope_exceeds_token");
    expectProblem(await mint({ scopes: ["read"], userEmail: "victim@example.com" }, { token: readOnly }), 403, "insufficient_scope");
    expectProblem(await call("POST", "/api/v1/users", { token: readOnly, body: { email: "evil@example.com", name: "x", role: "admin" } }), 403, "insufficient_scope");
    expectProblem(await call("DELETE", `/api/v1/tokens/${victimToken.id}`, { token: readOnly }), 404, "token_not_found");
    const listed = await call("GET", "/api/v1/tokens?limit=200", { token: readOnly });
    expect(listed.status).toBe(200);
    expect(listed.body.items.every((t: Json) => t.userId === listed.body.items[0].userId)).toBe(true);
    expect(listed.body.items.some((t: Json) => t.id === victimToken.id)).toBe(false);
    expect(await rowCounts()).toEqual(before);
    // The victim's token still works.
    expect((await call("GET", "/api/v1/models", { token: victimToken.token })).status).toBe(200);
  });

  it("says what it may do: GET /me applies the permission table to the credential", async () => {
    const me = await call("GET", "/api/v1/me", { token: readOnly });
    expect(me.body).toMatchObject({ email: ADMIN.email, role: "admin", scopes: ["read"], credential: expect.stringMatching(/^token:/) });
    expect(me.body.allowed).toContain("audit.read");
    expect(me.body.allowed).not.toContain("users.manage");
    expect(me.body.allowed).not.toContain("version.upload");
  });
});

describe("tokens minted by tokens", () => {
  it("inherit at most the parent's scopes and expiry, and die with the parent", async () => {
    const owner = await user("lineage@example.com", "contributor");
    const expiresAt = new Date(Date.now() + 10 * 60_000).toISOString();
    const parent = await mint({ scopes: ["read", "write"], expiresAt }, await signIn(app.url, owner.email, owner.password));
    expect(parent.status).toBe(201);
    expect(parent.body.parentId).toBeNull(); // minted from a session: a root token

    const child = await mint({ scopes: ["read"] }, { token: parent.body.token });
    expect(child.status).toBe(201);
    expect(child.body).toMatchObject({ parentId: parent.body.id, expiresAt: new Date(expiresAt).toISOString() });
    expectProblem(await mint({ scopes: ["read"], expiresAt: new Date(Date.now() + 3600_000).toISOString() }, { token: parent.body.token }), 422, "expiry_exceeds_token");
    expectProblem(await mint({ scopes: ["write"] }, { token: child.body.token }), 403, "scope_exceeds_token");
    const grandchild = await mint({ scopes: ["read"] }, { token: child.body.token });
    expect(grandchild.body.parentId).toBe(child.body.id);

    expect((await call("DELETE", `/api/v1/tokens/${parent.body.id}`, { token: parent.body.token })).status).toBe(200);
    expectProblem(await call("GET", "/api/v1/models", { token: child.body.token }), 401, "token_revoked");
    expectProblem(await call("GET", "/api/v1/models", { token: grandchild.body.token }), 401, "token_revoked");
    const revoked = await call("GET", "/api/v1/audit?action=token.revoked&order=desc&limit=1");
    expect(revoked.body.items[0].payload.alsoRevoked.sort()).toEqual([child.body.id, grandchild.body.id].sort());
  });

  it("never carry review when minted for someone else: sign-off is only in one's own name", async () => {
    const reviewer = await user("signer@example.com", "reviewer");
    const before = await rowCounts();
    expectProblem(await mint({ scopes: ["read", "review"], userEmail: reviewer.email }), 403, "review_scope_own_user_only");
    expect(await rowCounts()).toEqual(before);
    const own = await mint({ scopes: ["read", "review"] }, await signIn(app.url, reviewer.email, reviewer.password));
    expect(own.status).toBe(201);
  });
});

describe("sessions", () => {
  it("are recorded as the credential, and end at sign-out even for a copied cookie", async () => {
    const person = await user("session@example.com", "viewer");
    const { cookie } = await signIn(app.url, person.email, person.password);
    const me = await call("GET", "/api/v1/me", { cookie });
    expect(me.body.credential).toMatch(/^session:[0-9a-f-]{36}$/);

    const csrf = (await (await fetch(`${app.url}/api/auth/csrf`, { headers: { cookie } })).json()) as { csrfToken: string };
    const out = await fetch(`${app.url}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: app.url, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: csrf.csrfToken }),
    });
    expect(out.status).toBe(302);
    // The old cookie, replayed: the server-side session is gone.
    expectProblem(await call("GET", "/api/v1/me", { cookie }), 401, "authentication_required");
    const events = await call("GET", `/api/v1/audit?subjectType=user&subjectId=${person.id}&limit=50`);
    expect(events.body.items.map((e: Json) => e.action)).toEqual(expect.arrayContaining(["auth.signed_in", "auth.signed_out"]));
    const signedIn = events.body.items.find((e: Json) => e.action === "auth.signed_in");
    expect(signedIn.payload.clientAddress).toBe("127.0.0.1");
    expect(signedIn.credential).toBe(me.body.credential);
  });

  it("end with every token when an admin disables, demotes or resets the user", async () => {
    for (const change of [{ disabled: true }, { role: "viewer" }, { resetPassword: {} }] as const) {
      const person = await user(`changed-${Object.keys(change)[0]}@example.com`, "contributor");
      const { cookie } = await signIn(app.url, person.email, person.password);
      const token = (await mint({ scopes: ["read"] }, { cookie })).body.token as string;
      expect((await call("GET", "/api/v1/me", { cookie })).status).toBe(200);
      const res = await call("PATCH", `/api/v1/users/${person.id}`, { body: change });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.revoked).toEqual({ sessions: 1, tokens: 1 });
      expect((await call("GET", "/api/v1/me", { cookie })).status).toBe(401);
      expect((await call("GET", "/api/v1/models", { token })).status).toBe(401);
      if ("resetPassword" in change) {
        // The generated password signs in, but nothing works until a new one is chosen.
        const temp = res.body.temporaryPassword as string;
        expect(temp.length).toBeGreaterThanOrEqual(12);
        const session = await signIn(app.url, person.email, temp);
        expectProblem(await call("GET", "/api/v1/models", { cookie: session.cookie }), 403, "password_change_required");
        expectProblem(await call("POST", "/api/v1/me/password", { cookie: session.cookie, body: { current: "wrong-password", next: "a-brand-new-password" } }), 403, "wrong_password");
        expect((await call("POST", "/api/v1/me/password", { cookie: session.cookie, body: { current: temp, next: "a-brand-new-password" } })).status).toBe(204);
        expect((await call("GET", "/api/v1/models", { cookie: session.cookie })).status).toBe(200);
        expectProblem(await call("POST", "/api/v1/me/password", { body: { current: temp, next: "another-new-password" } }), 403, "session_required");
      }
    }
  });

  it("never leave the registry without an active admin", async () => {
    const admins = (await call("GET", "/api/v1/users?limit=200")).body.items.filter((u: Json) => u.role === "admin" && !u.disabledAt);
    expect(admins).toHaveLength(1);
    const before = await rowCounts();
    expectProblem(await call("PATCH", `/api/v1/users/${admins[0].id}`, { body: { role: "reviewer" } }), 409, "last_admin");
    expectProblem(await call("PATCH", `/api/v1/users/${admins[0].id}`, { body: { disabled: true } }), 409, "last_admin");
    expect(await rowCounts()).toEqual(before);
  });
});

describe("sign-in", () => {
  it("sends people back only to a path on this registry", async () => {
    const { cookie } = await signIn(app.url, ADMIN.email, ADMIN.password);
    const cases: [string, string][] = [
      ["/\t/evil.example", "/"],
      ["/\n/evil.example", "/"],
      ["/\r/evil.example", "/"],
      ["//evil.example", "/"],
      ["/\\evil.example", "/"],
      ["https://evil.example/", "/"],
      ["/models/x?q=1", "/models/x?q=1"],
    ];
    for (const [callbackUrl, expected] of cases) {
      const res = await fetch(`${app.url}/login?callbackUrl=${encodeURIComponent(callbackUrl)}`, { headers: { cookie }, redirect: "manual" });
      expect(res.status, callbackUrl).toBe(307);
      expect(res.headers.get("location"), callbackUrl).toBe(expected);
    }
  });

  it("limits failed sign-ins per account (429 with Retry-After, even for the right password) and audits them", async () => {
    const target = await user("guessed@example.com", "viewer");
    const csrf = async () => {
      const res = await fetch(`${app.url}/api/auth/csrf`);
      return { token: ((await res.json()) as { csrfToken: string }).csrfToken, cookie: res.headers.getSetCookie().map((c) => c.split(";")[0]!).join("; ") };
    };
    const attempt = async (password: string) => {
      const c = await csrf();
      return fetch(`${app.url}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: c.cookie, origin: app.url, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfToken: c.token, email: target.email, password, json: "true" }),
      });
    };
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong-${i}`)).status).not.toBe(429);
    const limited = await attempt(target.password);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("set-cookie") ?? "").not.toMatch(/session-token/);
    const failures = await call("GET", `/api/v1/audit?action=auth.sign_in_failed&subjectId=${target.email}&limit=50`);
    expect(failures.body.items).toHaveLength(10);
    expect(failures.body.items[0]).toMatchObject({ actor: { type: "anonymous", id: "127.0.0.1" }, payload: { reason: "invalid_credentials", clientAddress: "127.0.0.1" } });
    // Another account from the same address is not locked by this one's failures.
    expect((await signIn(app.url, ADMIN.email, ADMIN.password)).cookie).toMatch(/session-token/);
  });
});

describe("model ownership", () => {
  it("lets contributors write only to models they own; admins assign owners (audited)", async () => {
    const alice = await user("alice@example.com", "contributor");
    const bob = await user("bob@example.com", "contributor");
    const aliceToken = (await mint({ scopes: ["read", "write"] }, await signIn(app.url, alice.email, alice.password))).body.token as string;
    const bobToken = (await mint({ scopes: ["read", "write"] }, await signIn(app.url, bob.email, bob.password))).body.token as string;

    const created = await call("POST", "/api/v1/models", { token: aliceToken, body: { name: "alices-model" } });
    expect(created.body).toMatchObject({ owner: alice.email, owners: [alice.email] });
    const upload = (token: string, model: string, version: string) => {
      const env = sampleEnvelope(model, version);
      return fetch(`${app.url}/api/v1/models/${model}/versions`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: envelopeForm(env.manifest, env.files) });
    };
    expect((await upload(aliceToken, "alices-model", "1.0.0")).status).toBe(201);
    const refused = await upload(bobToken, "alices-model", "1.0.1");
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as Json).code).toBe("not_model_owner");
    expectProblem(await call("PATCH", "/api/v1/models/alices-model", { token: bobToken, body: { description: "mine now" } }), 403, "not_model_owner");
    expectProblem(await call("POST", "/api/v1/models/alices-model/versions/1.0.0/checks", { token: bobToken, body: {} }), 403, "not_model_owner");
    expect((await call("GET", "/api/v1/models/alices-model/versions")).body.items.map((v: Json) => v.version)).toEqual(["1.0.0"]);

    // A model made with the bootstrap token has no owner: admin-only until owners are assigned.
    expect((await call("POST", "/api/v1/models", { body: { name: "shared-model" } })).body.owners).toEqual([]);
    expectProblem(await call("PATCH", "/api/v1/models/shared-model", { token: aliceToken, body: { description: "x" } }), 403, "not_model_owner");
    expectProblem(await call("PUT", "/api/v1/models/shared-model/owners", { token: aliceToken, body: { emails: [alice.email] } }), 403, "insufficient_scope");
    expectProblem(await call("PUT", "/api/v1/models/shared-model/owners", { body: { emails: ["nobody@example.com"] } }), 422, "unknown_owner");
    const assigned = await call("PUT", "/api/v1/models/shared-model/owners", { body: { emails: [alice.email, bob.email] } });
    expect(assigned.body.owners).toEqual([alice.email, bob.email]);
    expect((await call("PATCH", "/api/v1/models/shared-model", { token: bobToken, body: { description: "ours" } })).status).toBe(200);
    const audit = await call("GET", "/api/v1/audit?action=model.owners_changed&subjectId=shared-model");
    expect(audit.body.items[0].payload).toEqual({ before: [], after: [alice.email, bob.email] });
  });
});
