// The registry's one HTTP server. It owns the socket: `/api/v1/**` is served by the API dispatcher
// (lib/api/serve.ts) straight from Node's request and response objects; every other path goes to
// Next's request handler (pages, server actions, next-auth, static assets). On the way in it decides
// what to believe of X-Forwarded-* (TRUST_PROXY), adds the security headers every response carries,
// and cuts clients that trickle their request body.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { API_PREFIX, type ApiDispatcher } from "../api/serve.ts";
import type { Config } from "../config/index.ts";
import { AppError } from "../errors/app-error.ts";
import { discardUnreadBody } from "../http/multipart.ts";
import { toProblem } from "../http/problem.ts";
import type { Logger } from "../observability/logger.ts";

export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>;

export type RegistryServerOptions = {
  config: Pick<Config, "http">;
  api: ApiDispatcher;
  pages: PageHandler;
  upgrade?: UpgradeHandler;
  log: Logger;
};

export function createRegistryServer({ config, api, pages, upgrade, log }: RegistryServerOptions): Server {
  const http = config.http;
  const server = createServer(
    {
      headersTimeout: http.headersTimeoutSeconds * 1000,
      // No limit on a whole request: a 20 GiB upload may take an hour. Slow bodies are judged by
      // their rate instead (watchBody).
      requestTimeout: 0,
      // Check for head timeouts every 2 s (Node's default of 30 s would let a slow head linger).
      connectionsCheckingInterval: 2000,
    },
    (req, res) => {
      const forwarded = applyForwardedHeaders(req, http.trustProxy);
      setSecurityHeaders(res, forwarded.secure);
      watchBody(req, res, http);
      const path = req.url ?? "/";
      const isApi = path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) || path.startsWith(`${API_PREFIX}?`);
      const handled = isApi ? api(req, res, forwarded) : pages(req, res);
      handled
        .catch((error: unknown) => {
          log.error("unhandled error while serving a request", { path, error });
          if (!res.headersSent) {
            res.writeHead(500, { "content-type": "text/plain" });
            res.end("internal error");
          } else res.destroy();
        })
        .finally(() => {
          // A body nobody read (a request refused before its body mattered) is read and thrown
          // away for a bounded time, so the client can read the answer instead of a TCP reset.
          if (isApi && !req.complete) discardUnreadBody(req);
        });
    },
  );
  if (upgrade) server.on("upgrade", (req, socket, head) => void upgrade(req, socket, head));
  return server;
}

export type Forwarded = { origin: string; clientAddress: string; secure: boolean };

const FORWARDED_HEADERS = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip"];

/**
 * Decides the request's origin and client address, and rewrites the X-Forwarded-* headers so that
 * everything downstream (Next, next-auth, the session's same-origin check) reads the same truth:
 * behind `trustProxy` proxies their values are kept; otherwise whatever the client sent is dropped
 * and replaced with what the socket says.
 */
export function applyForwardedHeaders(req: IncomingMessage, trustProxy: number): Forwarded {
  const h = req.headers;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(",")[0]?.trim() || undefined;
  const socketSecure = Boolean((req.socket as { encrypted?: boolean }).encrypted);
  let proto = socketSecure ? "https" : "http";
  let host = h.host ?? "localhost";
  let clientAddress = req.socket.remoteAddress ?? "unknown";
  if (trustProxy > 0) {
    proto = first(h["x-forwarded-proto"]) === "https" ? "https" : first(h["x-forwarded-proto"]) === "http" ? "http" : proto;
    host = first(h["x-forwarded-host"]) ?? host;
    // Each proxy appends the address it saw; the entry `trustProxy` from the right was added by
    // the outermost trusted proxy, so it is the client as far as trusted parties know.
    const chain = [(Array.isArray(h["x-forwarded-for"]) ? h["x-forwarded-for"].join(",") : h["x-forwarded-for"]) ?? ""]
      .join(",")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    clientAddress = chain[chain.length - trustProxy] ?? chain[0] ?? clientAddress;
  }
  for (const name of FORWARDED_HEADERS) delete h[name];
  h["x-forwarded-proto"] = proto;
  h["x-forwarded-host"] = host;
  h["x-forwarded-for"] = clientAddress;
  return { origin: `${proto}://${host}`, clientAddress, secure: proto === "https" };
}

/**
 * Headers every response carries. Pages add their own Content-Security-Policy (with a per-request
 * nonce, see proxy.ts); API responses are data, never documents, so they get the strictest one.
 */
function setSecurityHeaders(res: ServerResponse, secure: boolean): void {
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "same-origin");
  res.setHeader("x-frame-options", "DENY");
  if (secure) res.setHeader("strict-transport-security", "max-age=63072000; includeSubDomains");
}

/**
 * Cuts a client that sends its body too slowly. Judged only while the server is waiting for the
 * client (bytes buffered but unread mean the server is the slow side, e.g. storage backpressure):
 * over each window of waiting, the body must arrive at `bodyMinBytesPerSecond` on average.
 */
export function watchBody(
  req: IncomingMessage,
  res: ServerResponse,
  { bodyMinBytesPerSecond, bodyWindowSeconds }: { bodyMinBytesPerSecond: number; bodyWindowSeconds: number },
): void {
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  if (!hasBody) return;
  const socket = req.socket;
  let last = socket.bytesRead;
  let waitingMs = 0;
  let waitingBytes = 0;
  const tickMs = 1000;
  const timer = setInterval(() => {
    if (req.complete || req.destroyed || socket.destroyed) return clearInterval(timer);
    const now = socket.bytesRead;
    const delta = now - last;
    last = now;
    if (req.readableLength >= req.readableHighWaterMark) return; // our side is slow, not the client
    waitingMs += tickMs;
    waitingBytes += delta;
    if (waitingMs < bodyWindowSeconds * 1000) return;
    const tooSlow = waitingBytes < bodyMinBytesPerSecond * bodyWindowSeconds;
    waitingMs = 0;
    waitingBytes = 0;
    if (!tooSlow) return;
    clearInterval(timer);
    if (!res.headersSent) {
      const problem = new AppError("request_timeout", "body_too_slow", `the request body arrived slower than ${bodyMinBytesPerSecond} bytes/s over ${bodyWindowSeconds} s`);
      res.writeHead(408, { "content-type": "application/problem+json", connection: "close" });
      res.end(JSON.stringify(toProblem(problem)));
    }
    // Give the answer a moment to leave, then drop the connection (and the handler's read fails).
    setTimeout(() => socket.destroy(), 200).unref();
  }, tickMs);
  timer.unref();
  req.once("end", () => clearInterval(timer));
  req.once("close", () => clearInterval(timer));
}
