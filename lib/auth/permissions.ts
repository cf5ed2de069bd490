// The one permission table. Every route handler, server action, page and direct CLI command asks
// `authorize()` (or `assertAllowed()`) with an action from this table; nothing else decides who may
// do what. docs/security.md shows this table, generated from it (npm run docs:security).
//
// A request's rights are the user's role ∩ the credential's scopes: an action is allowed when the
// actor's role is among the action's roles AND the credential holds the action's scope. A browser
// session carries all the scopes its role allows; an API token carries the scopes it was minted
// with (never more than its role allows, and narrowed at once when the role changes).
//
// Some actions also have a resource rule: `owner` means the model's owners may do it, and so may a
// credential that holds the `admin` scope (an admin's write-only CI token is treated like any
// contributor's: it may not write to models it does not own).
import { AppError } from "../errors/app-error.ts";
import type { Actor, Role, Scope } from "./roles.ts";

const everyone = ["viewer", "contributor", "reviewer", "auditor", "admin"] as const satisfies readonly Role[];
const writers = ["contributor", "reviewer", "admin"] as const satisfies readonly Role[];
const reviewers = ["reviewer", "admin"] as const satisfies readonly Role[];
const auditors = ["auditor", "admin"] as const satisfies readonly Role[];
const admins = ["admin"] as const satisfies readonly Role[];
const forAdmins = { roles: admins, roleCode: "admin_required" } as const;
const forAuditors = { roles: auditors, roleCode: "auditor_required" } as const;
const forReviewers = { roles: reviewers, roleCode: "reviewer_required" } as const;

export type PermissionRule = {
  /** The token scope the credential must hold. */
  scope: Scope;
  /** The roles that may do it at all. */
  roles: readonly Role[];
  /**
   * A further rule on the resource acted on: `owner` — the model's owners; `owner_or_reviewer` —
   * the model's owners or anyone holding the reviewer role; `requester` — whoever made the request.
   * A credential with the admin scope passes all three.
   */
  resource?: "owner" | "owner_or_reviewer" | "requester";
  /** Only a browser session may do it (never an API token or the bootstrap token). */
  sessionOnly?: boolean;
  /** Only a person's own credential (their session or a token they minted), never the bootstrap token, which is nobody's. */
  personal?: boolean;
  /** The error code when the role does not allow it (clients branch on it); default role_forbidden. */
  roleCode?: string;
  description: string;
};

export const permissions = {
  "model.read": { scope: "read", roles: everyone, description: "Read models, versions, files, checks, policies and aliases" },
  "model.create": { scope: "write", roles: writers, description: "Create a model; the creator becomes its owner" },
  "model.edit": { scope: "write", roles: writers, resource: "owner", description: "Change a model's description and tags" },
  "version.upload": { scope: "write", roles: writers, resource: "owner", description: "Upload a new version of a model" },
  "checks.run": { scope: "write", roles: writers, resource: "owner", description: "Queue a rerun of a version's checks" },
  "model.manage_owners": { scope: "admin", ...forAdmins, description: "Assign a model's owners" },
  "policy.manage": { scope: "admin", ...forAdmins, description: "Change a model's stage-policy thresholds" },
  "promotion.request": { scope: "write", roles: writers, resource: "owner", description: "Request a version's promotion to staging or prod" },
  "promotion.cancel": { scope: "write", roles: writers, resource: "requester", description: "Cancel an open promotion request (its requester, or an admin)" },
  "promotion.approve": { scope: "review", ...forReviewers, personal: true, description: "Approve or reject a promotion request (never one's own upload)" },
  "promotion.rollback": { scope: "write", roles: writers, resource: "owner_or_reviewer", description: "Roll prod back to an earlier prod version (reviewers, the model's owners, admins)" },
  "alias.manage": { scope: "write", roles: writers, resource: "owner", description: "Point or remove a custom alias (champion, challenger…); prod and staging move only through promotion" },
  "audit.read": { scope: "read", ...forAuditors, description: "Read and verify the audit log" },
  "decisions.read": { scope: "read", ...forAuditors, description: "Read the decisions ledger: decisions, their lineage as of the decision, replays" },
  "decisions.replay": { scope: "read", ...forAuditors, description: "Replay decisions on the exact version that made them (audited)" },
  "decisions.report": { scope: "write", roles: writers, resource: "owner", description: "Report decisions made by an external server with a version of a model one owns" },
  "predict": { scope: "read", roles: everyone, description: "Run a model's prod or staging alias through the registry (each decision is logged)" },
  "predict.any": { scope: "write", roles: writers, resource: "owner", description: "Run any version of a model one owns through the registry, not only prod and staging" },
  "users.manage": { scope: "admin", ...forAdmins, description: "Create users, change roles, disable, reset passwords" },
  "tokens.own": { scope: "read", roles: everyone, description: "Mint, list and revoke one's own API tokens (a token mints only narrower, shorter-lived tokens)" },
  "tokens.manage": { scope: "admin", ...forAdmins, description: "List and revoke anyone's tokens; mint tokens for other users (never with the review scope)" },
  "account.password": { scope: "read", roles: everyone, sessionOnly: true, description: "Change one's own password (the current one is required)" },
  "webhooks.manage": { scope: "admin", ...forAdmins, description: "Create, list and delete webhooks; redeliver" },
} as const satisfies Record<string, PermissionRule>;

