// The reviewer's workspace end to end: a contributor's version whose four checks pass is requested
// for staging (promoted at once) and prod from the model page by its owner; two reviewers read the
// request page (verdict, gates, diff against prod, card) and approve; the version is prod. The
// uploader is told why they cannot approve; a version failing the fairness gate cannot be approved
// whatever happens; a rollback from the model page restores the previous prod. axe (light and dark)
// and screenshots (1440 and 390 px, light and dark) of the queue, the request page and the model page.
// A webhook receiver started by this spec checks that the promotion and the rollback were announced
// with Standard Webhooks signatures that verify with the secret the registry showed once.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import AxeBuilder from "@axe-core/playwright";
import { Webhook } from "standardwebhooks";
import { expect, test, type Page } from "@playwright/test";
import { sampleEnvelope } from "../lib/checks/testing/sample-envelope.ts";
import { signIn as apiSignIn } from "../lib/testing/browser-session.ts";
import { TEST_BOOTSTRAP_TOKEN } from "../lib/testing/app-server.ts";
import { screenshot, seedState, signIn } from "./helpers.ts";

const PASSWORD = "review-password-for-e2e";
const OWNER = { email: "olga.owner@bank.example", name: "Olga Owner", role: "contributor", password: PASSWORD };
const REVIEWER_A = { email: "ada.reviewer@bank.example", name: "Ada Reviewer", role: "reviewer", password: PASSWORD };
const REVIEWER_B = { email: "ben.reviewer@bank.example", name: "Ben Reviewer", role: "reviewer", password: PASSWORD };

const DEMO = "review-demo";
const BASELINE = "1.0.0";
const CANDIDATE = "1.1.0";
// Same envelope, under a policy that demands identical selection rates (DP ratio ≥ 1): fairness fails.
const STRICT = "review-strict";

const CARD = `---
license: apache-2.0
owner: risk-ml@bank.example
---
# Review demo scorer

Scores applications for the e2e review workflow.

## Intended use

Pre-screening of applications, always followed by a human decision.

## Limitations

Trained on synthetic clusters; not for use outside this test.

## Fairness

Selection rates are compared across the evaluation set's groups A and B on every upload.
`;

type Json = Record<string, any>;

async function api(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const { token = TEST_BOOTSTRAP_TOKEN, ...rest } = init;
  return fetch(seedState().url + path, { ...rest, headers: { authorization: `Bearer ${token}`, ...(rest.headers as Record<string, string>) } });
}

async function json(path: string, init: RequestInit & { token?: string } = {}, ok = [200, 201]): Promise<Json> {
  const res = await api(path, init);
  const body = (await res.json().catch(() => ({}))) as Json;
  if (!ok.includes(res.status)) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

const post = (path: string, body: unknown, token?: string, ok?: number[]) =>
  json(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), ...(token ? { token } : {}) }, ok);

/** A personal token (tokens.own), so uploads, requests and approvals are the person's own. */
async function tokenFor(person: { email: string }, scopes: string[]): Promise<string> {
  const { url } = seedState();
  const { cookie } = await apiSignIn(url, person.email, PASSWORD);
  const res = await fetch(`${url}/api/v1/tokens`, {
    method: "POST",
    headers: { cookie, origin: url, "content-type": "application/json" },
    body: JSON.stringify({ name: `review-e2e-${scopes.join("-")}-${Date.now()}`, scopes }),
  });
  const body = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`token for ${person.email}: ${res.status} ${JSON.stringify(body)}`);
  return body.token as string;
}

async function upload(model: string, version: string, token: string, { seed, metrics }: { seed: number; metrics: Record<string, number> }) {
  if ((await api(`/api/v1/models/${model}/versions/${version}`)).ok) return;
  const { manifest, files } = sampleEnvelope(model, version, { seed });
  files["MODEL_CARD.md"] = Buffer.from(CARD);
  const form = new FormData();
  form.append("manifest", JSON.stringify({ ...manifest, metrics }));
  for (const [path, bytes] of Object.entries(files)) form.append(path, new Blob([new Uint8Array(bytes)]), path);
  await json(`/api/v1/models/${model}/versions`, { method: "POST", body: form, token });
}

async function waitForChecks(model: string, version: string, timeoutMs = 170_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  let last: Json | undefined;
  while (Date.now() < deadline) {
    last = await json(`/api/v1/models/${model}/versions/${version}/checks`);
    if (last.latest.length === 4 && last.latest.every((r: Json) => r.status === "finished")) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`checks of ${model}@${version} did not finish: ${JSON.stringify(last?.latest)}`);
}

