// Every REST endpoint of API v1: the contract outside scripts rely on (docs/api.md).
// lib/api/handlers.ts implements them, lib/api/serve.ts routes requests to them and
// lib/api/openapi.ts documents them.
import { z } from "zod";
import { auditEventSchema, auditQuery } from "../audit/list-events.ts";
import { emailSchema } from "../schemas/email.ts";
import { actions } from "../auth/permissions.ts";
import { roleSchema, scopeSchema } from "../auth/roles.ts";
import { MIN_PASSWORD_LENGTH } from "../auth/users.ts";
import { defineEndpoint } from "./endpoint.ts";
import { pageSchema, paginationQuery } from "../http/pagination.ts";
import { problemSchema } from "../http/problem.ts";
import { createModelBody, modelViewSchema, setOwnersBody, updateModelBody } from "../registry/models.ts";
import { modelNameSchema } from "../registry/rules.ts";
import { aliasViewSchema, versionSummarySchema } from "../registry/versions.ts";
import { checksViewSchema } from "../checks/list-check-runs.ts";
import { checkKinds } from "../checks/types.ts";
import { versionViewSchema } from "../checks/version-view.ts";
import { policyOverridesSchema, policyViewSchema } from "../policy/stage-policy.ts";
import { aliasNameSchema, customAliasSchema, setAliasBody } from "../promotion/custom-aliases.ts";
import { decidePromotionBody } from "../promotion/decide-promotion.ts";
import { listPromotionsQuery } from "../promotion/list-promotions.ts";
import { requestPromotionBody } from "../promotion/request-promotion.ts";
import { rollbackBody, rollbackResultSchema } from "../promotion/rollback.ts";
import { promotionSummarySchema, promotionViewSchema, stageEventSchema } from "../promotion/views.ts";
import { listDecisionsQuery } from "../decisions/list-decisions.ts";
import { REPORT_MEDIA_TYPES } from "../decisions/report-decisions.ts";
import { replayBody } from "../decisions/replay-decision.ts";
import { createReplayJobBody } from "../decisions/create-replay-job.ts";
import { predictBody, predictQuery } from "../decisions/schemas.ts";
import { decisionLineageSchema, decisionViewSchema, replayJobViewSchema, replayResultSchema } from "../decisions/views.ts";
import { createWebhookBody, rotateSecretBody, webhookDeliveryViewSchema, webhookViewSchema } from "../webhooks/views.ts";

const problem = (description: string) => ({ description, schema: problemSchema, contentType: "application/problem+json" });
const common = {
  400: problem("Invalid parameters or query"),
  401: problem("Missing, invalid, expired or revoked token"),
  403: problem("The credential lacks the required scope or role"),
};

const modelParams = z.object({ name: modelNameSchema });
// Versions in a URL are only looked up, never created, so any short string is accepted here and an
// unknown one is a plain 404.
const versionParams = modelParams.extend({ version: z.string().min(1).max(128) });

export const healthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    version: z.string(),
    db: z.object({ ok: z.boolean(), kind: z.string(), detail: z.string().optional() }),
    storage: z.object({ ok: z.boolean(), driver: z.string(), objectLock: z.union([z.boolean(), z.literal("unknown")]), detail: z.string().optional() }),
    queue: z.object({ ok: z.boolean(), kind: z.string(), detail: z.string().optional() }),
  })
  .meta({ id: "Health" });

export const userViewSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
    mustChangePassword: z.boolean().describe("the user must choose a new password at the next sign-in"),
    roleManagedBy: z
      .enum(["oidc", "github"])
      .nullable()
      .describe("set when an identity provider's role mapping decides this user's role at each sign-in; the role cannot be changed here then (409 role_managed_by_idp)"),
  })
  .meta({ id: "User" });

const passwordSchema = z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(200);

export const tokenViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(scopeSchema),
    userId: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    createdAt: z.string(),
    parentId: z.string().nullable().describe("the token that minted this one (its scopes and expiry bound this one's); null for root tokens"),
  })
  .meta({ id: "ApiToken" });

