// Browser sign-in with next-auth v4, the Next.js-facing side of lib/auth: email + password
// (Credentials provider, through lib/auth/sign-in.ts: rate limits, audit, a server-side session)
// and single sign-on through an OIDC provider and/or GitHub (lib/auth/sso: linking, role mapping,
// audit, the same server-side session). The encrypted JWT cookie only carries the session id (`sid`);
// lib/auth/session.ts turns a cookie into an Actor for pages and the API alike.
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { z } from "zod";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import type { Role } from "@/lib/auth/roles";
import { actorFromSessionToken, getAuthSecret, isSecureOrigin, readSessionToken } from "@/lib/auth/session";
import { SESSION_MAX_AGE_SECONDS, type SessionActor } from "@/lib/auth/sessions";
import { signInWithPassword, signOut, type SignInContext } from "@/lib/auth/sign-in";
import { decideSsoSignIn, recordOAuthFailure, ssoAuthProviders, type SsoProfileUser } from "@/lib/auth/sso/next-auth";
import { parseSsoSettings, ssoProviders } from "@/lib/auth/sso/settings";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/observability/logger";
import { getServices } from "@/lib/server/services";

declare module "next-auth" {
  interface User {
    role: Role;
    sessionId: string;
    /** Single sign-on only: what the provider asserted, until signIn() decides who that is. */
    sso?: SsoProfileUser["sso"];
  }
  interface Session {
    user: { id: string };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
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
 * next-auth v4 wants NEXTAUTH_URL to know its own origin. The registry must work on any port and
 * behind any proxy without extra configuration, so unless an operator pins NEXTAUTH_URL we let
 * next-auth derive the origin from the request's host and x-forwarded-proto, which the registry's
 * server (lib/server/http-server.ts) sets from the socket or, with TRUST_PROXY, from the proxy.
 */
function trustRequestHost(): void {
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";
}

/** The single sign-on providers configured for this registry (for the sign-in page). */
export function configuredSsoProviders(): { id: string; name: string }[] {
  return ssoProviders(parseSsoSettings(getConfig().sso));
}

/**
 * The options for one request. `secure` must be derived from the request (isSecureOrigin) the same
 * way everywhere, because it picks the cookie's name: pages, the next-auth route and the API must
 * all look for the cookie next-auth set. `client` is who is asking (for the audit trail and the
 * rate limits); `provider` is the provider a sign-in or callback request is for, if any.
 */
export function buildAuthOptions({ secure, client, provider }: { secure: boolean; client: SignInContext; provider?: string }): AuthOptions {
  trustRequestHost();
  const config = getConfig();
  const sso = parseSsoSettings(config.sso);
  return {
    secret: getAuthSecret(config),
    useSecureCookies: secure,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const { prisma } = await getServices();
          const result = await signInWithPassword(prisma, { ...parsed.data, ...client });
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
      ...ssoAuthProviders(sso),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider === "credentials") return true;
        try {
          const { prisma } = await getServices();
          const decision = await decideSsoSignIn(prisma, { profile: user.sso, sso, client });
          if (!decision.ok) return decision.redirectTo;
          // next-auth hands this same object to jwt() below (no adapter): from here on it is the
          // registry's user and session, not the provider's account.
          Object.assign(user, { ...decision.user, sessionId: decision.sessionId, sso: undefined });
          return true;
        } catch (error) {
          authLog.error("single sign-on failed", { provider: account?.provider, error: error instanceof Error ? error.message : String(error) });
          return "/login?error=SsoFailed";
        }
      },
      // next-auth's own redirects after sign-in/out follow the same rule as the login page's.
      redirect({ url, baseUrl }) {
        const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
        return baseUrl + safeCallbackPath(path);
      },
      // The cookie carries the user's id and the session id, nothing else: role, name and email are
      // read from the database on every request (lib/auth/sessions.ts), so they are never stale.
      jwt({ token, user }) {
        return user ? { sub: user.id, sid: user.sessionId } : { sub: token.sub, sid: token.sid };
      },
      session({ session, token }) {
        return { ...session, user: { id: token.sub ?? "" } };
      },
    },
    events: {
      async signOut({ token }) {
        if (!token?.sid) return;
        const { prisma } = await getServices();
        await signOut(prisma, { sessionId: token.sid, clientAddress: client.clientAddress });
      },
    },
    logger: {
      error: (code, metadata) => {
        // Metadata can hold a provider's claims (personal data): only the error's message is logged.
        const message = metadata instanceof Error ? metadata.message : (metadata as { error?: Error } | undefined)?.error?.message;
        authLog.error(code, { message, provider });
        void getServices()
          .then(({ prisma }) => recordOAuthFailure(prisma, { code, provider, client }))
          .catch((error: unknown) => authLog.error("could not audit a failed sign-in", { error: String(error) }));
      },
      warn: (code) => authLog.warn(code),
      debug: () => undefined,
    },
  };
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