async function openRequestId(model: string, version: string, to: string): Promise<string> {
  const list = await json(`/api/v1/promotions?model=${model}&status=open&to=${to}`);
  const found = (list.items as Json[]).find((r) => r.version === version);
  if (!found) throw new Error(`no open ${to} request for ${model}@${version}`);
  return found.id as string;
}

async function expectNoSeriousAxeViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`),
    `axe on ${what}`,
  ).toEqual([]);
}

/** Full-page screenshots at 1440 and 390 px, light and dark; axe in both schemes at 1440. */
async function shootAndAudit(page: Page, name: string, what: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1440, height: 900 });
    await expectNoSeriousAxeViolations(page, `${what} (${scheme})`);
    await screenshot(page, `${name}-1440-${scheme}`, { maxHeight: 5000 });
    await page.setViewportSize({ width: 390, height: 844 });
    // Nothing may widen the page on a phone: wide tables scroll inside their own frame.
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${what} at 390 px (${scheme})`).toBeLessThanOrEqual(390);
    await screenshot(page, `${name}-390-${scheme}`, { maxHeight: 9000 });
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test.describe.configure({ mode: "serial", timeout: 120_000 });

let strictRequest = "";

/** What the receiver got: raw body and the three Standard Webhooks headers. */
type Delivery = { body: string; headers: Record<string, string> };
const received: Delivery[] = [];
let receiver: Server | undefined;
let hook: { id: string; secret: string } | undefined;

async function startReceiver(): Promise<string> {
  receiver = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const pick = (h: string) => String(req.headers[h] ?? "");
      received.push({ body, headers: { "webhook-id": pick("webhook-id"), "webhook-timestamp": pick("webhook-timestamp"), "webhook-signature": pick("webhook-signature") } });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve));
  const address = receiver.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hooks`;
}

/** Waits for a delivery of `type` whose data matches, and checks its signature two independent ways. */
async function signedDelivery(type: string, match: (data: Json) => boolean): Promise<Json> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const d of received) {
      const event = JSON.parse(d.body) as Json;
      if (event.type !== type || !match(event.data)) continue;
      // The receiver's library, as docs/webhooks.md shows…
      expect(new Webhook(hook!.secret).verify(d.body, d.headers)).toEqual(event);
      // …and by hand: HMAC-SHA256 over "id.timestamp.body" with the base64 key after "whsec_".
      const expected = createHmac("sha256", Buffer.from(hook!.secret.slice("whsec_".length), "base64"))
        .update(`${d.headers["webhook-id"]}.${d.headers["webhook-timestamp"]}.${d.body}`)
        .digest();
      const signatures = d.headers["webhook-signature"]!.split(" ").map((s) => Buffer.from(s.replace(/^v1,/, ""), "base64"));
      expect(signatures.some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected))).toBe(true);
      return event.data as Json;
    }
    if (Date.now() > deadline) throw new Error(`no signed ${type} delivery arrived; got ${received.map((d) => JSON.parse(d.body).type).join(", ") || "nothing"}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test.afterAll(async () => {
  if (hook) await api(`/api/v1/webhooks/${hook.id}`, { method: "DELETE" });
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
});

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const url = await startReceiver();
  hook = (await json("/api/v1/webhooks", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url, events: ["promotion.approved", "promotion.promoted", "rollback"], description: "review e2e receiver" }),
  }, [201])) as { id: string; secret: string };
  expect(hook!.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  for (const person of [OWNER, REVIEWER_A, REVIEWER_B]) {
    const res = await api("/api/v1/users", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(person) });
    if (!res.ok && res.status !== 409) throw new Error(`user ${person.email}: ${res.status} ${await res.text()}`);
  }
  for (const [model, policy] of [
    [DEMO, undefined],
    [STRICT, { thresholds: { fairness: { minDemographicParityRatio: 1 } } }],
  ] as const) {
    const res = await api("/api/v1/models", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: model, description: "A scorer that goes through review in the e2e tests.", tags: ["e2e"] }),
    });
    if (!res.ok && res.status !== 409) throw new Error(`model ${model}: ${res.status}`);
    await json(`/api/v1/models/${model}/owners`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ emails: [OWNER.email] }) });
    if (policy) await json(`/api/v1/models/${model}/policy`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(policy) });
  }
  const owner = await tokenFor(OWNER, ["read", "write"]);
  await upload(DEMO, BASELINE, owner, { seed: 1, metrics: { auc: 0.902, accuracy: 0.861 } });
  await upload(DEMO, CANDIDATE, owner, { seed: 2, metrics: { auc: 0.917, accuracy: 0.858 } });
  await upload(STRICT, BASELINE, owner, { seed: 3, metrics: { auc: 0.9 } });
  const [baseline, candidate, strict] = await Promise.all([waitForChecks(DEMO, BASELINE), waitForChecks(DEMO, CANDIDATE), waitForChecks(STRICT, BASELINE)]);
  for (const c of [baseline, candidate]) expect(c.latest.map((r: Json) => r.verdict)).toEqual(["pass", "pass", "pass", "pass"]);
  expect(strict.latest.find((r: Json) => r.kind === "fairness").verdict).toBe("fail");

  // The baseline reaches prod over the API, with two reviewers' own tokens: the prod the candidate is compared with.
  const base = `/api/v1/models/${DEMO}/versions/${BASELINE}/promotions`;
  const prodNow = await json(`/api/v1/models/${DEMO}/aliases/prod`, {}, [200, 404]);
  if (prodNow.version !== BASELINE && prodNow.version !== CANDIDATE) {
    expect((await post(base, { to: "staging", reason: "first release" }, owner)).status).toBe("promoted");
    const request = await post(base, { to: "prod", reason: "first release" }, owner);
    expect(request.status).toBe("awaiting_approval");
    for (const reviewer of [REVIEWER_A, REVIEWER_B])
      await post(`/api/v1/promotions/${request.id}/approvals`, { decision: "approve", comment: "baseline", manifestDigest: request.manifestDigest }, await tokenFor(reviewer, ["read", "review"]));
    expect((await json(`/api/v1/models/${DEMO}/aliases/prod`)).version).toBe(BASELINE);
  }

  // The strict model's version reaches staging (validation and security pass) and asks for prod.
  const strictBase = `/api/v1/models/${STRICT}/versions/${BASELINE}/promotions`;
  const strictOpen = await json(`/api/v1/promotions?model=${STRICT}&status=open`);
  if (strictOpen.items.length) strictRequest = strictOpen.items[0].id;
  else {
    expect((await post(strictBase, { to: "staging", reason: "try it" }, owner)).status).toBe("promoted");
    const request = await post(strictBase, { to: "prod", reason: "ship it" }, owner);
    expect(request.status).toBe("pending_checks");
    strictRequest = request.id;
  }
});