export type Action = keyof typeof permissions;
export const actions = Object.keys(permissions) as Action[];

/** What an action is done to, when its rule looks at the resource. */
export type Resource = { owners?: readonly string[]; requesterId?: string | null };

export type Decision =
  | { allowed: true }
  | { allowed: false; status: 401 | 403; code: string; message: string };

/** The one permission check. `undefined` actor = no credential at all. */
export function authorize(actor: Actor | undefined, action: Action, resource?: Resource): Decision {
  const rule: PermissionRule = permissions[action];
  if (!actor) return { allowed: false, status: 401, code: "authentication_required", message: "sign in or send an API token as 'Authorization: Bearer <token>'" };
  // The credential first: a read-only token is refused as such whatever its user's role.
  if (!actor.scopes.includes(rule.scope))
    return { allowed: false, status: 403, code: "insufficient_scope", message: `this requires the '${rule.scope}' scope, which this credential does not have` };
  if (!rule.roles.includes(actor.role))
    return {
      allowed: false,
      status: 403,
      code: rule.roleCode ?? "role_forbidden",
      message: `a ${actor.role} may not do this (${rule.description.toLowerCase()}); it takes the role ${rule.roles.join(" or ")}`,
    };
  if (rule.sessionOnly && !actor.sessionId)
    return { allowed: false, status: 403, code: "session_required", message: "this can only be done signed in, in the browser, not with an API token" };
  if (rule.personal && actor.type !== "user")
    return { allowed: false, status: 403, code: "personal_credential_required", message: "this is done by a person with their own session or token, not the bootstrap token" };
  if (resource && !actor.scopes.includes("admin")) {
    const owner = resource.owners?.includes(actor.id) ?? false;
    if ((rule.resource === "owner" && !owner) || (rule.resource === "owner_or_reviewer" && !owner && actor.role !== "reviewer"))
      return {
        allowed: false,
        status: 403,
        code: "not_model_owner",
        message: `only the model's owners${rule.resource === "owner_or_reviewer" ? ", reviewers" : ""} (or an admin) may do this; ask an admin to add you as an owner`,
      };
    if (rule.resource === "requester" && resource.requesterId !== actor.id)
      return { allowed: false, status: 403, code: "not_requester", message: "only whoever made the request (or an admin) may do this" };
  }
  return { allowed: true };
}

export function can(actor: Actor | undefined, action: Action, resource?: Resource): boolean {
  return authorize(actor, action, resource).allowed;
}

/** authorize(), throwing the refusal as a 401/403 problem. */
export function assertAllowed(actor: Actor | undefined, action: Action, resource?: Resource): asserts actor is Actor {
  const decision = authorize(actor, action, resource);
  if (decision.allowed) return;
  throw new AppError(
    decision.status === 401 ? "unauthorized" : "forbidden",
    decision.code,
    decision.message,
    undefined,
    decision.status === 401 ? { "WWW-Authenticate": 'Bearer realm="model-registry"' } : undefined,
  );
}
