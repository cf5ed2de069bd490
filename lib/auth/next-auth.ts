// Browser sign-in with next-auth v4: email + password (Credentials provider) through
// lib/auth/sign-in.ts (rate limits, audit, a server-side session). The encrypted JWT cookie only
// carries the session id (`sid`). This module is the Next.js-facing side; lib/auth/session.ts turns
// a cookie into an Actor for pages and the API alike.
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { z } from "zod";
import { getConfig } from "../config/index.ts";
import { log } from "../observability/logger.ts";
import { getServices } from "../server/services.ts";
import type { Role } from "./roles.ts";
import { actorFromSessionToken, getAuthSecret, isSecureOrigin, readSessionToken } from "./session.ts";
import { SESSION_MAX_AGE_SECONDS, type SessionActor } from "./sessions.ts";
import { signInWithPassword, signOut } from "./sign-in.ts";

declare module "next-auth" {
  interface User {
    role: Role;
    sessionId: string;
  }
  interface Session {
    user: { id: string; email: string; name: string; role: Role };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
    /** The server-side session (lib/auth/sessions.ts) this cookie stands for. */
    sid?: string;
  }
}

const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1000),
});

const authLog = log.child({ component: "next-auth" });

/**
 * next-auth v4 wants NEXTAUTH_URL to know its own origin. The registry must work behind
 * `next start` on any port and behind any proxy without extra configuration, so unless an operator
 * pins NEXTAUTH_URL we let next-auth derive the origin from the request's (x-forwarded-)host and
 * x-forwarded-proto, which `next start` always fills in.
 */
function trustRequestHost(): void {
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";
}

/**
 * The options for one request. `secure` must be derived from the request (isSecureOrigin) the same
 * way everywhere, because it picks the cookie's name: pages, the next-auth route and the API must
 * all look for the cookie next-auth set.
 */
export function buildAuthOptions({ secure }: { secure: boolean }): AuthOptions {
  trustRequestHost();
  return {
    secret: getAuthSecret(getConfig()),
    useSecureCookies: secure,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const { prisma } = await getServices();
          const header = (name: string) => {
            const v = (req?.headers as Record<string, string | string[] | undefined> | undefined)?.[name];
            return Array.isArray(v) ? v[0] : v;
          };
          const result = await signInWithPassword(prisma, {
            ...parsed.data,
            // Set by the registry's server from the socket (or a trusted proxy): see lib/server/http-server.ts.
            clientAddress: header("x-forwarded-for") ?? "unknown",
            userAgent: header("user-agent"),
          });
          // Same answer for "no such user", "disabled" and "wrong password": nothing to enumerate.
          if (!result.ok) {
            authLog.info("sign-in refused", { email: parsed.data.email.toLowerCase(), reason: result.reason });
            if (result.reason === "rate_limited") throw new Error("RateLimited");
            return null;
          }
          const { user, sessionId } = result;
          return { id: user.id, email: user.email, name: user.name, role: user.role, sessionId };
        },
      }),
    ],
    callbacks: {
      // next-auth's own redirects after sign-in/out follow the same rule as the login page's.
      redirect({ url, baseUrl }) {
        const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
        return baseUrl + safeCallbackPath(path);
      },
      jwt({ token, user }) {
        // `user` is only present right after authorize(); token.sub already holds its id.
        if (user) {
          token.role = user.role;
          token.sid = user.sessionId;
        }
        return token;
      },
      session({ session, token }) {
        return {
          ...session,
          user: { id: token.sub ?? "", email: token.email ?? "", name: token.name ?? "", role: token.role ?? "viewer" },
        };
      },
    },
    events: {
      async signOut({ token }) {
        if (!token?.sid) return;
        const { prisma } = await getServices();
        await signOut(prisma, { sessionId: token.sid });
      },
    },
    logger: {
      error: (code, metadata) => authLog.error(code, { metadata }),
      warn: (code) => authLog.warn(code),
      debug: () => undefined,
    },
  };
}

/** Options for the request being rendered (server components, route handlers). */
export async function currentAuthOptions(): Promise<AuthOptions> {
  return buildAuthOptions({ secure: isSecureOrigin(await headers()) });
}

/**
 * The signed-in user for a page, read through the server-side session (a signed-out, expired or
 * revoked session, or a disabled user, is no one), or undefined.
 */
export const getPageActor = cache(async (): Promise<SessionActor | undefined> => {
  // cache(): the layout and the page both ask during one render; read the session and user once.
  const secure = isSecureOrigin(await headers());
  const cookieHeader = (await cookies()).toString();
  const { prisma, config } = await getServices();
  return actorFromSessionToken(prisma, readSessionToken(cookieHeader, secure), getAuthSecret(config));
});

/**
 * Every page calls this itself (layouts are not re-rendered on client navigation, so they are not
 * an access-control boundary). `returnTo` is where sign-in sends the person back to.
 */
export async function requirePageActor(returnTo: string): Promise<SessionActor> {
  const actor = await getPageActor();
  if (!actor) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  // A generated or reset password is changed before anything else.
  if (actor.mustChangePassword) redirect(`/account/password?callbackUrl=${encodeURIComponent(returnTo)}`);
  return actor;
}

/**
 * Where to go after signing in: only a path on this registry. The value is resolved with the URL
 * API against a placeholder origin and must stay on it; control characters (a tab or newline that a
 * browser strips, turning "/\t/evil.example" into "//evil.example"), backslashes and
 * protocol-relative forms are refused outright. Anything else becomes "/".
 */
export function safeCallbackPath(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || raw.length > 2000 || !raw.startsWith("/")) return "/";
  if (/[\u0000-\u001f\u007f\\]/.test(raw) || raw.startsWith("//")) return "/";
  const origin = "http://registry.invalid";
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return "/";
  }
  if (url.origin !== origin) return "/";
  return url.pathname + url.search + url.hash;
}
