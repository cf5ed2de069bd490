// Signs in through next-auth's credentials flow over plain HTTP, as a browser would (CSRF token,
// form POST, session cookie), so tests can call the API and server actions with a real session.
export type BrowserSession = { cookie: string };

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

export async function signIn(baseUrl: string, email: string, password: string): Promise<BrowserSession> {
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = cookiesOf(csrfRes);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; "), origin: baseUrl },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/" }),
  });
  const session = cookiesOf(res).find((c) => c.startsWith("next-auth.session-token") || c.startsWith("__Secure-next-auth.session-token"));
  if (!session) throw new Error(`sign-in as ${email} failed: ${res.status} ${res.headers.get("location")}`);
  return { cookie: [...jar, session].join("; ") };
}
