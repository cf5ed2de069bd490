// First start of an empty registry: create the first admin so somebody can sign in, and say how.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createUser } from "../auth/users.ts";
import { systemActor } from "../auth/roles.ts";
import type { Services } from "./services.ts";

export async function ensureFirstAdmin({ prisma, config }: Services, { announce }: { announce: boolean }): Promise<void> {
  if ((await prisma.user.count()) > 0) return;
  const password = config.admin.password ?? randomBytes(12).toString("base64url");
  try {
    // A generated password was printed to a log and saved in a file: it must be replaced at first sign-in.
    await createUser(prisma, {
      actor: systemActor,
      email: config.admin.email,
      name: "Administrator",
      role: "admin",
      password,
      mustChangePassword: !config.admin.password,
    });
  } catch (error) {
    // Another process created it first (several app instances starting together).
    if ((error as { code?: string }).code === "user_exists") return;
    throw error;
  }
  let savedTo: string | undefined;
  if (!config.admin.password) {
    savedTo = path.join(config.dataDir, "initial-admin-password");
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(savedTo, password + "\n", { mode: 0o600 });
  }
  if (!announce) return;
  const url = config.publicUrl ?? `http://localhost:${config.port}`;
  const lines = [
    "",
    "  Model registry: first start, an admin account was created.",
    `    Sign in at ${url}/login as ${config.admin.email}`,
    config.admin.password
      ? "    with the password from REGISTRY_ADMIN_PASSWORD."
      : `    with password ${password}   (also saved in ${savedTo}); you will be asked to choose a new one`,
    "  API tokens for CI: create one at " + `${url}/settings/tokens` + " after signing in,",
    config.bootstrapToken
      ? `    or: curl -X POST ${url}/api/v1/tokens -H "Authorization: Bearer $REGISTRY_BOOTSTRAP_TOKEN" -H 'content-type: application/json' \\\n        -d '{"name":"ci","scopes":["read","write"],"userEmail":"${config.admin.email}"}'`
      : `    or, with the server stopped: npx model-registry token create --direct --name ci --scopes read,write --user-email ${config.admin.email}`,
    "",
  ];
  process.stdout.write(lines.join("\n") + "\n");
}
