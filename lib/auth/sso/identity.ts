// What an identity provider told us about the person signing in, in one shape for every provider.
import { claimValues, type GitHubSettings, type OidcSettings, type SsoProviderId } from "./settings.ts";

export type ExternalIdentity = {
  provider: SsoProviderId;
  /** Who issued the subject: the OIDC issuer, or the GitHub (Enterprise) URL. Subjects are unique only per issuer. */
  issuer: string;
  /** The provider's stable account id (OIDC `sub`, GitHub's numeric user id). */
  subject: string;
  email?: string;
  /** The provider vouches that the person controls `email`. */
  emailVerified: boolean;
  name?: string;
  /** What the role mapping is matched against: the role claim's values, or GitHub `org` and `org/team`. */
  roleValues: string[];
};

const text = (v: unknown, max: number) => (typeof v === "string" && v.trim() ? v.trim().slice(0, max) : undefined);

/**
 * An email the registry can match on: ASCII only (lower-casing "\u212Aim@…" gives "kim@…", so a
 * non-ASCII address could collide with someone else's) and the shape name@domain.
 */
function usableEmail(v: unknown): string | undefined {
  // Checked before lower-casing: the Kelvin sign would already have become a plain "k".
  const raw = text(v, 320);
  if (!raw || !/^[\x21-\x7e]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(raw) || /[<>()[\]\\,;:"@]/.test(raw.slice(0, raw.lastIndexOf("@")))) return undefined;
  return raw.toLowerCase();
}

/** From a verified ID token's claims (next-auth and openid-client have checked issuer, audience, signature and expiry). */
export function identityFromOidcClaims(claims: Record<string, unknown>, settings: OidcSettings): ExternalIdentity {
  const subject = text(claims.sub, 255);
  if (!subject) throw new Error("the ID token has no sub claim");
  // Some providers send the boolean as a string ("true").
  const verified = claims.email_verified === true || claims.email_verified === "true";
  return {
    provider: "oidc",
    // The configured issuer, not the token's: sign-in refuses a token whose `iss` differs (see issuerMatches).
    issuer: settings.issuer,
    subject,
    email: usableEmail(claims.email),
    emailVerified: settings.trustEmail || verified,
    name: text(claims.name, 200) ?? text(claims.preferred_username, 200),
    roleValues: claimValues(claims, settings.roleClaim),
  };
}

type GitHubUser = { id: number; login: string; name?: string | null };
type GitHubEmail = { email: string; primary: boolean; verified: boolean };
type GitHubOrg = { login: string };
type GitHubTeam = { slug: string; organization: { login: string } };

/**
 * Everything the registry needs from GitHub's API with the person's access token: the user, the
 * primary email with GitHub's verified flag, and (only when a role mapping is configured, which
 * needs the `read:org` scope) their organisations and teams.
 */
export async function fetchGitHubIdentity(settings: GitHubSettings, accessToken: string, fetchImpl: typeof fetch = fetch): Promise<ExternalIdentity> {
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetchImpl(`${settings.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/vnd.github+json", "user-agent": "model-registry" },
      redirect: "error",
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`GitHub ${path} answered ${res.status}`);
    return (await res.json()) as T;
  };
  // Memberships can span pages; 10 pages of 100 is more than anyone's teams.
  const all = async <T>(path: string): Promise<T[]> => {
    const out: T[] = [];
    for (let page = 1; page <= 10; page++) {
      const batch = await get<T[]>(`${path}?per_page=100&page=${page}`);
      out.push(...batch);
      if (batch.length < 100) break;
    }
    return out;
  };
  const user = await get<GitHubUser>("/user");
  const emails = await get<GitHubEmail[]>("/user/emails");
  const primary = emails.find((e) => e.primary);
  const roleValues: string[] = [];
  if (settings.roleRules) {
    const [orgs, teams] = await Promise.all([all<GitHubOrg>("/user/orgs"), all<GitHubTeam>("/user/teams")]);
    roleValues.push(...orgs.map((o) => o.login.toLowerCase()), ...teams.map((t) => `${t.organization.login}/${t.slug}`.toLowerCase()));
  }
  return {
    provider: "github",
    issuer: settings.url,
    subject: String(user.id),
    email: usableEmail(primary?.email),
    emailVerified: primary?.verified === true,
    name: text(user.name, 200) ?? user.login,
    roleValues,
  };
}

/**
 * Whether an ID token was issued by the configured issuer. openid-client checks the token against
 * the issuer named in the discovery document; this pins that to OIDC_ISSUER, so a multi-tenant
 * endpoint (Entra ID's /common) cannot admit tokens from every tenant.
 */
export function issuerMatches(claims: Record<string, unknown>, settings: OidcSettings): boolean {
  const strip = (s: string) => s.replace(/\/+$/, "");
  return typeof claims.iss === "string" && strip(claims.iss) === strip(settings.issuer);
}
