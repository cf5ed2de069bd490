// The registry's own HTTP server, over real sockets: what it refuses before any handler runs,
// how it frames downloads, what it believes of X-Forwarded-*, and how it treats slow clients.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "@/lib/testing/app-server";
import { signIn } from "@/lib/testing/browser-session";
import { envelopeForm, sampleEnvelope, sha256 } from "./envelope-fixture";

let app: AppServer;
const auth = { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` };
const ADMIN_PASSWORD = "admin-password-for-tests";

beforeAll(async () => {
  app = await startApp({ HTTP_BODY_WINDOW_SECONDS: "2", HTTP_HEADERS_TIMEOUT_SECONDS: "2", REGISTRY_ADMIN_PASSWORD: ADMIN_PASSWORD });
  await fetch(`${app.url}/api/v1/models`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ name: "served" }) });
});
afterAll(async () => app?.stop());

/** Raw HTTP over a socket: what fetch would normalise away. Resolves with everything received until close. */
function rawSocket(): { socket: Socket; received: Promise<string>; closedAt: Promise<number> } {
  const url = new URL(app.url);
  const socket = connect(Number(url.port), url.hostname);
  let data = "";
  socket.on("data", (d) => (data += d));
  socket.on("error", () => undefined);
  const closedAt = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
  return { socket, received: closedAt.then(() => data), closedAt };
}

describe("request targets", () => {
  it("answers NUL bytes and invalid encodings in paths and queries with a 400 problem, not a 500", async () => {
    for (const path of ["/api/v1/models/served/versions/1.0.0%00", "/api/v1/models?q=%00", "/api/v1/models/a%c0%afb", "/api/v1/models?q=%E0%A4%A"]) {
      const res = await fetch(app.url + path, { headers: auth });
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(((await res.json()) as { code: string }).code).toMatch(/^invalid_(characters|encoding)$/);
    }
  });

  it("answers unknown endpoints with 404 and wrong methods with 405 + Allow, as problem+json", async () => {
    const unknown = await fetch(`${app.url}/api/v1/nothing-here`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe("no_such_endpoint");
    const wrong = await fetch(`${app.url}/api/v1/models/served`, { method: "DELETE", headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, PATCH");
  });
});

describe("responses", () => {
  it("sends downloads with Content-Length (not chunked) and the security headers", async () => {
    const env = sampleEnvelope("served", "1.0.0", { artifactSize: 300_000 });
    expect((await fetch(`${app.url}/api/v1/models/served/versions`, { method: "POST", headers: auth, body: envelopeForm(env.manifest, env.files) })).status).toBe(201);
    const { socket, received } = rawSocket();
    socket.write(`GET /api/v1/models/served/versions/1.0.0/files/model.onnx HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_BOOTSTRAP_TOKEN}\r\nConnection: close\r\n\r\n`);
    const raw = await received;
    const head = raw.slice(0, raw.indexOf("\r\n\r\n")).toLowerCase();
    expect(head).toContain("content-length: 300000");
    expect(head).not.toContain("transfer-encoding");
    expect(head).toContain("x-content-type-options: nosniff");
    expect(head).toContain("x-frame-options: deny");
    const res = await fetch(`${app.url}/api/v1/models/served/versions/1.0.0/files/model.onnx`, { headers: auth });
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(env.files["model.onnx"]!));
  });

  it("sends pages through Next with the same security headers", async () => {
    const res = await fetch(`${app.url}/login`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
  });
});

describe("proxy headers", () => {
  it("does not let X-Forwarded-Host vouch for a cross-origin request when no proxy is trusted", async () => {
    const { cookie } = await signIn(app.url, "admin@localhost", ADMIN_PASSWORD);
    const base = { cookie, "content-type": "application/json" };
    const body = JSON.stringify({ name: "from-session" });
    const forged = await fetch(`${app.url}/api/v1/models`, {
      method: "POST",
      headers: { ...base, origin: "http://evil.example", "x-forwarded-host": "evil.example" },
      body,
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { code: string }).code).toBe("cross_origin_session");
    expect((await fetch(`${app.url}/api/v1/models/from-session`, { headers: auth })).status).toBe(404);
    const sameOrigin = await fetch(`${app.url}/api/v1/models`, { method: "POST", headers: { ...base, origin: app.url }, body });
    expect(sameOrigin.status).toBe(201);
  });
});

describe("slow clients", () => {
  it("cuts every one of 20 bodies that trickle a byte at a time, with a 408", async () => {
    const clients = Array.from({ length: 20 }, () => rawSocket());
    const started = Date.now();
    const timers: NodeJS.Timeout[] = [];
    for (const { socket } of clients) {
      socket.write(`POST /api/v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_BOOTSTRAP_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{`);
      timers.push(setInterval(() => socket.writable && socket.write(" "), 1000));
    }
    const closed = await Promise.all(clients.map((c) => c.closedAt));
    timers.forEach(clearInterval);
    // Window 2 s; the watchdog ticks each second: every connection is gone within a few seconds.
    expect(Math.max(...closed) - started).toBeLessThan(15_000);
    for (const c of clients) expect(await c.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("drops a client that never finishes its request head", async () => {
    const { socket, closedAt } = rawSocket();
    const started = Date.now();
    socket.write("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n");
    const keepTrickling = setInterval(() => socket.writable && socket.write("X-A: b\r\n"), 500);
    const closed = await closedAt;
    clearInterval(keepTrickling);
    expect(closed - started).toBeLessThan(10_000);
  });
});

describe("uploads that must store nothing", () => {
  const upload = (form: FormData, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/api/v1/models/served/versions`, { method: "POST", headers: { ...auth, ...headers }, body: form });
  const versions = async () => ((await (await fetch(`${app.url}/api/v1/models/served/versions?limit=200`, { headers: auth })).json()) as { items: { version: string }[] }).items.map((v) => v.version);

  it("refuses a media type that could never be sent as a header (422 naming the field)", async () => {
    const before = await versions();
    const env = sampleEnvelope("served", "3.0.0");
    (env.manifest.files as Record<string, unknown>)["model.onnx"] = { ...(env.manifest.files as Record<string, object>)["model.onnx"], mediaType: "text/plain\r\nSet-Cookie: a=1" };
    const res = await upload(envelopeForm(env.manifest, env.files));
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toContain("manifest.files.model.onnx.mediaType");
    expect(await versions()).toEqual(before);
  });

  it("refuses a manifest nested 1,687 deep before parsing it, with a 4xx", async () => {
    const env = sampleEnvelope("served", "3.0.1");
    const form = envelopeForm(env.manifest, env.files);
    const deep = `${'{"a":'.repeat(1687)}1${"}".repeat(1687)}`;
    form.set("manifest", JSON.stringify(env.manifest).replace(/}$/, `,"metadata":${deep}}`));
    const res = await upload(form);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { code: string }).code).toBe("manifest_too_deep");
  });

  it("answers a body cut before its closing boundary with 400, and a client that vanishes mid-file leaves the server healthy", async () => {
    const before = await versions();
    const env = sampleEnvelope("served", "3.0.2");
    const encoded = new Response(envelopeForm(env.manifest, env.files));
    const type = encoded.headers.get("content-type")!;
    const body = Buffer.from(await encoded.arrayBuffer());
    const boundary = type.split("boundary=")[1]!;
    const cut = body.subarray(0, body.lastIndexOf(Buffer.from(`--${boundary}--`)));
    const truncated = await fetch(`${app.url}/api/v1/models/served/versions`, { method: "POST", headers: { ...auth, "content-type": `multipart/form-data; boundary=${boundary}` }, body: cut });
    expect(truncated.status).toBe(400);
    expect(((await truncated.json()) as { code: string }).code).toBe("malformed_multipart");

    const { socket, closedAt } = rawSocket();
    socket.write(`POST /api/v1/models/served/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_BOOTSTRAP_TOKEN}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, Math.floor(body.length / 2)));
    await new Promise((r) => setTimeout(r, 300));
    socket.destroy();
    await closedAt;
    expect((await fetch(`${app.url}/api/v1/health`)).status).toBe(200);
    expect(await versions()).toEqual(before);
  });

  it("replays an Idempotency-Key only for the identical request: other bytes under the same key are refused", async () => {
    const env = sampleEnvelope("served", "3.0.3");
    delete (env.manifest as { files?: unknown }).files;
    const first = await upload(envelopeForm(env.manifest, env.files), { "idempotency-key": "build-77" });
    expect(first.status).toBe(201);
    const again = await upload(envelopeForm(env.manifest, env.files), { "idempotency-key": "build-77" });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const changed = await upload(envelopeForm(env.manifest, { ...env.files, "model.onnx": Buffer.from("other bytes") }), { "idempotency-key": "build-77" });
    expect(changed.status).toBe(422);
    expect(changed.headers.get("idempotent-replayed")).toBeNull();
    expect(((await changed.json()) as { code: string }).code).toBe("idempotency_key_reused");
  });
});
