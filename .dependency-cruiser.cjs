// Layering rules, checked by `npm run lint` (part of npm test). The architecture: app/ → components/
// → lib/; lib/ never imports app/ or components/; components/ never imports app/; no import cycles.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", comment: "Import cycles make the layering meaningless.", from: {}, to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } } },
    { name: "lib-not-to-app", severity: "error", comment: "lib/ runs without Next and without the UI.", from: { path: "^lib/" }, to: { path: "^(app|components)/" } },
    { name: "components-not-to-app", severity: "error", comment: "components/ holds UI only; pages import components, not the reverse.", from: { path: "^components/" }, to: { path: "^app/" } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.next|lib/db/generated)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".mjs", ".js"] },
  },
};
