// Single sign-on settings: the raw strings from the environment (lib/config) turned into typed
// rules. Parsed here rather than in lib/config because only lib/auth knows the roles; the server
// calls parseSsoSettings at start, so a bad mapping stops it instead of failing someone's sign-in.
import { z } from "zod";
import { ConfigError, type Config } from "../../config/index.ts";
import { roles, type Role } from "../roles.ts";

export const ssoProviderIds = ["oidc", "github"] as const;
export type SsoProviderId = (typeof ssoProviderIds)[number];

/** One mapping entry: people whose claim (or GitHub org/team) holds `value` get `role`. */
export type RoleRule = { value: string; role: Role };

type Common = {
  /**
   * When set, the identity provider owns the role: it is recomputed at every sign-in and is
   * read-only in the registry. Entries are tried in order; the first that matches wins.
   */
  roleRules?: RoleRule[];
  /** The role when no rule matches (or of a new user when there are no rules); null refuses the sign-in. */
  defaultRole: Role | null;
  /** Lower-case email domains allowed to sign in; empty allows any. */
  allowedDomains: string[];
};

export type OidcSettings = Common & {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: string;
  /** Where the role values are in the ID token's claims: a claim name or a dotted path (`realm_access.roles`). */
  roleClaim: string;
  /** Treat the provider's email as verified even without `email_verified: true`. */
  trustEmail: boolean;
};

export type GitHubSettings = Common & { clientId: string; clientSecret: string; url: string; apiUrl: string };

export type SsoSettings = { oidc?: OidcSettings; github?: GitHubSettings };

const mappingSchema = z.record(z.string().min(1).max(500), z.enum(roles));

function parseMapping(name: string, raw: string | undefined, { lowerCase }: { lowerCase: boolean }): RoleRule[] | undefined {
  if (raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError([`${name}: must be a JSON object of value → role, e.g. {"registry-admins":"admin","ml-reviewers":"reviewer"}`]);
  }
  const parsed = mappingSchema.safeParse(json);
  if (!parsed.success || Object.keys(parsed.data).length === 0)
    throw new ConfigError([`${name}: must be a non-empty JSON object whose values are roles (${roles.join(", ")})`]);
  // JSON objects keep the order of their (non-numeric) keys: the operator's order is the priority.
  return Object.entries(parsed.data).map(([value, role]) => ({ value: lowerCase ? value.toLowerCase() : value, role }));
}

/**
 * Unset, the default is the closed one wherever "anyone the provider knows" would be too many: with
 * a mapping (people no entry matches stay out) and for GitHub (everyone has a GitHub account).
 */
function parseDefaultRole(name: string, raw: string | undefined, fallback: Role | null): Role | null {
  if (raw === undefined) return fallback;
  if (raw === "none") return null;
  const parsed = z.enum(roles).safeParse(raw);
  if (!parsed.success) throw new ConfigError([`${name}: must be one of ${roles.join(", ")}, or none`]);
  return parsed.data;
}

function parseDomains(name: string, raw: string | undefined): string[] {
  if (!raw) return [];
  const domains = raw.split(",").map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean);
  const bad = domains.filter((d) => !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d));
  if (bad.length) throw new ConfigError([`${name}: not a domain: ${bad.join(", ")}`]);
  return domains;
}

const parsedFor = new WeakMap<Config["sso"], SsoSettings>();

/** The typed SSO settings; throws ConfigError naming the variable when one is malformed. */
export function parseSsoSettings(sso: Config["sso"]): SsoSettings {
  const cached = parsedFor.get(sso);
  if (cached) return cached;
  const settings: SsoSettings = {};
  if (sso.oidc) {
    const o = sso.oidc;
    settings.oidc = {
      issuer: o.issuer,
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      name: o.name,
      scopes: o.scopes.split(/\s+/).includes("openid") ? o.scopes : `openid ${o.scopes}`,
      roleClaim: o.roleClaim,
      trustEmail: o.trustEmail,
      roleRules: parseMapping("OIDC_ROLE_MAPPING", o.roleMapping, { lowerCase: false }),
      defaultRole: parseDefaultRole("OIDC_DEFAULT_ROLE", o.defaultRole, o.roleMapping ? null : "viewer"),
      allowedDomains: parseDomains("OIDC_ALLOWED_DOMAINS", o.allowedDomains),
    };
  }
  if (sso.github) {
    const g = sso.github;
    settings.github = {
      clientId: g.clientId,
      clientSecret: g.clientSecret,
      url: g.url,
      apiUrl: g.apiUrl,
      // GitHub org and team slugs are case-insensitive.
      roleRules: parseMapping("GITHUB_ROLE_MAPPING", g.roleMapping, { lowerCase: true }),
      defaultRole: parseDefaultRole("GITHUB_DEFAULT_ROLE", g.defaultRole, null),
      allowedDomains: parseDomains("GITHUB_ALLOWED_DOMAINS", g.allowedDomains),
    };
  }
  parsedFor.set(sso, settings);
  return settings;
}

/** The providers offered on the sign-in page, in display order. */
export function ssoProviders(settings: SsoSettings): { id: SsoProviderId; name: string }[] {
  return [...(settings.oidc ? [{ id: "oidc" as const, name: settings.oidc.name }] : []), ...(settings.github ? [{ id: "github" as const, name: "GitHub" }] : [])];
}

/**
 * The role a mapping gives someone holding `values` (group names, roles, GitHub `org` and
 * `org/team`): the first rule whose value they hold; else the default (null: no access).
 */
export function resolveRole(rules: RoleRule[], values: readonly string[], defaultRole: Role | null): Role | null {
  const held = new Set(values);
  return rules.find((r) => held.has(r.value))?.role ?? defaultRole;
}

/**
 * The values at a claim path in an ID token: a string or an array of strings (anything else is
 * ignored). `realm_access.roles` walks nested objects; a claim whose own name contains dots (as
 * URLs used as claim names do) is found first.
 */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = path in claims ? claims[path] : path.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), claims);
  if (typeof value === "string") value = [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string").slice(0, 1000) : [];
}
