// Browser sessions as an alternative credential to API tokens. A signed-in person's next-auth
// session cookie (an encrypted JWT) resolves to the same Actor shape a Bearer token does, so route
// handlers and services never care which one was used. The JWT only names a server-side session
// (lib/auth/sessions.ts): the session, the user's role and enabled state are read from the database
// on every request, so signing out, disabling or demoting takes effect at once, not when the cookie
// expires.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { decode } from "next-auth/jwt";
import type { Tx } from "../db/types.ts";
import { readOrCreateKeyFile } from "../integrity/key-file.ts";
import { forbidden } from "../errors/app-error.ts";
import { actorForSession, type SessionActor } from "./sessions.ts";

/** Per key file, so tests with several data directories in one process each get their own. */
const secretCache = new Map<string, string>();

/**
 * The key that encrypts session cookies: AUTH_SECRET when configured, otherwise (the zero-config
 * embedded default) a random one generated once under DATA_DIR/keys, so sessions survive restarts
 * and every process sharing the data directory agrees on it.
 */
export function getAuthSecret(config: { authSecret?: string; dataDir: string }): string {
  if (config.authSecret) return config.authSecret;
  const file = path.join(config.dataDir, "keys", "auth-secret");
  const cached = secretCache.get(file);
  if (cached) return cached;
  const secret = readOrCreateKeyFile(file, () => randomBytes(48).toString("base64url") + "\n").trim();
  if (secret.length < 32) throw new Error(`the auth secret in ${file} is too short; delete the file to generate a new one`);
  secretCache.set(file, secret);
  return secret;
}

/**
 * Whether the browser talks to us over HTTPS, which decides the session cookie's name and Secure
 * flag (next-auth uses `__Secure-` names on HTTPS). `next start` always sets x-forwarded-proto
 * (to the proxy's value, or to its own protocol), so pages, the next-auth route and the API all
 * derive the same answer from the same header.
 */
export function isSecureOrigin(headers: { get(name: string): string | null }): boolean {
  const configured = process.env.NEXTAUTH_URL;
  if (configured) return configured.startsWith("https://");
  return (headers.get("x-forwarded-proto") ?? "").split(",")[0]!.trim() === "https";
}

export function sessionCookieName(secure: boolean): string {
  return `${secure ? "__Secure-" : ""}next-auth.session-token`;
}

/** The session token from a Cookie header; next-auth splits large tokens into `.0`, `.1`, … chunks. */
export function readSessionToken(cookieHeader: string | null, secure: boolean): string | undefined {
  if (!cookieHeader) return undefined;
  const name = sessionCookieName(secure);
  const cookies = new Map<string, string>();
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    if (key === name || key.startsWith(`${name}.`)) cookies.set(key, decodeURIComponent(part.slice(eq + 1).trim()));
  }
  if (cookies.has(name)) return cookies.get(name);
  const chunks: string[] = [];
  for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
  return chunks.length ? chunks.join("") : undefined;
}

/** The session id a next-auth JWT names (`sid`), or undefined for a missing, forged or expired token. */
export async function sessionIdFromToken(token: string | undefined, secret: string): Promise<string | undefined> {
  if (!token) return undefined;
  try {
    const payload = await decode({ token, secret });
    return typeof payload?.sid === "string" ? payload.sid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The actor of a session cookie: the server-side session must be live and its user enabled.
 * Cookies from before sessions had ids (no `sid`) are no session at all.
 */
export async function actorFromSessionToken(db: Tx, token: string | undefined, secret: string): Promise<SessionActor | undefined> {
  const sid = await sessionIdFromToken(token, secret);
  return sid && /^[0-9a-f-]{36}$/i.test(sid) ? actorForSession(db, sid) : undefined;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** What the session check reads of a request. */
export type SessionRequest = { method: string; headers: { get(name: string): string | null } };

/**
 * The signed-in user behind an API request that carries no Authorization header, or undefined.
 * Cookies ride along on requests other sites trigger, so a state-changing request authenticated by
 * cookie must come from our own pages: SameSite=Lax already keeps the cookie off cross-site POSTs,
 * and this also refuses same-site-but-cross-origin ones (a sibling subdomain).
 */
export async function actorFromSessionRequest(
  deps: { prisma: Tx; config: { authSecret?: string; dataDir: string } },
  request: SessionRequest,
): Promise<SessionActor | undefined> {
  const secure = isSecureOrigin(request.headers);
  const token = readSessionToken(request.headers.get("cookie"), secure);
  if (!token) return undefined;
  const actor = await actorFromSessionToken(deps.prisma, token, getAuthSecret(deps.config));
  if (actor && !SAFE_METHODS.has(request.method.toUpperCase())) assertSameOrigin(request);
  return actor;
}

function assertSameOrigin(request: SessionRequest): void {
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (origin) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost && host && originHost === host) return;
  } else if (request.headers.get("sec-fetch-site") !== "cross-site" && request.headers.get("sec-fetch-site") !== "same-site") {
    // No Origin header (older clients, some same-origin requests): Fetch Metadata is the fallback.
    return;
  }
  throw forbidden("cross_origin_session", "a browser session may only change state from this registry's own pages; use an API token");
}