test("the owner requests staging (promoted at once) and then prod from the model page, and cannot approve their own upload", async ({ page }) => {
  await signIn(page, OWNER, `/models/${DEMO}`);
  const promote = page.getByRole("region", { name: "Request promotion" });
  await promote.getByLabel(`Why should ${CANDIDATE} move to staging?`).fill("Better AUC on the March data");
  await promote.getByRole("button", { name: "Request staging" }).click();
  await expect(promote.getByRole("status")).toContainText(`${CANDIDATE} is now in staging`);

  await expect(promote.getByLabel(`Why should ${CANDIDATE} move to prod?`)).toBeVisible();
  await promote.getByLabel(`Why should ${CANDIDATE} move to prod?`).fill("Staging soak passed; better AUC at equal accuracy");
  await promote.getByRole("button", { name: "Request prod" }).click();
  // A request that waits for reviewers opens its own page.
  await expect(page).toHaveURL(/\/reviews\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 2, name: "Ready for your approval — 0 of 2 approvals" })).toBeVisible();
  await expect(page.getByTestId("decision-refusal")).toHaveText(/^You uploaded this version, so you cannot approve or reject it/);
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  // The requester may withdraw the request instead.
  await expect(page.getByRole("button", { name: "Cancel request…" })).toBeVisible();
});

