// Roles say what a person may do; token scopes narrow what one credential may do. A request is
// allowed only when both allow it, so a token can never exceed its user's role.
import { z } from "zod";

export const roles = ["viewer", "contributor", "reviewer", "auditor", "admin"] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles).meta({ id: "Role" });

export const scopes = ["read", "write", "review", "admin"] as const;
export type Scope = (typeof scopes)[number];
export const scopeSchema = z.enum(scopes).meta({ id: "Scope" });

/** The scopes a role can hold at most. Auditors read everything (incl. audit and decisions); they do not write. */
export const roleScopes: Record<Role, readonly Scope[]> = {
  viewer: ["read"],
  contributor: ["read", "write"],
  reviewer: ["read", "write", "review"],
  auditor: ["read"],
  admin: ["read", "write", "review", "admin"],
};

export function scopesAllowedFor(role: Role): readonly Scope[] {
  return roleScopes[role];
}

/** Who is making a request. Every audited action records this. */
export type Actor = {
  type: "user" | "bootstrap";
  id: string;
  email: string;
  role: Role;
  /** Effective scopes: the token's scopes intersected with the role's. */
  scopes: Scope[];
  /** The API token that authenticated the request, if one did. */
  tokenId?: string;
  /** The browser session that authenticated the request, if one did. */
  sessionId?: string;
};

export const systemActor = { type: "system", id: "registry" } as const;
