// A real OpenID Connect provider for tests: node-oidc-provider (the certified implementation
// behind many production IdPs) on a local port, with its development login and consent screens.
// Tests decide what each account's ID token says (email, email_verified, groups) and may change it
// between sign-ins, as an administrator would at Keycloak or Okta.
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Configuration } from "oidc-provider";

export type TestAccountClaims = { email?: string; email_verified?: boolean | string; name?: string; groups?: string[] };

export type TestOidcProvider = {
  /** The issuer URL: what OIDC_ISSUER is set to. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registers the registry as a client once its callback URL is known (the registry needs the issuer first). */
  allowClient(redirectUri: string): void;
  /** Sets what the ID token of the account signed in as `login` claims. */
  setAccount(login: string, claims: TestAccountClaims): void;
  stop(): Promise<void>;
};

export async function startOidcProvider(): Promise<TestOidcProvider> {
  const accounts = new Map<string, TestAccountClaims>();
  let handler: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined;
  const server = http.createServer((req, res) => {
    if (handler) return handler(req, res);
    res.writeHead(503).end("provider not configured yet");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "model-registry";
  const clientSecret = "model-registry-test-secret-0123456789";

  return {
    issuer,
    clientId,
    clientSecret,
    allowClient(redirectUri) {
      const configuration: Configuration = {
        clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], response_types: ["code"], grant_types: ["authorization_code"] }],
        cookies: { keys: ["oidc-test-cookie-key-0123456789"] },
        claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
        // Keycloak, Okta and Entra ID put the requested claims in the ID token; so does this provider.
        conformIdTokenClaims: false,
        features: { devInteractions: { enabled: true } },
        ttl: { Session: 3600, Grant: 3600, Interaction: 600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
        findAccount(_ctx, id) {
          return { accountId: id, claims: () => ({ sub: id, ...(accounts.get(id) ?? {}) }) };
        },
      };
      const provider = new Provider(issuer, configuration);
      // The development screens warn on every start; that noise is not a test failure.
      provider.on("server_error", (_ctx, error) => console.error("oidc-provider:", error));
      const callback = provider.callback();
      handler = (req, res) => void callback(req, res);
    },
    setAccount(login, claims) {
      accounts.set(login, claims);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Jar = Map<string, string>;

function store(jar: Jar, res: Response): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const eq = pair!.indexOf("=");
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1);
    // An expired or emptied cookie is a deletion.
    if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) jar.delete(name);
    else jar.set(name, value);
  }
}

const header = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

export type SsoSignInOutcome = {
  /** The registry's cookies after the flow (a session cookie when it succeeded). */
  cookie: string;
  /** Where the registry finally sent the browser (the callbackUrl, or /login?error=…). */
  location: string;
  signedIn: boolean;
};

/**
 * Drives the authorization-code flow over HTTP as a browser would: the registry's sign-in endpoint
 * (with its CSRF token), the provider's login and consent forms (logging in as `login`), and the
 * registry's callback.
 */
export async function signInThroughOidc(registryUrl: string, login: string, { callbackUrl = "/" }: { callbackUrl?: string } = {}): Promise<SsoSignInOutcome> {
  const registry: Jar = new Map();
  const idp: Jar = new Map();
  const csrfRes = await fetch(`${registryUrl}/api/auth/csrf`);
  store(registry, csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const start = await fetch(`${registryUrl}/api/auth/signin/oidc`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header(registry), origin: registryUrl },
    body: new URLSearchParams({ csrfToken, callbackUrl }),
  });
  store(registry, start);
  let url: string | null = start.headers.get("location");
  if (!url) throw new Error(`the registry did not redirect to the provider (${start.status})`);
  let init: RequestInit | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const target: URL = new URL(url, registryUrl);
    const onRegistry = target.origin === new URL(registryUrl).origin;
    const jar = onRegistry ? registry : idp;
    const res: Response = await fetch(target, { ...init, redirect: "manual", headers: { ...(init?.headers as Record<string, string>), cookie: header(jar) } });
    store(jar, res);
    init = undefined;
    const location: string | null = res.headers.get("location");
    if (onRegistry && target.pathname.startsWith("/api/auth/callback/")) {
      if (!location) throw new Error(`the registry's callback answered ${res.status} without a redirect`);
      const signedIn = [...registry.keys()].some((k) => /^(__Secure-)?next-auth\.session-token/.test(k));
      return { cookie: header(registry), location: new URL(location, registryUrl).toString(), signedIn };
    }
    if (location) {
      url = new URL(location, target).toString();
      continue;
    }
    // A login or consent form: submit it like a person would.
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`unexpected page at ${target}: ${res.status} ${html.slice(0, 200)}`);
    const form = new URLSearchParams();
    for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) form.set(m[1]!, m[2]!);
    if (form.get("prompt") === "login") {
      form.set("login", login);
      form.set("password", "any");
    }
    url = new URL(action.replace(/&amp;/g, "&"), target).toString();
    init = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form };
  }
  throw new Error("too many redirects in the sign-in flow");
}