test("reviewer A finds the request in the queue, reads the gates, the diff against prod and the card, and approves", async ({ page }) => {
  await signIn(page, REVIEWER_A, "/reviews");
  await expect(page.getByRole("heading", { level: 1, name: "Reviews" })).toBeVisible();
  const queue = page.getByRole("table", { name: /promotion requests/ });
  const row = queue.getByRole("row").filter({ has: page.getByRole("link", { name: `${DEMO}@${CANDIDATE}` }) });
  await expect(row).toContainText("Ready — 0 of 2 approvals");
  await expect(row).toContainText(OWNER.name);
  const strictRow = queue.getByRole("row").filter({ has: page.getByRole("link", { name: `${STRICT}@${BASELINE}` }) });
  await expect(strictRow).toContainText("fairness failing");

  await shootAndAudit(page, "review-queue", "/reviews");
  // The filters are query parameters.
  await page.getByLabel("Target stage").selectOption("staging");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/[?&]to=staging/);
  await expect(page.getByRole("heading", { name: "No requests match these filters" })).toBeVisible();
  await page.goto("/reviews");

  await page.getByRole("link", { name: `${DEMO}@${CANDIDATE}` }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Ready for your approval — 0 of 2 approvals" })).toBeVisible();
  const gates = page.getByRole("list", { name: "Promotion gates" });
  await expect(gates.getByRole("listitem").filter({ hasText: "Fairness check" })).toContainText("Pass");
  await expect(gates.getByRole("listitem").filter({ hasText: "Model card complete" })).toContainText("Pass");
  await expect(gates.getByRole("listitem").filter({ hasText: "Schema compatible with prod" })).toContainText("Same input schema and outputs as prod 1.0.0");
  await expect(gates.getByRole("listitem").filter({ hasText: "2 reviewer approvals" })).toContainText("Pending");

  const diff = page.getByRole("region", { name: `Compared with prod: ${BASELINE}` });
  const metrics = diff.getByRole("table", { name: /Reported metrics/ });
  await expect(metrics.getByRole("row").filter({ hasText: "auc" })).toContainText("+0.015");
  await expect(metrics.getByRole("row").filter({ hasText: "accuracy" })).toContainText("−0.003");
  await expect(diff.getByRole("table", { name: /Input schema/ }).getByRole("rowheader")).toHaveText(["score_a", "score_b"]);
  await expect(diff.getByRole("table", { name: /Fairness rates by group/ }).getByRole("rowheader")).toHaveText(["A", "B"]);
  const files = diff.getByRole("table", { name: /Files/ });
  await expect(files.getByRole("row").filter({ hasText: "eval.csv" })).toContainText("changed");
  await expect(files.getByRole("row").filter({ hasText: "MODEL_CARD.md" })).toContainText("unchanged");

  const card = page.getByRole("region", { name: "Model card" });
  await expect(card.getByRole("heading", { name: "Intended use" }).first()).toBeVisible();
  await expect(card.getByText("prod's card (1.0.0), for comparison")).toBeVisible();
  await expect(page.getByRole("region", { name: "Checks" }).getByRole("link", { name: "All check details →" })).toBeVisible();

  await shootAndAudit(page, "review-request-ready", "a request page awaiting approval");
  const decision = page.getByRole("region", { name: "Your decision" });
  // Rejecting without a comment is refused before anything is sent.
  await decision.getByRole("button", { name: "Reject" }).click();
  await expect(decision.getByText("Required when rejecting.")).toBeVisible();
  await decision.getByLabel("Comment").fill("Read the fairness rates and the schema: no change for callers. Approved.");
  await decision.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Ready for your approval — 1 of 2 approvals" })).toBeVisible();
  await expect(page.getByText("Still needed: 1 of 2 approvals so far; 1 more needed from reviewers who did not upload this version.")).toBeVisible();
  const approvals = page.getByRole("list", { name: "Decisions so far" });
  await expect(approvals.getByRole("listitem")).toHaveCount(1);
  await expect(approvals).toContainText(REVIEWER_A.name);
  await expect(approvals).toContainText("Counts toward the request");
  await expect(decision).toContainText("You already approved this request");
});

