// next-auth's endpoints (/api/auth/csrf, /callback/credentials, /session, /signout, …). Options are
// built per request because the cookie flavour (Secure or not) follows the request's protocol.
// A password sign-in while the account or the client address is over its failure limit is answered
// here with 429 and Retry-After, before next-auth runs.
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { buildAuthOptions } from "@/app/_lib/next-auth";
import { isSecureOrigin } from "@/lib/auth/session";
import { signInRetryAfter } from "@/lib/auth/sign-in";
import { getServices } from "@/lib/server/services";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(request: NextRequest, context: RouteContext): Promise<Response> {
  const { nextauth } = await context.params;
  // Set by the registry's server from the socket (or a trusted proxy): see lib/server/http-server.ts.
  const clientAddress = request.headers.get("x-forwarded-for") ?? "unknown";
  if (request.method === "POST" && nextauth.join("/") === "callback/credentials") {
    const form = await request.clone().formData().catch(() => undefined);
    const email = String(form?.get("email") ?? "").trim();
    const retryAfter = email ? await signInRetryAfter((await getServices()).prisma, { email, clientAddress }) : 0;
    if (retryAfter > 0) {
      // The shape next-auth's client expects ({url} with ?error=), so signIn() reports the reason.
      return Response.json(
        { url: new URL(`/login?error=RateLimited&retryAfter=${retryAfter}`, request.nextUrl.origin).toString(), error: "RateLimited", retryAfter },
        { status: 429, headers: { "retry-after": String(retryAfter), "cache-control": "no-store" } },
      );
    }
  }
  const client = { clientAddress, userAgent: request.headers.get("user-agent") ?? undefined };
  // callback/<provider> and signin/<provider>: which provider a failure is about, for the audit log.
  const provider = nextauth[0] === "callback" || nextauth[0] === "signin" ? nextauth[1] : undefined;
  return NextAuth(request, context, buildAuthOptions({ secure: isSecureOrigin(request.headers), client, provider }));
}

export { handler as GET, handler as POST };
