// next-auth's endpoints (/api/auth/csrf, /callback/credentials, /session, /signout, …). Options are
// built per request because the cookie flavour (Secure or not) follows the request's protocol.
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { buildAuthOptions } from "@/lib/auth/next-auth";
import { isSecureOrigin } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(request: NextRequest, context: RouteContext): Promise<Response> {
  return NextAuth(request, context, buildAuthOptions({ secure: isSecureOrigin(request.headers) }));
}

export { handler as GET, handler as POST };
