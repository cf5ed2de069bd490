// The route × credential matrix: every endpoint of the endpoint table, called by every kind of
// credential, against one started registry. The expected outcome of each cell is computed from the
// permission table (lib/auth/permissions.ts), not written by hand; a refused call must answer the
// expected 401/403 problem and change nothing (audit head and row counts). An endpoint without a
// row here fails the test: nothing can be added to the API without being put through the matrix.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeReply } from "next/dist/compiled/react-server-dom-turbopack/client.edge.js";
import { endpoints, type EndpointId } from "@/lib/api/endpoints";
import { authorize, type Resource } from "@/lib/auth/permissions";
import { roleScopes, type Actor, type Role, type Scope } from "@/lib/auth/roles";
import { repoRoot, startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "@/lib/testing/app-server";
import { signIn } from "@/lib/testing/browser-session";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { sampleEnvelope as sampleRunnableEnvelope } from "@/lib/checks/testing/sample-envelope";
import { envelopeForm, sampleEnvelope } from "./envelope-fixture";

let db: TestDatabase;
let app: AppServer;
type Json = Record<string, any>;

const MODEL = "matrix-model";
/** One person per role (two contributors: the fixture model's owner and someone else). */
const PEOPLE = [
  ["viewer", "viewer"],
  ["owner", "contributor"],
  ["other", "contributor"],
  ["reviewer", "reviewer"],
  ["auditor", "auditor"],
  ["admin", "admin"],
] as const satisfies readonly (readonly [string, Role])[];
const PASSWORD = "matrix-password-123";

/** A credential and what the registry knows about it (to compute the expected outcome). */
type Credential = {
  name: string;
  header?: string;
  /** The actor the registry should resolve it to; undefined = no valid credential. */
  actor?: Pick<Actor, "id" | "role" | "scopes" | "type">;
  /** Invalid credentials (garbage, expired, revoked, disabled user) are refused with 401 everywhere. */
  invalid?: boolean;
};

const creds: Credential[] = [];
/** Browser sessions for the server-action matrix: a cookie per role, none, and a bearer header alone. */
type SessionCred = { name: string; cookie?: string; header?: string; actor?: Actor };
const sessions: SessionCred[] = [];
const users: Record<string, { id: string; email: string }> = {};

type RawBody = { contentType: string; text: string };

async function call(method: string, path: string, { header, body, form, raw }: { header?: string; body?: unknown; form?: FormData; raw?: RawBody } = {}) {
  const headers: Record<string, string> = {};
  if (header) headers.authorization = header;
  if (body !== undefined) headers["content-type"] = "application/json";
  if (raw) headers["content-type"] = raw.contentType;
  const res = await fetch(app.url + path, { method, headers, body: form ?? raw?.text ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  let parsed: Json;
  try {
    parsed = text ? (JSON.parse(text) as Json) : {};
  } catch {
    parsed = { raw: text.slice(0, 200) };
  }
  return { status: res.status, body: parsed, contentType: res.headers.get("content-type") };
}

const boot = `Bearer ${TEST_BOOTSTRAP_TOKEN}`;

async function mintOwn(email: string, scopes: Scope[], extra: Json = {}): Promise<{ id: string; token: string }> {
  const { cookie } = await signIn(app.url, email, PASSWORD);
  const res = await fetch(`${app.url}/api/v1/tokens`, {
    method: "POST",
    headers: { cookie, origin: app.url, "content-type": "application/json" },
    body: JSON.stringify({ name: `${email}-${scopes.join("-")}`, scopes, ...extra }),
  });
  const body = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`minting for ${email}: ${res.status} ${JSON.stringify(body)}`);
  return { id: body.id, token: body.token };
}

async function addUser(key: string, role: Role) {
  const email = `${key}@matrix.example`;
  const res = await call("POST", "/api/v1/users", { header: boot, body: { email, name: key, role, password: PASSWORD } });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  users[key] = { id: res.body.id, email };
  return users[key]!;
}

let uniq = 0;
const next = () => `${Date.now().toString(36)}-${uniq++}`;

/** Cancels (with the bootstrap token) every open request of the fixture version. */
async function closeOpenRequests() {
  const open = await call("GET", `/api/v1/promotions?model=${MODEL}&status=open`, { header: boot });
  for (const r of open.body.items as Json[]) expect((await call("POST", `/api/v1/promotions/${r.id}/cancel`, { header: boot, body: {} })).status).toBe(200);
}

/** The open staging request of the fixture version, made with the bootstrap token when there is none. */
async function openRequest(): Promise<string> {
  const open = await call("GET", `/api/v1/promotions?model=${MODEL}&status=open`, { header: boot });
  if (open.body.items.length) return open.body.items[0].id as string;
  const made = await call("POST", `${v}/promotions`, { header: boot, body: { to: "staging", reason: "matrix" } });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body.id as string;
}

/** A new open staging request of the fixture version, made with the bootstrap token (so only an admin credential may cancel it). */
async function freshRequest(): Promise<string> {
  await closeOpenRequests();
  return openRequest();
}

/** How to call each endpoint so that an allowed caller succeeds, and the status that success is. */
type Row = { ok: number; resource?: () => Resource; request: (cred: Credential) => Promise<{ method: string; path: string; body?: unknown; form?: FormData; raw?: RawBody }> };

const ownerResource = () => ({ owners: [users.owner!.id] });
const v = `/api/v1/models/${MODEL}/versions/1.0.0`;

const rows: Record<EndpointId, Row> = {
  health: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/health" }) },
  openapi: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/openapi.json" }) },
  signingKey: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/signing-key" }) },
  createModel: { ok: 201, request: async () => ({ method: "POST", path: "/api/v1/models", body: { name: `m-${next()}` } }) },
  listModels: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/models" }) },
  getModel: { ok: 200, request: async () => ({ method: "GET", path: `/api/v1/models/${MODEL}` }) },
  updateModel: { ok: 200, resource: ownerResource, request: async () => ({ method: "PATCH", path: `/api/v1/models/${MODEL}`, body: { description: `d ${next()}` } }) },
  uploadVersion: {
    ok: 201,
    resource: ownerResource,
    request: async () => {
      const env = sampleEnvelope(MODEL, `2.0.${uniq++}`, { artifactSize: 1024 });
      return { method: "POST", path: `/api/v1/models/${MODEL}/versions`, form: envelopeForm(env.manifest, env.files) };
    },
  },
  listVersions: { ok: 200, request: async () => ({ method: "GET", path: `/api/v1/models/${MODEL}/versions` }) },
  getVersion: { ok: 200, request: async () => ({ method: "GET", path: v }) },
  runChecks: { ok: 202, resource: ownerResource, request: async () => ({ method: "POST", path: `${v}/checks`, body: { kinds: ["security"] } }) },
  listChecks: { ok: 200, request: async () => ({ method: "GET", path: `${v}/checks` }) },
  getPolicy: { ok: 200, request: async () => ({ method: "GET", path: `/api/v1/models/${MODEL}/policy` }) },
  updatePolicy: { ok: 200, request: async () => ({ method: "PUT", path: `/api/v1/models/${MODEL}/policy`, body: {} }) },
  downloadFile: { ok: 200, request: async () => ({ method: "GET", path: `${v}/files/model.onnx` }) },
  // No promotion has moved an alias yet: an allowed caller learns that (404), a refused one does not.
  resolveAlias: { ok: 404, request: async () => ({ method: "GET", path: `/api/v1/models/${MODEL}/aliases/prod` }) },
  setAlias: { ok: 200, resource: ownerResource, request: async () => ({ method: "PUT", path: `/api/v1/models/${MODEL}/aliases/champion`, body: { version: "1.0.0" } }) },
  deleteAlias: {
    ok: 204,
    resource: ownerResource,
    request: async () => {
      const alias = `c-${next()}`;
      expect((await call("PUT", `/api/v1/models/${MODEL}/aliases/${alias}`, { header: boot, body: { version: "1.0.0" } })).status).toBe(200);
      return { method: "DELETE", path: `/api/v1/models/${MODEL}/aliases/${alias}` };
    },
  },
  // No checks worker runs here, so requests stay in pending_checks (a rejection or a cancel still closes them).
  requestPromotion: {
    ok: 201,
    resource: ownerResource,
    request: async () => {
      await closeOpenRequests();
      return { method: "POST", path: `${v}/promotions`, body: { to: "staging", reason: "matrix" } };
    },
  },
  listPromotions: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/promotions?status=open" }) },
  getPromotion: { ok: 200, request: async () => ({ method: "GET", path: `/api/v1/promotions/${await openRequest()}` }) },
  // Requests here are made with the bootstrap token, so only a credential with the admin scope may cancel them.
  cancelPromotion: { ok: 200, resource: () => ({ requesterId: null }), request: async () => ({ method: "POST", path: `/api/v1/promotions/${await openRequest()}/cancel`, body: {} }) },
  decidePromotion: {
    ok: 200,
    request: async () => {
      const id = await openRequest();
      const digest = (await call("GET", v, { header: boot })).body.manifestDigest as string;
      return { method: "POST", path: `/api/v1/promotions/${id}/approvals`, body: { decision: "reject", comment: "matrix", manifestDigest: digest } };
    },
  },
  // Nothing has reached prod: an allowed caller learns that (409 no_prod), a refused one does not.
  rollback: { ok: 409, resource: ownerResource, request: async () => ({ method: "POST", path: `/api/v1/models/${MODEL}/rollback`, body: { reason: "matrix" } }) },
  stageHistory: { ok: 200, request: async () => ({ method: "GET", path: `/api/v1/models/${MODEL}/stages` }) },
  listAudit: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/audit?limit=1" }) },
  verifyAudit: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/audit/verify" }) },
  createUser: { ok: 201, request: async () => ({ method: "POST", path: "/api/v1/users", body: { email: `u-${next()}@matrix.example`, name: "u", role: "viewer" } }) },
  listUsers: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/users" }) },
  getUser: { ok: 200, request: async () => ({ method: "GET", path: `/api/v1/users/${users.viewer!.id}` }) },
  updateUser: { ok: 200, request: async () => ({ method: "PATCH", path: `/api/v1/users/${users.viewer!.id}`, body: { name: `viewer ${next()}` } }) },
  getMe: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/me" }) },
  // Session-only: no token may change a password, so every cell below is refused.
  changePassword: { ok: 204, request: async () => ({ method: "POST", path: "/api/v1/me/password", body: { current: PASSWORD, next: "another-password-456" } }) },
  setModelOwners: { ok: 200, request: async () => ({ method: "PUT", path: `/api/v1/models/${MODEL}/owners`, body: { emails: [users.owner!.email] } }) },
  createToken: { ok: 201, request: async () => ({ method: "POST", path: "/api/v1/tokens", body: { name: `t-${next()}`, scopes: ["read"] } }) },
  listTokens: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/tokens" }) },
  revokeToken: {
    ok: 200,
    request: async (cred) => {
      // A fresh token of the caller's own user (any valid id for the others).
      const owner = cred.actor?.type === "user" ? Object.values(users).find((u) => u.id === cred.actor!.id) : undefined;
      const target = owner ? await mintOwn(owner.email, ["read"]) : await mintOwn(users.viewer!.email, ["read"]);
      return { method: "DELETE", path: `/api/v1/tokens/${target.id}` };
    },
  },
  // Webhooks: the app allows loopback targets (WEBHOOK_ALLOW_PRIVATE) and runs no dispatcher, so nothing is sent.
  createWebhook: { ok: 201, request: async () => ({ method: "POST", path: "/api/v1/webhooks", body: { url: "http://127.0.0.1:9/matrix", events: ["rollback"] } }) },
  listWebhooks: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/webhooks" }) },
  deleteWebhook: { ok: 200, request: async () => ({ method: "DELETE", path: `/api/v1/webhooks/${await newWebhook()}` }) },
  rotateWebhookSecret: { ok: 200, request: async () => ({ method: "POST", path: `/api/v1/webhooks/${fixtureHook.id}/rotate-secret`, body: {} }) },
  listWebhookDeliveries: { ok: 200, request: async () => ({ method: "GET", path: `/api/v1/webhooks/${fixtureHook.id}/deliveries` }) },
  redeliverWebhookDelivery: { ok: 202, request: async () => ({ method: "POST", path: `/api/v1/webhooks/${fixtureHook.id}/deliveries/${fixtureHook.deliveryId}/redeliver` }) },
  // Nothing is in prod: a caller allowed to run the serving alias learns that (404), a refused one does not.
  // (Running a version that is not prod or staging also needs predict.any: lib/decisions tests it.)
  predict: { ok: 404, request: async () => ({ method: "POST", path: `/api/v1/models/${MODEL}/predict?alias=prod`, body: { rows: [{ score_a: 0.5, score_b: 0.5 }] } }) },
  reportDecisions: {
    ok: 201,
    resource: ownerResource,
    request: async () => ({ method: "POST", path: "/api/v1/decisions", raw: { contentType: "application/x-ndjson", text: reportedLine(`matrix-${next()}`) + "\n" } }),
  },
  listDecisions: { ok: 200, request: async () => ({ method: "GET", path: `/api/v1/decisions?model=${MODEL}` }) },
  getDecision: { ok: 200, request: async () => ({ method: "GET", path: `/api/v1/decisions/${fixtureDecision.id}` }) },
  // The runnable version (1.1.0) is a real ONNX model, so an allowed caller's replay runs (and is audited).
  replayDecision: { ok: 200, request: async () => ({ method: "POST", path: `/api/v1/decisions/${fixtureDecision.id}/replay` }) },
  // No worker runs here: jobs stay queued.
  createReplayJob: { ok: 202, request: async () => ({ method: "POST", path: "/api/v1/replay-jobs", body: { model: MODEL } }) },
  listReplayJobs: { ok: 200, request: async () => ({ method: "GET", path: "/api/v1/replay-jobs" }) },
  getReplayJob: { ok: 200, request: async () => ({ method: "GET", path: `/api/v1/replay-jobs/${fixtureDecision.jobId}` }) },
};

/** A decision reported for the runnable fixture version (1.1.0); the fixture decision is the first. */
const fixtureDecision = { id: "", digest: "", jobId: "" };
const reportedLine = (id: string) =>
  JSON.stringify({ id, manifestDigest: fixtureDecision.digest, at: new Date().toISOString(), input: { score_a: 0.5, score_b: 0.5 }, output: { label: 1 }, score: 0.9 });

/** A webhook subscribed to version.created, created before the fixture upload so that it has a delivery. */
const fixtureHook = { id: "", deliveryId: "" };
async function newWebhook(events = ["rollback"]): Promise<string> {
  const res = await call("POST", "/api/v1/webhooks", { header: boot, body: { url: "http://127.0.0.1:9/matrix", events } });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.id;
}

function expected(cred: Credential, id: EndpointId): number {
  const def = endpoints[id];
  if (cred.invalid) return 401;
  if (def.action === "public") return rows[id].ok;
  const decision = authorize(cred.actor as Actor | undefined, def.action, rows[id].resource?.());
  return decision.allowed ? rows[id].ok : decision.status;
}

/** What a refused call must not change. */
async function state() {
  const [audit, models, usersList, tokens, versions, decisions] = await Promise.all([
    call("GET", "/api/v1/audit?order=desc&limit=1", { header: boot }),
    call("GET", "/api/v1/models?limit=200", { header: boot }),
    call("GET", "/api/v1/users?limit=200", { header: boot }),
    call("GET", "/api/v1/tokens?limit=200", { header: boot }),
    call("GET", `/api/v1/models/${MODEL}/versions?limit=200`, { header: boot }),
    call("GET", `/api/v1/decisions?limit=200`, { header: boot }),
  ]);
  return {
    auditHead: audit.body.items[0]?.hash,
    models: models.body.items.map((m: Json) => `${m.name}:${m.description}:${m.owners}`),
    users: usersList.body.items.map((u: Json) => `${u.email}:${u.role}:${u.name}:${u.disabledAt}`),
    tokens: tokens.body.items.map((t: Json) => `${t.id}:${t.revokedAt}`),
    versions: versions.body.items.length,
    decisions: decisions.body.items.length,
  };
}

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  // No checks worker: its results would move the audit head while the matrix watches it.
  app = await startApp({ ...(db.url ? { DATABASE_URL: db.url } : {}), CHECK_WORKER_IN_PROCESS: "false", WEBHOOK_ALLOW_PRIVATE: "true" });
  for (const [key, role] of [...PEOPLE, ["disabled", "contributor"] as const]) await addUser(key, role);
  const tok = async (key: string, scopes: Scope[]) => (await mintOwn(users[key]!.email, scopes)).token;
  const user = (key: string, role: Role, scopes: Scope[]) => ({ type: "user" as const, id: users[key]!.id, role, scopes: scopes.filter((s) => roleScopes[role].includes(s)) });

  // The fixture: a model the owner owns, with one version.
  const ownerToken = await tok("owner", ["read", "write"]);
  expect((await call("POST", "/api/v1/models", { header: `Bearer ${ownerToken}`, body: { name: MODEL } })).status).toBe(201);
  fixtureHook.id = await newWebhook(["version.created"]);
  const env = sampleEnvelope(MODEL, "1.0.0", { artifactSize: 1024 });
  expect((await call("POST", `/api/v1/models/${MODEL}/versions`, { header: `Bearer ${ownerToken}`, form: envelopeForm(env.manifest, env.files) })).status).toBe(201);
  fixtureHook.deliveryId = (await call("GET", `/api/v1/webhooks/${fixtureHook.id}/deliveries`, { header: boot })).body.items[0].id;
  // A runnable version (the sample logistic model) and one decision reported for it.
  const runnable = sampleRunnableEnvelope(MODEL, "1.1.0");
  const uploaded = await call("POST", `/api/v1/models/${MODEL}/versions`, { header: `Bearer ${ownerToken}`, form: envelopeForm(runnable.manifest, runnable.files) });
  expect(uploaded.status).toBe(201);
  fixtureDecision.digest = uploaded.body.manifestDigest;
  const reported = await call("POST", "/api/v1/decisions", { header: boot, raw: { contentType: "application/x-ndjson", text: reportedLine("matrix-fixture") } });
  expect(reported.status, JSON.stringify(reported.body)).toBe(201);
  fixtureDecision.id = (await call("GET", `/api/v1/decisions?model=${MODEL}`, { header: boot })).body.items[0].id;
  fixtureDecision.jobId = (await call("POST", "/api/v1/replay-jobs", { header: boot, body: { model: MODEL } })).body.id;

  const expiring = await mintOwn(users.other!.email, ["read", "write"], { expiresAt: new Date(Date.now() + 1500).toISOString() });
  const revoked = await mintOwn(users.other!.email, ["read", "write"]);
  expect((await call("DELETE", `/api/v1/tokens/${revoked.id}`, { header: boot })).status).toBe(200);
  const disabledToken = await tok("disabled", ["read", "write"]);
  expect((await call("PATCH", `/api/v1/users/${users.disabled!.id}`, { header: boot, body: { disabled: true } })).status).toBe(200);

  creds.push(
    { name: "anonymous" },
    { name: "garbage token", header: "Bearer mr_this-is-not-a-token", invalid: true },
    { name: "expired token", header: `Bearer ${expiring.token}`, invalid: true },
    { name: "revoked token", header: `Bearer ${revoked.token}`, invalid: true },
    { name: "disabled user's token", header: `Bearer ${disabledToken}`, invalid: true },
    { name: "viewer", header: `Bearer ${await tok("viewer", ["read"])}`, actor: user("viewer", "viewer", ["read"]) },
    { name: "contributor (owner)", header: `Bearer ${ownerToken}`, actor: user("owner", "contributor", ["read", "write"]) },
    { name: "contributor (not owner)", header: `Bearer ${await tok("other", ["read", "write"])}`, actor: user("other", "contributor", ["read", "write"]) },
    { name: "reviewer", header: `Bearer ${await tok("reviewer", ["read", "write", "review"])}`, actor: user("reviewer", "reviewer", ["read", "write", "review"]) },
    { name: "auditor", header: `Bearer ${await tok("auditor", ["read"])}`, actor: user("auditor", "auditor", ["read"]) },
    { name: "admin", header: `Bearer ${await tok("admin", ["read", "write", "review", "admin"])}`, actor: user("admin", "admin", ["read", "write", "review", "admin"]) },
    { name: "admin's read-only token", header: `Bearer ${await tok("admin", ["read"])}`, actor: user("admin", "admin", ["read"]) },
  );
  for (const [key, role] of PEOPLE) {
    const { cookie } = await signIn(app.url, users[key]!.email, PASSWORD);
    const me = await fetch(`${app.url}/api/v1/me`, { headers: { cookie } }).then((r) => r.json() as Promise<Json>);
    const sessionId = String(me.credential).replace("session:", "");
    sessions.push({ name: `${key} session`, cookie, actor: { ...user(key, role, [...roleScopes[role]]), email: users[key]!.email, sessionId } });
  }
  sessions.push({ name: "no session" }, { name: "admin bearer token, no session (must be ignored)", header: creds.find((c) => c.name === "admin")!.header });
  // Let the short-lived token expire before the matrix runs.
  await new Promise((r) => setTimeout(r, 1600));
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

describe("route × credential matrix", () => {
  it("has a row for every endpoint of the endpoint table", () => {
    expect(Object.keys(rows).sort()).toEqual(Object.keys(endpoints).sort());
  });

  for (const id of Object.keys(endpoints) as EndpointId[]) {
    it(`${endpoints[id].method} ${endpoints[id].path}`, async () => {
      const outcomes: string[] = [];
      const wanted: string[] = [];
      for (const cred of creds) {
        const want = expected(cred, id);
        const request = await rows[id].request(cred);
        const before = want >= 400 && want !== rows[id].ok ? await state() : undefined;
        const res = await call(request.method, request.path, { header: cred.header, body: request.body, form: request.form, raw: request.raw });
        outcomes.push(`${cred.name}: ${res.status}`);
        wanted.push(`${cred.name}: ${want}`);
        if (before) {
          expect(res.contentType, `${cred.name}: ${JSON.stringify(res.body)}`).toBe("application/problem+json");
          expect(await state(), `${cred.name} changed something while refused`).toEqual(before);
        }
      }
      expect(outcomes).toEqual(wanted);
    }, 120_000);
  }
});

// ---- Server actions ----------------------------------------------------------------------------
// Called as the browser calls them (Next-Action header, React's reply encoding), on the page that
// hosts each one. They authenticate with the session cookie only: a bearer header is ignored.

type ActionRow = {
  page: () => string;
  action: Parameters<typeof authorize>[1];
  resource?: () => Resource;
  args: (cred: SessionCred) => Promise<unknown[]>;
  /** Whether the action's result says it succeeded. */
  succeeded: (result: Json) => boolean;
};

/** The request the current promotion-action call is about (its page is the request's page). */
let actionRequest = "";

const actionRows: Record<string, ActionRow> = {
  rerunChecksAction: {
    page: () => `/models/${MODEL}/versions/1.0.0/checks`,
    action: "checks.run",
    resource: ownerResource,
    args: async () => [{ model: MODEL, version: "1.0.0", kind: "security" }],
    succeeded: (r) => r.ok === true,
  },
  createTokenAction: {
    page: () => "/settings/tokens",
    action: "tokens.own",
    args: async () => {
      const form = new FormData();
      form.append("name", `action-${next()}`);
      form.append("scopes", "read");
      form.append("expiry", "7");
      return [{ status: "idle" }, form];
    },
    succeeded: (r) => r.status === "created",
  },
  revokeTokenAction: {
    page: () => "/settings/tokens",
    action: "tokens.own",
    args: async (cred) => {
      const owner = cred.actor ? Object.values(users).find((u) => u.id === cred.actor!.id)! : users.viewer!;
      return [(await mintOwn(owner.email, ["read"])).id];
    },
    succeeded: (r) => r.ok === true,
  },
  updateUserAction: {
    page: () => "/settings/users",
    action: "users.manage",
    args: async () => [{ id: users.viewer!.id, role: "viewer" }],
    succeeded: (r) => r.ok === true,
  },
  createUserAction: {
    page: () => "/settings/users",
    action: "users.manage",
    args: async () => {
      const form = new FormData();
      for (const [k, val] of Object.entries({ email: `a-${next()}@matrix.example`, name: "a", role: "viewer", password: "" })) form.append(k, val);
      return [{ status: "idle" }, form];
    },
    succeeded: (r) => r.status === "created",
  },
  setOwnersAction: {
    page: () => `/models/${MODEL}`,
    action: "model.manage_owners",
    args: async () => [{ model: MODEL, emails: [users.owner!.email] }],
    succeeded: (r) => r.ok === true,
  },
  createWebhookAction: {
    page: () => "/settings/webhooks",
    action: "webhooks.manage",
    args: async () => {
      const form = new FormData();
      for (const [k, val] of Object.entries({ url: "http://127.0.0.1:9/matrix-action", events: "rollback", description: "" })) form.append(k, val);
      return [{ status: "idle" }, form];
    },
    succeeded: (r) => r.status === "created",
  },
  deleteWebhookAction: { page: () => "/settings/webhooks", action: "webhooks.manage", args: async () => [await newWebhook()], succeeded: (r) => r.ok === true },
  rotateWebhookSecretAction: {
    page: () => "/settings/webhooks",
    action: "webhooks.manage",
    args: async () => [{ id: fixtureHook.id, overlapSeconds: 0 }],
    succeeded: (r) => r.ok === true,
  },
  redeliverWebhookAction: {
    page: () => "/settings/webhooks",
    action: "webhooks.manage",
    args: async () => [{ webhookId: fixtureHook.id, deliveryId: fixtureHook.deliveryId }],
    succeeded: (r) => r.ok === true,
  },
  requestPromotionAction: {
    page: () => `/models/${MODEL}`,
    action: "promotion.request",
    resource: ownerResource,
    args: async () => {
      await closeOpenRequests();
      return [{ model: MODEL, version: "1.0.0", to: "staging", reason: "matrix" }];
    },
    succeeded: (r) => r.ok === true,
  },
  // Each caller decides on a request of its own: a rejection (no checks worker runs here, so a
  // request never gets past pending_checks, where only rejecting is open) closes it.
  decidePromotionAction: {
    page: () => `/reviews/${actionRequest}`,
    action: "promotion.approve",
    args: async () => {
      actionRequest = await freshRequest();
      const digest = (await call("GET", v, { header: boot })).body.manifestDigest as string;
      return [{ id: actionRequest, decision: "reject", comment: "matrix", manifestDigest: digest }];
    },
    succeeded: (r) => r.ok === true,
  },
  // Requests here are made with the bootstrap token, so only an admin may cancel them.
  cancelPromotionAction: {
    page: () => `/reviews/${actionRequest}`,
    action: "promotion.cancel",
    resource: () => ({ requesterId: null }),
    args: async () => {
      actionRequest = await freshRequest();
      return [{ id: actionRequest }];
    },
    succeeded: (r) => r.ok === true,
  },
  // Nothing reaches prod without a checks worker: an allowed caller gets as far as the service's
  // no_prod answer (as the REST row's 409), a refused one is stopped before it.
  rollbackAction: {
    page: () => `/models/${MODEL}`,
    action: "promotion.rollback",
    resource: ownerResource,
    args: async () => [{ model: MODEL, reason: "matrix" }],
    succeeded: (r) => r.ok === true || r.code === "no_prod",
  },
  // The fixture decision was reported for the runnable version with its input kept in full: an
  // allowed session's replay runs on the real ONNX model (and is audited); a refused one changes nothing.
  replayDecisionAction: {
    page: () => `/decisions/${fixtureDecision.id}`,
    action: "decisions.replay",
    args: async () => [{ id: fixtureDecision.id }],
    succeeded: (r) => r.ok === true,
  },
  // A bulk replay of the matrix model: an allowed session queues a job (audited; no worker runs here),
  // a refused one queues nothing.
  startReplayJobAction: {
    page: () => "/decisions/replays",
    action: "decisions.replay",
    args: async () => [{ model: MODEL }],
    succeeded: (r) => r.ok === true,
  },
  // Last: it changes the caller's password (and ends the caller's other sessions).
  changePasswordAction: {
    page: () => "/account/password",
    action: "account.password",
    args: async () => {
      const form = new FormData();
      for (const [k, val] of Object.entries({ current: PASSWORD, password: "changed-password-789", confirm: "changed-password-789", next: "/" })) form.append(k, val);
      return [{ status: "idle" }, form];
    },
    succeeded: (r) => r.status === "changed",
  },
};

function serverActions(): { id: string; name: string }[] {
  const dist = process.env.NEXT_DIST_DIR || ".next";
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, dist, "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName: string }>;
  };
  return Object.entries(manifest.node).map(([id, v]) => ({ id, name: v.exportedName }));
}

async function callAction(id: string, page: string, args: unknown[], cred: SessionCred): Promise<Json> {
  const body = await encodeReply(args);
  const headers: Record<string, string> = { "next-action": id, accept: "text/x-component", origin: app.url };
  if (typeof body === "string") headers["content-type"] = "text/plain;charset=UTF-8";
  if (cred.cookie) headers.cookie = cred.cookie;
  if (cred.header) headers.authorization = cred.header;
  const res = await fetch(app.url + page, { method: "POST", headers, body: body as BodyInit });
  const text = await res.text();
  // The RSC payload: row 1 holds the action's return value.
  const row = text.split("\n").find((l) => l.startsWith("1:"));
  if (!row) throw new Error(`no result from ${page} (${res.status}): ${text.slice(0, 300)}`);
  return JSON.parse(row.slice(2)) as Json;
}

describe("server action × session matrix", () => {
  it("has a row for every server action of the build", () => {
    expect(serverActions().map((a) => a.name).sort()).toEqual(Object.keys(actionRows).sort());
  });

  for (const name of Object.keys(actionRows)) {
    it(name, async () => {
      const row = actionRows[name]!;
      const { id } = serverActions().find((a) => a.name === name)!;
      const outcomes: string[] = [];
      const wanted: string[] = [];
      for (const cred of sessions) {
        const allowed = authorize(cred.actor, row.action, row.resource?.()).allowed;
        const args = await row.args(cred);
        const before = allowed ? undefined : await state();
        const result = await callAction(id, row.page(), args, cred);
        outcomes.push(`${cred.name}: ${row.succeeded(result) ? "done" : "refused"}`);
        wanted.push(`${cred.name}: ${allowed ? "done" : "refused"}`);
        if (before) expect(await state(), `${cred.name} changed something while refused`).toEqual(before);
      }
      expect(outcomes).toEqual(wanted);
    }, 120_000);
  }
});
