// The implementation of every endpoint in endpoints.ts: parse → call lib/ → respond. The type
// requires one handler per endpoint, so an endpoint cannot be declared without being served.
import type { z } from "zod";
import { listAuditEvents } from "../audit/list-events.ts";
import { verifyAuditChain } from "../audit/verify-chain.ts";
import { credentialOf } from "../audit/credential.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "../auth/tokens.ts";
import { actions, can } from "../auth/permissions.ts";
import { changeOwnPassword, createUser, getUser, listUsers, updateUser } from "../auth/users.ts";
import { listCheckRuns } from "../checks/list-check-runs.ts";
import { rerunChecks } from "../checks/request-checks.ts";
import { getVersionView, withChecks } from "../checks/version-view.ts";
import { json, type ApiResponse } from "../http/response.ts";
import { getModelPolicy, updateModelPolicy } from "../policy/stage-policy.ts";
import { downloadVersionFile } from "../registry/download-file.ts";
import { createModel, getModel, listModels, setModelOwners, updateModel } from "../registry/models.ts";
import { uploadVersion } from "../registry/upload-version.ts";
import { listVersions, resolveAlias } from "../registry/versions.ts";
import { cancelPromotion } from "../promotion/cancel-promotion.ts";
import { removeCustomAlias, setCustomAlias } from "../promotion/custom-aliases.ts";
import { decidePromotion } from "../promotion/decide-promotion.ts";
import { getPromotion } from "../promotion/get-promotion.ts";
import { listPromotions } from "../promotion/list-promotions.ts";
import { listStageHistory } from "../promotion/list-stage-history.ts";
import { requestPromotion } from "../promotion/request-promotion.ts";
import { rollbackStage } from "../promotion/rollback.ts";
import type { EndpointDef } from "./endpoint.ts";
import { endpoints, type EndpointId } from "./endpoints.ts";
import { buildOpenApiDocument } from "./openapi.ts";
import type { ApiContext } from "./context.ts";
import { checkHealth } from "./health.ts";
import { createReplayJob } from "../decisions/create-replay-job.ts";
import { getDecision } from "../decisions/get-decision.ts";
import { getReplayJob, listReplayJobs } from "../decisions/get-replay-job.ts";
import { listDecisions } from "../decisions/list-decisions.ts";
import { predict } from "../decisions/predict.ts";
import { replayDecision } from "../decisions/replay-decision.ts";
import { reportDecisions } from "../decisions/report-decisions.ts";
import { createWebhook } from "../webhooks/create-webhook.ts";
import { deleteWebhook } from "../webhooks/delete-webhook.ts";
import { listWebhookDeliveries } from "../webhooks/list-webhook-deliveries.ts";
import { listWebhooks } from "../webhooks/list-webhooks.ts";
import { redeliverWebhookDelivery } from "../webhooks/redeliver-webhook-delivery.ts";
import { rotateWebhookSecret } from "../webhooks/rotate-webhook-secret.ts";

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type ContextFor<E> = E extends EndpointDef<infer P, infer Q, infer B> ? ApiContext<Out<P>, Out<Q>, Out<B>> : never;
type Handlers = { [K in EndpointId]: (ctx: ContextFor<(typeof endpoints)[K]>) => Promise<ApiResponse> };

