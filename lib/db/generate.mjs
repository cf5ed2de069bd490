// Runs `prisma generate` without letting the CLI download its schema-engine binary (no internet on
// build machines): generate never uses that engine, so any existing file satisfies the check.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const require = createRequire(import.meta.url);
let cli;
try {
  cli = require.resolve("prisma/build/index.js", { paths: [root] });
} catch {
  // Installed as a dependency without devDependencies (e.g. `npx model-registry`): the CLI only
  // needs the HTTP client, not the database client.
  process.exit(0);
}
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
const result = spawnSync(process.execPath, [cli, "generate", "--schema", "prisma/schema.prisma"], {
  cwd: root,
  env,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
