// Single sign-on as next-auth providers, and the decision next-auth's signIn callback asks for.
// next-auth (through openid-client) does the protocol: discovery, PKCE, state, nonce, the code
// exchange and ID-token verification. Who the person is here and what they may do is decided by
// signInWithIdentity; nothing in this file needs Next.
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { Db } from "../../db/types.ts";
import type { Role } from "../roles.ts";
import type { SignInContext } from "../sign-in.ts";
import { fetchGitHubIdentity, identityFromOidcClaims, issuerMatches, type ExternalIdentity } from "./identity.ts";
import type { GitHubSettings, OidcSettings, SsoProviderId, SsoSettings } from "./settings.ts";
import { recordSsoFailure, signInWithIdentity } from "./sign-in.ts";

/**
 * What a provider's profile() hands to signIn(): only raw material. Nothing in profile() may throw:
 * next-auth swallows such errors and sends the person to the sign-in page with no reason and no
 * audit, so every judgement happens in decideSsoSignIn.
 */
export type SsoProfileUser = { id: string; role: Role; sessionId: string; sso: { provider: "oidc"; claims: Record<string, unknown> } | { provider: "github"; identity: ExternalIdentity } };

function oidcProvider(settings: OidcSettings): OAuthConfig<Record<string, unknown>> {
  return {
    id: "oidc",
    name: settings.name,
    type: "oauth",
    wellKnown: `${settings.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    authorization: { params: { scope: settings.scopes } },
    // The profile is the verified ID token's claims (signature, audience, expiry and nonce checked by openid-client).
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    profile: (claims): SsoProfileUser => ({ id: `oidc:${String(claims.sub)}`, role: "viewer", sessionId: "", sso: { provider: "oidc", claims } }),
  };
}

/**
 * GitHub's OAuth app flow (GitHub is not an OIDC provider for people). The URLs are configurable
 * for GitHub Enterprise Server. The user, the verified primary email and, with a role mapping, the
 * person's organisations and teams are read with their access token.
 */
function githubProvider(settings: GitHubSettings): OAuthConfig<Record<string, unknown>> {
  return {
    id: "github",
    name: "GitHub",
    type: "oauth",
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    checks: ["state"],
    authorization: { url: `${settings.url}/login/oauth/authorize`, params: { scope: `read:user user:email${settings.roleRules ? " read:org" : ""}` } },
    token: `${settings.url}/login/oauth/access_token`,
    userinfo: {
      url: `${settings.apiUrl}/user`,
      async request({ tokens }) {
        if (!tokens.access_token) throw new Error("GitHub returned no access token");
        const identity = await fetchGitHubIdentity(settings, tokens.access_token);
        return { sub: identity.subject, identity };
      },
    },
    profile: (profile): SsoProfileUser => {
      const identity = profile.identity as ExternalIdentity;
      return { id: `github:${identity.subject}`, role: "viewer", sessionId: "", sso: { provider: "github", identity } };
    },
  };
}

/** next-auth providers for the configured single sign-on. */
export function ssoAuthProviders(sso: SsoSettings): OAuthConfig<Record<string, unknown>>[] {
  return [...(sso.oidc ? [oidcProvider(sso.oidc)] : []), ...(sso.github ? [githubProvider(sso.github)] : [])];
}

export type SsoDecision = { ok: true; user: { id: string; email: string; name: string; role: Role }; sessionId: string } | { ok: false; redirectTo: string };

/** The registry's answer to one completed provider round trip: a session, or where to send the person and why. */
export async function decideSsoSignIn(db: Db, { profile, sso, client }: { profile: SsoProfileUser["sso"] | undefined; sso: SsoSettings; client: SignInContext }): Promise<SsoDecision> {
  if (!profile) return { ok: false, redirectTo: "/login?error=SsoFailed" };
  let identity: ExternalIdentity;
  if (profile.provider === "oidc") {
    const settings = sso.oidc;
    const subject = typeof profile.claims.sub === "string" ? profile.claims.sub : undefined;
    if (!settings || !subject || !issuerMatches(profile.claims, settings)) {
      await recordSsoFailure(db, { provider: "oidc", subject, reason: "issuer_mismatch", detail: String(profile.claims.iss), ...client });
      return { ok: false, redirectTo: "/login?error=sso_issuer_mismatch" };
    }
    identity = identityFromOidcClaims(profile.claims, settings);
  } else {
    identity = profile.identity;
  }
  const result = await signInWithIdentity(db, { identity, sso, ...client });
  if (!result.ok) return { ok: false, redirectTo: `/login?error=sso_${result.reason}` };
  const { id, email, name, role } = result.user;
  return { ok: true, user: { id, email, name, role }, sessionId: result.sessionId };
}

/** next-auth's logger codes for a provider round trip that failed before the registry's rules ran. */
const oauthFailureCodes = new Set(["OAUTH_CALLBACK_ERROR", "OAUTH_CALLBACK_HANDLER_ERROR", "SIGNIN_OAUTH_ERROR", "OAUTH_GET_ACCESS_TOKEN_ERROR", "OAUTH_PARSE_PROFILE_ERROR", "CALLBACK_OAUTH_ERROR"]);

/** Audits such a failure (state, PKCE or nonce mismatch, the provider's error, GitHub's API down). */
export async function recordOAuthFailure(db: Db, { code, provider, client }: { code: string; provider: string | undefined; client: SignInContext }): Promise<boolean> {
  if (!oauthFailureCodes.has(code) || (provider !== "oidc" && provider !== "github")) return false;
  await recordSsoFailure(db, { provider: provider as SsoProviderId, reason: "provider_error", detail: code, ...client });
  return true;
}