test("reviewer B approves: that is the last approval, and the model page shows the candidate in prod with the timeline", async ({ page }) => {
  const id = await openRequestId(DEMO, CANDIDATE, "prod");
  await signIn(page, REVIEWER_B, `/reviews/${id}`);
  await page.getByRole("region", { name: "Your decision" }).getByLabel("Comment").fill("Second pair of eyes: fine.");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("heading", { level: 2, name: /^Promoted to prod on / })).toBeVisible();
  await expect(page.getByText("This request is promoted: there is nothing left to decide.")).toBeVisible();
  // The record keeps what the reviewers compared: the prod it replaced.
  await expect(page.getByRole("heading", { level: 2, name: `Compared with the prod it replaced: ${BASELINE}` })).toBeVisible();

  await page.goto(`/models/${DEMO}`);
  const aliases = page.getByRole("region", { name: "Aliases" });
  await expect(aliases.locator("[data-alias=prod]")).toContainText(CANDIDATE);
  const timeline = page.getByRole("list", { name: "Stage history, newest first" });
  await expect(timeline.getByRole("listitem").first()).toContainText(`${CANDIDATE} was promoted from staging to prod`);
  await expect(timeline).toContainText(`${BASELINE} left prod and was archived`);
  await expect(timeline.getByRole("link", { name: "request" }).first()).toHaveAttribute("href", `/reviews/${id}`);
  const compare = page.getByRole("table", { name: `The 2 newest versions of ${DEMO} side by side: stage, check verdicts and reported metrics` });
  await expect(compare.getByRole("columnheader")).toHaveText([CANDIDATE, BASELINE]);
  await expect(compare.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "auc" }) })).toContainText("0.917 (highest)");

  // The receiver was told, with a signature that verifies.
  const promoted = await signedDelivery("promotion.promoted", (d) => d.model === DEMO && d.version === CANDIDATE && d.stage === "prod");
  expect(promoted).toMatchObject({ requestId: id, stage: "prod", previous: BASELINE });
  await signedDelivery("promotion.approved", (d) => d.requestId === id && d.reviewer === REVIEWER_B.email);
});

test("a version that fails the fairness gate cannot be approved, whatever the approvals", async ({ page }) => {
  await signIn(page, REVIEWER_A, `/reviews/${strictRequest}`);
  await expect(page.getByRole("heading", { level: 2, name: "Blocked: fairness check failed" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Promotion gates" }).locator("[data-gate='check.fairness']")).toHaveAttribute("data-status", "fail");
  const decision = page.getByRole("region", { name: "Your decision" });
  await expect(decision.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(decision).toContainText("The gates have not passed yet, so it cannot be approved: Fairness check: Failed.");
  await expect(decision.getByRole("button", { name: "Reject" })).toBeVisible();
  // The API refuses the approval the page does not offer.
  const digest = (await json(`/api/v1/promotions/${strictRequest}`)).manifestDigest;
  const res = await api(`/api/v1/promotions/${strictRequest}/approvals`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ decision: "approve", comment: "", manifestDigest: digest }),
    token: await tokenFor(REVIEWER_B, ["read", "review"]),
  });
  expect(res.status).toBe(409);
  expect(((await res.json()) as Json).code).toBe("gates_not_passed");
});

test("axe and screenshots: the request page and the model page, light and dark, 1440 and 390 px", async ({ page }) => {
  test.setTimeout(180_000);
  const id = (await json(`/api/v1/promotions?model=${DEMO}&status=promoted&to=prod`)).items.find((r: Json) => r.version === CANDIDATE).id;
  await signIn(page, REVIEWER_A, `/reviews/${strictRequest}`);
  await shootAndAudit(page, "review-request-blocked", "a blocked request page");
  await page.goto(`/reviews/${id}`);
  await shootAndAudit(page, "review-request-promoted", "a promoted request page");
  await page.goto(`/models/${DEMO}`);
  await shootAndAudit(page, "review-model", "the model page");
});

test("a reviewer rolls prod back from the model page: the previous prod is restored", async ({ page }) => {
  await signIn(page, REVIEWER_A, `/models/${DEMO}`);
  const rollback = page.getByRole("region", { name: "Roll back prod" });
  await expect(rollback.getByLabel("Roll back to")).toContainText(`The previous prod (${BASELINE})`);
  await rollback.getByRole("button", { name: "Roll back prod" }).click();
  await expect(rollback.getByText("Required: it goes into the audit log and the stage history.")).toBeVisible();
  await rollback.getByLabel("Reason (required)").fill("Drift alarm on the March cohort");
  await rollback.getByRole("button", { name: "Roll back prod" }).click();
  await expect(rollback.getByRole("status")).toContainText(`Rolled back: prod is ${BASELINE} again (was ${CANDIDATE}).`);
  await expect(page.getByRole("region", { name: "Aliases" }).locator("[data-alias=prod]")).toContainText(BASELINE);
  const timeline = page.getByRole("list", { name: "Stage history, newest first" });
  await expect(timeline).toContainText(`${CANDIDATE} was rolled back out of prod`);
  await expect(timeline).toContainText(`${BASELINE} was restored to prod`);
  await expect(timeline).toContainText("Drift alarm on the March cohort");
  expect((await json(`/api/v1/models/${DEMO}/aliases/prod`)).version).toBe(BASELINE);
  expect(await signedDelivery("rollback", (d) => d.model === DEMO)).toMatchObject({ from: CANDIDATE, to: BASELINE, reason: "Drift alarm on the March cohort" });
});
