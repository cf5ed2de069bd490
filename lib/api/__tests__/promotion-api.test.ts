// The promotion endpoints' refusals over HTTP: problem+json with the codes and field errors a client
// branches on (403 role / reserved alias, 409 stale or duplicate, 422 skipped stage or missing reason).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "@/lib/testing/app-server";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { envelopeForm, sampleEnvelope } from "./envelope-fixture";

let db: TestDatabase;
let app: AppServer;
type Json = Record<string, any>;

async function call(method: string, path: string, body?: unknown, form?: FormData) {
  const res = await fetch(app.url + path, {
    method,
    headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), body: (text ? JSON.parse(text) : {}) as Json };
}

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  app = await startApp({ ...(db.url ? { DATABASE_URL: db.url } : {}), CHECK_WORKER_IN_PROCESS: "false" });
  expect((await call("POST", "/api/v1/models", { name: "promo-api" })).status).toBe(201);
  const env = sampleEnvelope("promo-api", "1.0.0", { artifactSize: 256 });
  expect((await call("POST", "/api/v1/models/promo-api/versions", undefined, envelopeForm(env.manifest, env.files))).status).toBe(201);
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

const v = "/api/v1/models/promo-api/versions/1.0.0";

describe("promotion API refusals", () => {
  it("422 for a missing reason and a skipped stage, with field errors", async () => {
    const noReason = await call("POST", `${v}/promotions`, { to: "staging", reason: "  " });
    expect([noReason.status, noReason.type]).toEqual([422, "application/problem+json"]);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ path: "body.reason" })]);
    const skipped = await call("POST", `${v}/promotions`, { to: "prod", reason: "hurry" });
    expect([skipped.status, skipped.body.code, skipped.body.errors[0].path]).toEqual([422, "stage_skipped", "to"]);
    expect((await call("POST", `${v}/promotions`, { to: "archived", reason: "x" })).status).toBe(422);
  });

  it("201 with the gates, 409 for a duplicate request, a closed request and a stale decision", async () => {
    const made = await call("POST", `${v}/promotions`, { to: "staging", reason: "nightly" });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ status: "pending_checks", to: "staging", from: "dev", reason: "nightly" });
    expect((await call("POST", `${v}/promotions`, { to: "staging", reason: "again" })).body.code).toBe("request_exists");
    // The bootstrap token is nobody's: it may not sign off.
    const boot = await call("POST", `/api/v1/promotions/${made.body.id}/approvals`, { decision: "approve", manifestDigest: made.body.manifestDigest });
    expect([boot.status, boot.body.code]).toEqual([403, "personal_credential_required"]);
    expect((await call("POST", `/api/v1/promotions/${made.body.id}/cancel`, {})).status).toBe(200);
    const again = await call("POST", `/api/v1/promotions/${made.body.id}/cancel`, {});
    expect([again.status, again.body.code]).toEqual([409, "request_closed"]);
    expect((await call("GET", "/api/v1/promotions/not-a-uuid")).status).toBe(400);
    expect((await call("GET", "/api/v1/promotions/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("403 for prod and staging as custom aliases, 422 for a rollback without a reason, 409 with nothing in prod", async () => {
    const reserved = await call("PUT", "/api/v1/models/promo-api/aliases/prod", { version: "1.0.0" });
    expect([reserved.status, reserved.body.code]).toEqual([403, "alias_reserved"]);
    expect((await call("PUT", "/api/v1/models/promo-api/aliases/Bad%20Name", { version: "1.0.0" })).status).toBe(400);
    expect((await call("PUT", "/api/v1/models/promo-api/aliases/champion", { version: "1.0.0" })).status).toBe(200);
    expect((await call("GET", "/api/v1/models/promo-api/aliases/champion")).body.version).toBe("1.0.0");
    const noReason = await call("POST", "/api/v1/models/promo-api/rollback", {});
    expect([noReason.status, noReason.body.errors[0].path]).toEqual([422, "body.reason"]);
    expect((await call("POST", "/api/v1/models/promo-api/rollback", { reason: "x" })).body.code).toBe("no_prod");
    const history = await call("GET", "/api/v1/models/promo-api/stages");
    expect(history.body.items.map((e: Json) => e.kind)).toEqual(["alias_set", "registered"]);
  });
});
