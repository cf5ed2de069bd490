// Layering rules, checked by `npm run lint` (part of npm test). The architecture: app/ → components/
// → lib/; lib/ never imports app/ or components/; components/ never imports app/; no import cycles.
//
// Inside lib/, the folders form layers, bottom → top; a folder may import its own folder and the
// folders below it, never one above (type-only imports included: they are dependencies too):
//
//   errors         AppError, free of any transport; every layer throws it
//   schemas        zod schemas of plain values shared by config, the API and the domain (email)
//   config         the environment, parsed once
//   observability  the logger (reads the log level from config)
//   format         bytes, numbers and durations for people
//   integrity      canonical JSON, digests, signing
//   db             Prisma client, migrations, the embedded Postgres, the loop of database-polled workers
//   storage        content-addressed object store (filesystem, S3)
//   http           transport helpers (request targets, bodies, ranges, pagination) and the edge that
//                  turns an AppError into an HTTP status and problem+json
//   audit          the hash-chained audit log; every domain layer above records events in it
//   auth           roles, permissions, users, tokens, sessions, sign-in
//   webhooks       outbound webhooks: the outbox (enqueueWebhookEvent, called in the transaction of
//                  the change it reports), the SSRF guard, Standard Webhooks signing, the dispatcher;
//                  knows no domain above it: registry, checks and promotion call it with their events
//   registry       models, versions, uploads, downloads; does not know about checks: an upload runs
//                  an injected onVersionRegistered hook in its transaction
//   policy         the stage policy: the thresholds the checks gate on and their defaults
//   checks         the checks engine; queues a version's checks through the registry's hook and
//                  composes the version view with its checks (lib/checks/version-view.ts)
//   promotion      the promotion workflow: stages, the request state machine, which approvals count
//   decisions      predict, the decisions ledger (group commit), lineage as of a decision, replay;
//                  reads stage history and approvals from promotion, runs models through checks
//   api            REST API v1: endpoints, handlers, dispatch; receives its services (ApiServices)
//   server         the composition root (services.ts wires checks into the registry) and the
//                  processes: the HTTP server, the checks worker
//   cli            the command-line client (its direct commands open the server's services)
//
// Test code stands outside the layers: tests, __tests__/ helpers, lib/testing/ and lib/*/testing/
// may import any folder (integration tests drive a layer through the composition root), and no
// production code may import them. A new lib/ folder must be given a place in `layers` below.
const layers = [
  "errors",
  "schemas",
  "config",
  "observability",
  "format",
  "integrity",
  "db",
  "storage",
  "http",
  "audit",
  "auth",
  "webhooks",
  "registry",
  "policy",
  "checks",
  "promotion",
  "decisions",
  "api",
  "server",
  "cli",
];

const testCode = "(^|/)__tests__/|\\.test\\.tsx?$|^lib/testing/|^lib/[^/]+/testing/";
const anyLayer = `^lib/(${layers.join("|")}|testing)/`;

const layerRules = layers.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer}`,
  severity: "error",
  comment: `lib/${layer}/ is below ${layers.slice(i + 1).join(", ")}: it may import only ${layers.slice(0, i + 1).join(", ")} (see the header of .dependency-cruiser.cjs).`,
  from: { path: `^lib/${layer}/`, pathNot: testCode },
  to: { path: `^lib/(${layers.slice(i + 1).join("|")})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", comment: "Import cycles make the layering meaningless.", from: {}, to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } } },
    { name: "lib-not-to-app", severity: "error", comment: "lib/ runs without Next and without the UI.", from: { path: "^lib/" }, to: { path: "^(app|components)/" } },
    { name: "components-not-to-app", severity: "error", comment: "components/ holds UI only; pages import components, not the reverse.", from: { path: "^components/" }, to: { path: "^app/" } },
    ...layerRules,
    { name: "not-to-test-code", severity: "error", comment: "Test helpers and fixtures are not part of the product.", from: { path: "^(lib|app|components)/", pathNot: testCode }, to: { path: testCode } },
    { name: "lib-folder-has-a-layer", severity: "error", comment: "Every lib/ folder has a place in `layers` (.dependency-cruiser.cjs).", from: { path: "^lib/", pathNot: anyLayer }, to: {} },
    { name: "lib-folder-has-a-layer-too", severity: "error", comment: "Every lib/ folder has a place in `layers` (.dependency-cruiser.cjs).", from: {}, to: { path: "^lib/", pathNot: anyLayer } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.next|lib/db/generated)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".mjs", ".js"] },
  },
};