export const endpoints = {
  health: defineEndpoint({
    id: "health",
    method: "GET",
    path: "/api/v1/health",
    tag: "System",
    summary: "Database, storage and queue status",
    action: "public",
    responses: { 200: { description: "All dependencies answer", schema: healthSchema }, 503: { description: "A dependency is down", schema: healthSchema } },
  }),
  openapi: defineEndpoint({
    id: "openapi",
    method: "GET",
    path: "/api/v1/openapi.json",
    tag: "System",
    summary: "This API's OpenAPI 3.1 document",
    action: "public",
    responses: { 200: { description: "OpenAPI 3.1 document" } },
  }),
  signingKey: defineEndpoint({
    id: "signingKey",
    method: "GET",
    path: "/api/v1/signing-key",
    tag: "System",
    summary: "Public key that verifies version signatures (DSSE)",
    action: "public",
    responses: { 200: { description: "PEM public key and key id", schema: z.object({ keyId: z.string(), publicKeyPem: z.string() }) } },
  }),
  createModel: defineEndpoint({
    id: "createModel",
    method: "POST",
    path: "/api/v1/models",
    tag: "Models",
    summary: "Create a model",
    action: "model.create",
    body: createModelBody,
    responses: { 201: { description: "Created", schema: modelViewSchema }, ...common, 409: problem("A model with that name exists"), 422: problem("Invalid body") },
  }),
  listModels: defineEndpoint({
    id: "listModels",
    method: "GET",
    path: "/api/v1/models",
    tag: "Models",
    summary: "List models by name; q searches name, description and tags",
    action: "model.read",
    query: paginationQuery.extend({ q: z.string().max(200).optional() }),
    responses: { 200: { description: "A page of models", schema: pageSchema(modelViewSchema) }, ...common },
  }),
  getModel: defineEndpoint({
    id: "getModel",
    method: "GET",
    path: "/api/v1/models/{name}",
    tag: "Models",
    summary: "Get a model",
    action: "model.read",
    params: modelParams,
    responses: { 200: { description: "The model", schema: modelViewSchema }, ...common, 404: problem("No such model") },
  }),
  updateModel: defineEndpoint({
    id: "updateModel",
    method: "PATCH",
    path: "/api/v1/models/{name}",
    tag: "Models",
    summary: "Change a model's description or tags (audited)",
    action: "model.edit",
    params: modelParams,
    body: updateModelBody,
    responses: { 200: { description: "The model", schema: modelViewSchema }, ...common, 404: problem("No such model"), 422: problem("Invalid body") },
  }),
  uploadVersion: defineEndpoint({
    id: "uploadVersion",
    method: "POST",
    path: "/api/v1/models/{name}/versions",
    tag: "Versions",
    summary: "Upload an envelope (manifest + files) as a new immutable version",
    description:
      "multipart/form-data. The first part is `manifest` (manifest.json); then one file part per declared file, the field name being the file's path. Optional `files.<path>.sha256` in the manifest is verified. Atomic: on any error nothing is registered.",
    action: "version.upload",
    params: modelParams,
    rawBody: { kind: "multipart", description: "manifest part first, then one part per file (field name = path)" },
    headers: { "Idempotency-Key": "Optional. A retried upload with the same key returns the first result." },
    responses: {
      201: { description: "Registered", schema: versionViewSchema },
      ...common,
      404: problem("No such model"),
      409: problem("The version exists"),
      413: problem("Upload larger than MAX_UPLOAD_BYTES"),
      415: problem("Not multipart/form-data"),
      422: problem("Invalid manifest, undeclared/missing file, digest mismatch"),
    },
  }),
  listVersions: defineEndpoint({
    id: "listVersions",
    method: "GET",
    path: "/api/v1/models/{name}/versions",
    tag: "Versions",
    summary: "List a model's versions, newest first",
    action: "model.read",
    params: modelParams,
    query: paginationQuery,
    responses: { 200: { description: "A page of versions", schema: pageSchema(versionSummarySchema) }, ...common, 404: problem("No such model") },
  }),
  getVersion: defineEndpoint({
    id: "getVersion",
    method: "GET",
    path: "/api/v1/models/{name}/versions/{version}",
    tag: "Versions",
    summary: "Manifest, digests, signature, stage and check summary of a version",
    action: "model.read",
    params: versionParams,
    responses: { 200: { description: "The version", schema: versionViewSchema }, ...common, 404: problem("No such model or version") },
  }),
  runChecks: defineEndpoint({
    id: "runChecks",
    method: "POST",
    path: "/api/v1/models/{name}/versions/{version}/checks",
    tag: "Checks",
    summary: "Queue a fresh run of the version's checks (audited); results land in GET …/checks",
    description:
      "Checks run on the server, off the request path, in workers. Each run is a new CheckRun with the model's current policy; earlier results stay in the history. Without a body all four checks run with the version's default seed.",
    action: "checks.run",
    params: versionParams,
    body: z
      .strictObject({
        kinds: z.array(z.enum(checkKinds)).min(1).max(4).optional().describe("which checks to run (default: all)"),
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional().describe("seed for the randomised checks (default: derived from the manifest digest)"),
      })
      .meta({ id: "RunChecks" }),
    responses: {
      202: {
        description: "Queued",
        schema: z.object({ runs: z.array(z.object({ id: z.string(), kind: z.enum(checkKinds) })), status: z.string() }),
      },
      ...common,
      404: problem("No such model or version"),
      422: problem("Invalid body"),
    },
  }),
  listChecks: defineEndpoint({
    id: "listChecks",
    method: "GET",
    path: "/api/v1/models/{name}/versions/{version}/checks",
    tag: "Checks",
    summary: "Status and results of the version's checks: latest run per check (metrics, findings) and full history",
    action: "model.read",
    params: versionParams,
    responses: { 200: { description: "The checks", schema: checksViewSchema }, ...common, 404: problem("No such model or version") },
  }),
  getPolicy: defineEndpoint({
    id: "getPolicy",
    method: "GET",
    path: "/api/v1/models/{name}/policy",
    tag: "Models",
    summary: "The model's stage policy: defaults, its overrides and the effective thresholds",
    action: "model.read",
    params: modelParams,
    responses: { 200: { description: "The policy", schema: policyViewSchema }, ...common, 404: problem("No such model") },
  }),
  updatePolicy: defineEndpoint({
    id: "updatePolicy",
    method: "PUT",
    path: "/api/v1/models/{name}/policy",
    tag: "Models",
    summary: "Replace the model's policy overrides (admin; audited). Later check runs use them; send {} for the defaults",
    action: "policy.manage",
    params: modelParams,
    body: policyOverridesSchema,
    responses: { 200: { description: "The policy", schema: policyViewSchema }, ...common, 404: problem("No such model"), 422: problem("Invalid body") },
  }),
  downloadFile: defineEndpoint({
    id: "downloadFile",
    method: "GET",
    path: "/api/v1/models/{name}/versions/{version}/files/{path}",
    tag: "Versions",
    summary: "Download one file of a version (streamed, verified, Range supported)",
    description: 'ETag is "sha256:<hex>"; If-None-Match answers 304; a Range request answers 206. A full download is verified against its digest as it streams.',
    action: "model.read",
    restParam: true,
    params: versionParams.extend({ path: z.string().min(1).max(1024).describe("file path; may contain '/'") }),
    headers: { Range: "Optional, bytes=start-end", "If-None-Match": "Optional ETag" },
    responses: {
      200: { description: "The file", contentType: "application/octet-stream" },
      206: { description: "Partial content", contentType: "application/octet-stream" },
      304: { description: "Not modified" },
      ...common,
      404: problem("No such model, version or file"),
      416: problem("Range not satisfiable"),
    },
  }),
  resolveAlias: defineEndpoint({
    id: "resolveAlias",
    method: "GET",
    path: "/api/v1/models/{name}/aliases/{alias}",
    tag: "Versions",
    summary: "Resolve an alias (prod, staging, …) to a version: the serving hot path",
    action: "model.read",
    params: modelParams.extend({ alias: z.string().min(1).max(100) }),
    responses: { 200: { description: "The version the alias points to", schema: aliasViewSchema }, ...common, 404: problem("No such model or alias") },
  }),
  setAlias: defineEndpoint({
    id: "setAlias",
    method: "PUT",
    path: "/api/v1/models/{name}/aliases/{alias}",
    tag: "Promotion",
    summary: "Point a custom alias (champion, challenger, …) at a version (owners; audited)",
    description: "prod and staging (and the other stage names) are moved only by promotion and rollback: 403 alias_reserved.",
    action: "alias.manage",
    params: modelParams.extend({ alias: aliasNameSchema }),
    body: setAliasBody,
    responses: {
      200: { description: "The alias now points at the version", schema: customAliasSchema },
      ...common,
      403: problem("Not an owner, or a reserved alias (alias_reserved)"),
      404: problem("No such model or version"),
      422: problem("Invalid body"),
    },
  }),
  deleteAlias: defineEndpoint({
    id: "deleteAlias",
    method: "DELETE",
    path: "/api/v1/models/{name}/aliases/{alias}",
    tag: "Promotion",
    summary: "Remove a custom alias (owners; audited)",
    action: "alias.manage",
    params: modelParams.extend({ alias: aliasNameSchema }),
    responses: { 204: { description: "Removed" }, ...common, 403: problem("Not an owner, or a reserved alias (alias_reserved)"), 404: problem("No such model or alias") },
  }),
  requestPromotion: defineEndpoint({
    id: "requestPromotion",
    method: "POST",
    path: "/api/v1/models/{name}/versions/{version}/promotions",
    tag: "Promotion",
    summary: "Request a version's promotion to the next stage (dev → staging → prod)",
    description:
      "The request is for the version's manifest digest. It waits in pending_checks until every gate but approvals holds, then in awaiting_approval; with no approval required it is promoted at once.",
    action: "promotion.request",
    params: versionParams,
    body: requestPromotionBody,
    responses: {
      201: { description: "The request, with its gates evaluated", schema: promotionViewSchema },
      ...common,
      404: problem("No such model or version"),
      409: problem("The version is already in that stage (already_in_stage), or has an open request for it (request_exists)"),
      422: problem("A skipped stage (stage_skipped) or a missing reason"),
    },
  }),
  listPromotions: defineEndpoint({
    id: "listPromotions",
    method: "GET",
    path: "/api/v1/promotions",
    tag: "Promotion",
    summary: "Promotion requests, newest first; status=open for the review queue",
    action: "model.read",
    query: listPromotionsQuery,
    responses: { 200: { description: "A page of requests (gates as last evaluated)", schema: pageSchema(promotionSummarySchema) }, ...common },
  }),
  getPromotion: defineEndpoint({
    id: "getPromotion",
    method: "GET",
    path: "/api/v1/promotions/{id}",
    tag: "Promotion",
    summary: "A promotion request with its gates evaluated now and every decision on it",
    action: "model.read",
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: "The request", schema: promotionViewSchema }, ...common, 404: problem("No such request") },
  }),
  cancelPromotion: defineEndpoint({
    id: "cancelPromotion",
    method: "POST",
    path: "/api/v1/promotions/{id}/cancel",
    tag: "Promotion",
    summary: "Cancel an open request (its requester, or an admin)",
    action: "promotion.cancel",
    params: z.object({ id: z.uuid() }),
    body: z.strictObject({ reason: z.string().trim().max(2000).optional() }).default({}),
    responses: {
      200: { description: "The cancelled request", schema: promotionViewSchema },
      ...common,
      403: problem("Not the requester (not_requester)"),
      404: problem("No such request"),
      409: problem("The request is already closed (request_closed)"),
    },
  }),
  decidePromotion: defineEndpoint({
    id: "decidePromotion",
    method: "POST",
    path: "/api/v1/promotions/{id}/approvals",
    tag: "Promotion",
    summary: "Approve or reject a request, for the manifest digest you reviewed (reviewers)",
    description:
      "The approval that completes the count promotes the version in the same transaction, after every gate is re-checked against the current prod. The uploader cannot approve (403 self_approval); a rejection needs a comment.",
    action: "promotion.approve",
    params: z.object({ id: z.uuid() }),
    body: decidePromotionBody,
    responses: {
      200: { description: "The request after the decision (status promoted when this approval completed it)", schema: promotionViewSchema },
      ...common,
      403: problem("Not a reviewer, or the uploader of the version (self_approval)"),
      404: problem("No such request"),
      409: problem("Digest mismatch, a second decision by the same reviewer, gates not passed, or the request is closed"),
      422: problem("A rejection without a comment (comment_required)"),
    },
  }),
  rollback: defineEndpoint({
    id: "rollback",
    method: "POST",
    path: "/api/v1/models/{name}/rollback",
    tag: "Promotion",
    summary: "Roll prod back to the previous prod version, or a named earlier one (reviewers, owners, admins; audited)",
    action: "promotion.rollback",
    params: modelParams,
    body: rollbackBody,
    responses: {
      200: { description: "Prod now points at the earlier version", schema: rollbackResultSchema },
      ...common,
      404: problem("No such model or version"),
      409: problem("Nothing in prod, no earlier prod, or the version is prod already"),
      422: problem("A missing reason, or a version that was never prod (not_a_former_prod)"),
    },
  }),
  stageHistory: defineEndpoint({
    id: "stageHistory",
    method: "GET",
    path: "/api/v1/models/{name}/stages",
    tag: "Promotion",
    summary: "The model's stage history: who moved which version or alias where, when and why",
    action: "model.read",
    params: modelParams,
    query: paginationQuery,
    responses: { 200: { description: "Newest first", schema: pageSchema(stageEventSchema) }, ...common, 404: problem("No such model") },
  }),
  listAudit: defineEndpoint({
    id: "listAudit",
    method: "GET",
    path: "/api/v1/audit",
    tag: "Audit",
    summary: "Page through the audit log in chain order (auditors and admins)",
    action: "audit.read",
    query: paginationQuery.extend(auditQuery.shape),
    responses: { 200: { description: "A page of events", schema: pageSchema(auditEventSchema) }, ...common },
  }),
  verifyAudit: defineEndpoint({
    id: "verifyAudit",
    method: "GET",
    path: "/api/v1/audit/verify",
    tag: "Audit",
    summary: "Recompute the audit hash chain",
    action: "audit.read",
    responses: {
      200: {
        description: "Verification result",
        schema: z.object({
          ok: z.boolean(),
          events: z.number().int(),
          head: z.string().optional(),
          brokenAt: z.object({ seq: z.string(), id: z.string(), reason: z.string() }).optional(),
        }),
      },
      ...common,
    },
  }),
  createUser: defineEndpoint({
    id: "createUser",
    method: "POST",
    path: "/api/v1/users",
    tag: "Users & tokens",
    summary: "Create a user (admin)",
    action: "users.manage",
    body: z
      .strictObject({
        email: emailSchema,
        name: z.string().min(1).max(200),
        role: roleSchema,
        password: passwordSchema.optional().describe("omit it for a user who signs in only through single sign-on"),
      })
      .meta({ id: "CreateUser" }),
    responses: { 201: { description: "Created", schema: userViewSchema }, ...common, 409: problem("Email taken"), 422: problem("Invalid body") },
  }),
  listUsers: defineEndpoint({
    id: "listUsers",
    method: "GET",
    path: "/api/v1/users",
    tag: "Users & tokens",
    summary: "List users (admin)",
    action: "users.manage",
    query: paginationQuery,
    responses: { 200: { description: "A page of users", schema: pageSchema(userViewSchema) }, ...common },
  }),
  getUser: defineEndpoint({
    id: "getUser",
    method: "GET",
    path: "/api/v1/users/{id}",
    tag: "Users & tokens",
    summary: "Get a user (admin)",
    action: "users.manage",
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: "The user", schema: userViewSchema }, ...common, 404: problem("No such user") },
  }),
  updateUser: defineEndpoint({
    id: "updateUser",
    method: "PATCH",
    path: "/api/v1/users/{id}",
    tag: "Users & tokens",
    summary: "Change a user's role or name, disable/enable them, or reset their password (admin; audited)",
    description:
      "Disabling, demoting (any role change that takes a permission away) and a password reset end the user's sessions and API tokens at once. A reset makes the user choose a new password at the next sign-in; without `password` one is generated and returned once as `temporaryPassword`. The last active admin can be neither disabled nor demoted (409 last_admin). A role that an identity provider's mapping owns (`roleManagedBy`) is changed at the provider, not here (409 role_managed_by_idp).",
    action: "users.manage",
    params: z.object({ id: z.uuid() }),
    body: z
      .strictObject({
        role: roleSchema.optional(),
        name: z.string().min(1).max(200).optional(),
        disabled: z.boolean().optional(),
        resetPassword: z.strictObject({ password: passwordSchema.optional() }).optional(),
      })
      .refine((b) => Object.keys(b).length > 0, "send at least one of role, name, disabled, resetPassword")
      .meta({ id: "UpdateUser" }),
    responses: {
      200: {
        description: "The user",
        schema: z.object({
          user: userViewSchema,
          temporaryPassword: z.string().optional().describe("the generated password (shown once)"),
          revoked: z.object({ sessions: z.number().int(), tokens: z.number().int() }).optional(),
        }),
      },
      ...common,
      404: problem("No such user"),
      409: problem("The last active admin cannot be disabled or demoted"),
      422: problem("Invalid body"),
    },
  }),
  getMe: defineEndpoint({
    id: "getMe",
    method: "GET",
    path: "/api/v1/me",
    tag: "Users & tokens",
    summary: "Who this credential is, and what it may do (the permission table applied to it)",
    action: "tokens.own",
    responses: {
      200: {
        description: "The caller",
        schema: z.object({
          id: z.string(),
          email: z.string(),
          role: roleSchema,
          scopes: z.array(scopeSchema),
          credential: z.string().nullable().describe("token:<id>, session:<id> or bootstrap"),
          allowed: z.array(z.enum(actions as [string, ...string[]])).describe("the actions this credential may perform (resource rules such as model ownership apply on top)"),
        }),
      },
      ...common,
    },
  }),
  changePassword: defineEndpoint({
    id: "changePassword",
    method: "POST",
    path: "/api/v1/me/password",
    tag: "Users & tokens",
    summary: "Change your own password (signed in in a browser; the current password is required)",
    description: "Your other browser sessions end; API tokens stay. Not available to API tokens.",
    action: "account.password",
    body: z.strictObject({ current: z.string().min(1).max(200), next: passwordSchema }).meta({ id: "ChangePassword" }),
    responses: { 204: { description: "Changed" }, ...common, 422: problem("Invalid body, or the new password is too short or unchanged") },
  }),
  setModelOwners: defineEndpoint({
    id: "setModelOwners",
    method: "PUT",
    path: "/api/v1/models/{name}/owners",
    tag: "Models",
    summary: "Replace a model's owners (admin; audited). Owners upload versions and edit the model",
    action: "model.manage_owners",
    params: modelParams,
    body: setOwnersBody,
    responses: { 200: { description: "The model", schema: modelViewSchema }, ...common, 404: problem("No such model"), 422: problem("Unknown or disabled user") },
  }),
  createToken: defineEndpoint({
    id: "createToken",
    method: "POST",
    path: "/api/v1/tokens",
    tag: "Users & tokens",
    summary: "Create an API token; the token is in this response only",
    action: "tokens.own",
    body: z
      .strictObject({
        name: z.string().min(1).max(100),
        scopes: z.array(scopeSchema).min(1),
        expiresAt: z.iso.datetime({ offset: true }).optional().describe("default: never, or the minting token's own expiry, which it may not exceed"),
        userEmail: emailSchema.optional().describe("admin only: create the token for another user (never with the review scope)"),
      })
      .meta({ id: "CreateToken" }),
    responses: {
      201: { description: "Created", schema: tokenViewSchema.extend({ token: z.string().describe("shown once") }) },
      ...common,
      404: problem("No such user"),
      422: problem("Invalid body"),
    },
  }),
  listTokens: defineEndpoint({
    id: "listTokens",
    method: "GET",
    path: "/api/v1/tokens",
    tag: "Users & tokens",
    summary: "List your tokens (admins: all tokens)",
    action: "tokens.own",
    query: paginationQuery,
    responses: { 200: { description: "A page of tokens", schema: pageSchema(tokenViewSchema) }, ...common },
  }),
  revokeToken: defineEndpoint({
    id: "revokeToken",
    method: "DELETE",
    path: "/api/v1/tokens/{id}",
    tag: "Users & tokens",
    summary: "Revoke a token",
    action: "tokens.own",
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: "Revoked", schema: tokenViewSchema }, ...common, 404: problem("No such token") },
  }),
  createWebhook: defineEndpoint({
    id: "createWebhook",
    method: "POST",
    path: "/api/v1/webhooks",
    tag: "Webhooks",
    summary: "Register a webhook (admin; audited); its signing secret is in this response only",
    description:
      "The URL must be http(s) without credentials, and its host must resolve to public addresses only (not loopback, private, link-local, CGNAT, …) unless the server sets WEBHOOK_ALLOW_PRIVATE=true. Deliveries are signed per Standard Webhooks (docs/webhooks.md).",
    action: "webhooks.manage",
    body: createWebhookBody,
    responses: {
      201: { description: "Created", schema: webhookViewSchema.extend({ secret: z.string().describe("whsec_…: shown once; verifies the webhook-signature header") }) },
      ...common,
      422: problem("Invalid body, or a URL that is refused (the field error says why, e.g. it resolves to a private address)"),
    },
  }),
  listWebhooks: defineEndpoint({
    id: "listWebhooks",
    method: "GET",
    path: "/api/v1/webhooks",
    tag: "Webhooks",
    summary: "List the active webhooks (never their secrets)",
    action: "webhooks.manage",
    query: paginationQuery,
    responses: { 200: { description: "A page of webhooks", schema: pageSchema(webhookViewSchema) }, ...common },
  }),
  deleteWebhook: defineEndpoint({
    id: "deleteWebhook",
    method: "DELETE",
    path: "/api/v1/webhooks/{id}",
    tag: "Webhooks",
    summary: "Delete a webhook (admin; audited): no new deliveries, pending ones are closed; its delivery log stays",
    action: "webhooks.manage",
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: "Deleted", schema: webhookViewSchema }, ...common, 404: problem("No such webhook") },
  }),
  rotateWebhookSecret: defineEndpoint({
    id: "rotateWebhookSecret",
    method: "POST",
    path: "/api/v1/webhooks/{id}/rotate-secret",
    tag: "Webhooks",
    summary: "Replace a webhook's signing secret (admin; audited); the new secret is in this response only",
    description: "Until the overlap ends, deliveries carry two signatures (new and previous secret), so receivers can switch without missing a message.",
    action: "webhooks.manage",
    params: z.object({ id: z.uuid() }),
    body: rotateSecretBody,
    responses: {
      200: { description: "Rotated", schema: webhookViewSchema.extend({ secret: z.string().describe("the new whsec_… secret: shown once") }) },
      ...common,
      404: problem("No such webhook"),
      422: problem("Invalid body"),
    },
  }),
  listWebhookDeliveries: defineEndpoint({
    id: "listWebhookDeliveries",
    method: "GET",
    path: "/api/v1/webhooks/{id}/deliveries",
    tag: "Webhooks",
    summary: "A webhook's delivery log, newest first: status, response code, attempts, latency, each attempt",
    action: "webhooks.manage",
    params: z.object({ id: z.uuid() }),
    query: paginationQuery,
    responses: { 200: { description: "A page of deliveries", schema: pageSchema(webhookDeliveryViewSchema) }, ...common, 404: problem("No such webhook") },
  }),
  redeliverWebhookDelivery: defineEndpoint({
    id: "redeliverWebhookDelivery",
    method: "POST",
    path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
    tag: "Webhooks",
    summary: "Send a delivery again (admin; audited): the same message (webhook-id and body), with a fresh attempt budget",
    action: "webhooks.manage",
    params: z.object({ id: z.uuid(), deliveryId: z.uuid() }),
    responses: { 202: { description: "Queued", schema: webhookDeliveryViewSchema }, ...common, 404: problem("No such webhook or delivery") },
  }),
  predict: defineEndpoint({
    id: "predict",
    method: "POST",
    path: "/api/v1/models/{name}/predict",
    tag: "Decisions",
    summary: "Run rows on a model's prod alias (or ?alias= / ?version=); every decision is in the ledger before the answer",
    description:
      "Rows are checked against the version's input schema first (422 naming row and field; nothing is run or recorded). Only ONNX versions whose security and validation checks passed are run. The prod and staging aliases need the read scope; any other alias or a version needs write on a model you own (or admin).",
    action: "predict",
    params: modelParams,
    query: predictQuery,
    body: predictBody,
    responses: {
      200: {
        description: "One decision per row, in row order",
        schema: z
          .object({
            model: z.string(),
            version: z.string(),
            manifestDigest: z.string(),
            decisions: z.array(z.object({ id: z.string(), output: z.record(z.string(), z.unknown()), score: z.number().nullable() })),
          })
          .meta({ id: "PredictResult" }),
      },
      ...common,
      403: problem("Not a serving alias and not a model you own (not_model_owner)"),
      404: problem("No such model, alias or version"),
      409: problem("The version's security or validation check has not passed (checks_not_passed)"),
      422: problem("Invalid rows (invalid_rows, with rows.<i>.<feature> field errors), too many rows, or a version the registry does not execute"),
    },
  }),
  reportDecisions: defineEndpoint({
    id: "reportDecisions",
    method: "POST",
    path: "/api/v1/decisions",
    tag: "Decisions",
    summary: "Report decisions an external server made (JSON lines; all or nothing; idempotent by the decision's id)",
    description:
      "One decision per line (see ReportedDecision), read as a stream. Every line is validated and bound to a manifest digest the registry knows; a bad line refuses the batch (422 naming lines.<n>.<field>, 1-based) and nothing is stored. A decision id already stored for the model is skipped when identical and refused (409) when not. One audit event per batch.",
    action: "decisions.report",
    rawBody: { kind: "stream", description: `JSON lines (${REPORT_MEDIA_TYPES.join(", ")}); each line a ReportedDecision` },
    responses: {
      201: {
        description: "Stored",
        schema: z.object({ batchId: z.string(), received: z.number().int(), stored: z.number().int(), duplicates: z.number().int() }).meta({ id: "ReportResult" }),
      },
      ...common,
      403: problem("A decision's model is not one you own (not_model_owner)"),
      409: problem("A decision id was already reported with different content (decision_id_reused), or a concurrent batch with the same ids won (concurrent_batch: send again)"),
      413: problem("A line longer than 256 KiB or more than 100,000 lines"),
      415: problem("Not JSON lines"),
      422: problem("A bad line (invalid_decision_line): nothing of the batch was stored"),
      503: problem("Too many report batches in progress on this server (reports_busy), or no free database connection; retry after Retry-After"),
    },
  }),
  listDecisions: defineEndpoint({
    id: "listDecisions",
    method: "GET",
    path: "/api/v1/decisions",
    tag: "Decisions",
    summary: "Page through the decisions ledger, newest first (auditors and admins)",
    description: "Filters: model, version (with model), from (inclusive), to (exclusive), requestId, source. Keyset pages on the time-ordered decision id.",
    action: "decisions.read",
    query: listDecisionsQuery,
    responses: { 200: { description: "A page of decisions", schema: pageSchema(decisionViewSchema) }, ...common, 404: problem("No such model or version") },
  }),
  getDecision: defineEndpoint({
    id: "getDecision",
    method: "GET",
    path: "/api/v1/decisions/{id}",
    tag: "Decisions",
    summary: "A decision with its version's lineage as of the decision: stage then, approvals, checks, digests, signature, card",
    action: "decisions.read",
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: "The decision and its lineage", schema: decisionLineageSchema }, ...common, 404: problem("No such decision") },
  }),
  replayDecision: defineEndpoint({
    id: "replayDecision",
    method: "POST",
    path: "/api/v1/decisions/{id}/replay",
    tag: "Decisions",
    summary: "Re-run a decision on the exact version that made it and compare (audited)",
    description:
      "The version is verified first (manifest digest, signature, artifact bytes); one that fails is not run (409 version_integrity_failed). Outcome: identical, within_tolerance (the version's test-vector atol/rtol) or differs, with both outputs. When the ledger keeps only the input's digest, send the input; it must match the digest.",
    action: "decisions.replay",
    params: z.object({ id: z.uuid() }),
    body: replayBody,
    responses: {
      200: { description: "The replay and its outcome", schema: replayResultSchema },
      ...common,
      404: problem("No such decision"),
      409: problem("The version's bytes, manifest or signature no longer verify (version_integrity_failed)"),
      422: problem("An input is needed (input_required) or does not match the stored digest (input_digest_mismatch)"),
    },
  }),
  createReplayJob: defineEndpoint({
    id: "createReplayJob",
    method: "POST",
    path: "/api/v1/replay-jobs",
    tag: "Decisions",
    summary: "Replay every decision of a model (or one version) in a time range, as a durable job (audited)",
    description:
      "The workers run the job in decision order, in batches, and save its report as they go: counts by outcome (identical, within_tolerance, differs, not_replayable) and the first 20 differences. A job whose worker dies resumes where it stopped. Poll GET /api/v1/replay-jobs/{id}.",
    action: "decisions.replay",
    body: createReplayJobBody,
    responses: { 202: { description: "Queued", schema: replayJobViewSchema }, ...common, 404: problem("No such model or version"), 422: problem("Invalid body") },
  }),
  listReplayJobs: defineEndpoint({
    id: "listReplayJobs",
    method: "GET",
    path: "/api/v1/replay-jobs",
    tag: "Decisions",
    summary: "Bulk replay jobs, newest first",
    action: "decisions.read",
    query: paginationQuery,
    responses: { 200: { description: "A page of jobs", schema: pageSchema(replayJobViewSchema) }, ...common },
  }),
  getReplayJob: defineEndpoint({
    id: "getReplayJob",
    method: "GET",
    path: "/api/v1/replay-jobs/{id}",
    tag: "Decisions",
    summary: "A bulk replay's progress and report",
    action: "decisions.read",
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: "The job", schema: replayJobViewSchema }, ...common, 404: problem("No such job") },
  }),
} as const;

export type EndpointId = keyof typeof endpoints;
