// Browser sign-in with next-auth v4: email + password (Credentials provider) checked against the
// users table, stateless JWT sessions in an encrypted cookie. This module is the Next.js-facing
// side; lib/auth/session.ts turns a session into an Actor for pages and the API alike.
import type { AuthOptions } from "next-auth";
import { getServerSession } from "next-auth/next";
import CredentialsProvider from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { z } from "zod";
import { getConfig } from "../config/index.ts";
import { log } from "../observability/logger.ts";
import { getServices } from "../server/services.ts";
import type { Actor, Role } from "./roles.ts";
import { actorForUserId, getAuthSecret, isSecureOrigin, SESSION_MAX_AGE_SECONDS } from "./session.ts";
import { verifyUserPassword } from "./users.ts";

declare module "next-auth" {
  interface User {
    role: Role;
  }
  interface Session {
    user: { id: string; email: string; name: string; role: Role };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
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
        async authorize(credentials) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const { prisma } = await getServices();
          const user = await verifyUserPassword(prisma, parsed.data.email, parsed.data.password);
          // Same answer for "no such user", "disabled" and "wrong password": nothing to enumerate.
          if (!user) {
            authLog.info("sign-in refused", { email: parsed.data.email.toLowerCase() });
            return null;
          }
          return { id: user.id, email: user.email, name: user.name, role: user.role };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        // `user` is only present right after authorize(); token.sub already holds its id.
        if (user) token.role = user.role;
        return token;
      },
      session({ session, token }) {
        return {
          ...session,
          user: { id: token.sub ?? "", email: token.email ?? "", name: token.name ?? "", role: token.role ?? "viewer" },
        };
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
 * The signed-in user for a page, re-read from the database (a disabled user or a changed role
 * takes effect at once), or undefined.
 */
export const getPageActor = cache(async (): Promise<Actor | undefined> => {
  // cache(): the layout and the page both ask during one render; read the session and user once.
  const session = await getServerSession(await currentAuthOptions());
  if (!session?.user?.id) return undefined;
  const { prisma } = await getServices();
  return actorForUserId(prisma, session.user.id);
});

/**
 * Every page calls this itself (layouts are not re-rendered on client navigation, so they are not
 * an access-control boundary). `returnTo` is where sign-in sends the person back to.
 */
export async function requirePageActor(returnTo: string): Promise<Actor> {
  const actor = await getPageActor();
  if (!actor) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return actor;
}

/** Only same-site relative paths: a crafted `?callbackUrl=https://evil.example` must not redirect away. */
export function safeCallbackPath(value: string | string[] | undefined): string {
  const path = Array.isArray(value) ? value[0] : value;
  if (!path || !path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return "/";
  return path;
}