export const handlers: Handlers = {
  health: async ({ services }) => {
    const health = await checkHealth(services);
    return json(health, { status: health.status === "ok" ? 200 : 503 });
  },
  openapi: async ({ origin }) => json(buildOpenApiDocument(origin)),
  signingKey: async ({ services }) => json({ keyId: services.signer.keyId, publicKeyPem: services.signer.publicKeyPem }),

  createModel: async ({ body, actor, services }) => json(await createModel(services.prisma, { actor, ...body }), { status: 201 }),
  listModels: async ({ query, services }) => json(await listModels(services.prisma, query)),
  getModel: async ({ params, services }) => json(await getModel(services.prisma, params.name)),
  updateModel: async ({ params, body, actor, services }) => json(await updateModel(services.prisma, { actor, name: params.name, ...body })),

  uploadVersion: async ({ params, actor, req, headers, services }) => {
    const length = headers.get("content-length");
    const result = await uploadVersion(services, {
      actor,
      model: params.name,
      contentType: headers.get("content-type"),
      contentLength: length ? Number(length) : null,
      body: req,
      idempotencyKey: headers.get("idempotency-key") ?? undefined,
    });
    return json(await withChecks(services.prisma, result.versionId, result.version), {
      status: result.status,
      headers: {
        location: `/api/v1/models/${encodeURIComponent(params.name)}/versions/${encodeURIComponent(result.version.version)}`,
        ...(result.replayed ? { "idempotent-replayed": "true" } : {}),
      },
    });
  },
  listVersions: async ({ params, query, services }) => json(await listVersions(services.prisma, { model: params.name, ...query })),
  getVersion: async ({ params, services }) => json(await getVersionView(services.prisma, params.name, params.version)),

  runChecks: async ({ params, body, actor, services }) => {
    const runs = await rerunChecks(services.prisma, {
      actor,
      model: params.name,
      version: params.version,
      kinds: body.kinds,
      seed: body.seed,
      onChecksChanged: services.onChecksChanged,
    });
    // Committed first; a failed send is picked up by the workers' sweep.
    await services.checkQueue.dispatch(runs.map((r) => r.id)).catch(() => undefined);
    return json({ runs, status: "queued" }, { status: 202 });
  },
  listChecks: async ({ params, services }) => json(await listCheckRuns(services.prisma, { model: params.name, version: params.version })),

  getPolicy: async ({ params, services }) => json(await getModelPolicy(services.prisma, { name: params.name })),
  updatePolicy: async ({ params, body, actor, services }) =>
    json(await updateModelPolicy(services.prisma, { actor, name: params.name, overrides: body })),

  downloadFile: async ({ params, headers, services }) =>
    downloadVersionFile(services, {
      model: params.name,
      version: params.version,
      path: params.path,
      range: headers.get("range"),
      ifNoneMatch: headers.get("if-none-match"),
    }),
  resolveAlias: async ({ params, services }) => json(await resolveAlias(services.prisma, params.name, params.alias)),

  setAlias: async ({ actor, params, body, services }) =>
    json(await setCustomAlias(services.prisma, { actor, model: params.name, alias: params.alias, version: body.version })),
  deleteAlias: async ({ actor, params, services }) => {
    await removeCustomAlias(services.prisma, { actor, model: params.name, alias: params.alias });
    return { status: 204 };
  },
  requestPromotion: async ({ actor, params, body, services }) => {
    const view = await requestPromotion(services, { actor, model: params.name, version: params.version, to: body.to, reason: body.reason });
    return json(view, { status: 201, headers: { location: `/api/v1/promotions/${view.id}` } });
  },
  listPromotions: async ({ query, services }) => json(await listPromotions(services.prisma, query)),
  getPromotion: async ({ params, services }) => json(await getPromotion(services.prisma, { id: params.id })),
  cancelPromotion: async ({ actor, params, body, services }) => json(await cancelPromotion(services.prisma, { actor, id: params.id, reason: body.reason })),
  decidePromotion: async ({ actor, params, body, services }) => json(await decidePromotion(services.prisma, { actor, id: params.id, ...body })),
  rollback: async ({ actor, params, body, services }) =>
    json(await rollbackStage(services.prisma, { actor, model: params.name, toVersion: body.toVersion, reason: body.reason })),
  stageHistory: async ({ params, query, services }) => json(await listStageHistory(services.prisma, { model: params.name, ...query })),

  listAudit: async ({ query, services }) => json(await listAuditEvents(services.prisma, query)),
  verifyAudit: async ({ services }) => json(await verifyAuditChain(services.prisma)),

  createUser: async ({ actor, body, services }) => json(await createUser(services.prisma, { actor, ...body }), { status: 201 }),
  listUsers: async ({ actor, query, services }) => json(await listUsers(services.prisma, { actor, ...query })),
  getUser: async ({ actor, params, services }) => json(await getUser(services.prisma, { actor, id: params.id })),
  updateUser: async ({ actor, params, body, services }) => json(await updateUser(services.prisma, { actor, id: params.id, ...body })),
  getMe: async ({ actor }) =>
    json({
      id: actor.id,
      email: actor.email,
      role: actor.role,
      scopes: actor.scopes,
      credential: credentialOf(actor),
      allowed: actions.filter((a) => can(actor, a)),
    }),
  changePassword: async ({ actor, body, services }) => {
    await changeOwnPassword(services.prisma, { actor, current: body.current, next: body.next });
    return { status: 204 };
  },
  setModelOwners: async ({ actor, params, body, services }) => json(await setModelOwners(services.prisma, { actor, name: params.name, emails: body.emails })),

  createToken: async ({ actor, body, services }) => {
    const { token, view } = await createApiToken(services.prisma, {
      actor,
      ...body,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
    });
    return json({ ...view, token }, { status: 201, headers: { "cache-control": "no-store" } });
  },
  listTokens: async ({ actor, query, services }) => json(await listApiTokens(services.prisma, { actor, ...query })),
  revokeToken: async ({ actor, params, services }) => json(await revokeApiToken(services.prisma, { actor, id: params.id })),

  createWebhook: async ({ actor, body, services }) => {
    const { webhook, secret } = await createWebhook(services, { actor, ...body });
    return json({ ...webhook, secret }, { status: 201, headers: { "cache-control": "no-store" } });
  },
  listWebhooks: async ({ actor, query, services }) => json(await listWebhooks(services.prisma, { actor, ...query })),
  deleteWebhook: async ({ actor, params, services }) => json(await deleteWebhook(services.prisma, { actor, id: params.id })),
  rotateWebhookSecret: async ({ actor, params, body, services }) => {
    const { webhook, secret } = await rotateWebhookSecret(services, { actor, id: params.id, overlapSeconds: body.overlapSeconds });
    return json({ ...webhook, secret }, { headers: { "cache-control": "no-store" } });
  },
  listWebhookDeliveries: async ({ actor, params, query, services }) =>
    json(await listWebhookDeliveries(services.prisma, { actor, webhookId: params.id, ...query })),
  redeliverWebhookDelivery: async ({ actor, params, services }) =>
    json(await redeliverWebhookDelivery(services.prisma, { actor, webhookId: params.id, deliveryId: params.deliveryId }), { status: 202 }),

  predict: async ({ actor, params, query, body, services }) =>
    json(await predict(services.decisions, { actor, model: params.name, alias: query.alias, version: query.version, ...body })),
  reportDecisions: async ({ actor, headers, req, services }) =>
    json(await reportDecisions(services.decisions, { actor, contentType: headers.get("content-type"), body: req }), { status: 201 }),
  listDecisions: async ({ query, services }) => json(await listDecisions(services.prisma, query)),
  getDecision: async ({ params, services }) => json(await getDecision(services, { id: params.id })),
  replayDecision: async ({ actor, params, body, services }) => json(await replayDecision(services.decisions, { actor, id: params.id, input: body.input })),
  createReplayJob: async ({ actor, body, services }) => {
    const job = await createReplayJob(services.prisma, { actor, filter: body });
    return json(job, { status: 202, headers: { location: `/api/v1/replay-jobs/${job.id}` } });
  },
  listReplayJobs: async ({ query, services }) => json(await listReplayJobs(services.prisma, query)),
  getReplayJob: async ({ params, services }) => json(await getReplayJob(services.prisma, { id: params.id })),
};
