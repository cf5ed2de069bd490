// Row locks shared by the layers that change a model's versions. The order is fixed — the model's
// row, then version rows, then the audit chain (lib/audit) — so transactions that touch the same
// model take turns instead of waiting on each other. NO KEY UPDATE: uploads inserting versions of
// the model (a foreign-key share lock) are not blocked by it.
import type { Tx } from "./types.ts";

export async function lockModelRow(tx: Tx, modelId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "Model" WHERE "id" = ${modelId}::uuid FOR NO KEY UPDATE`;
}

/** The model row of a version, then the version's row. Returns the model's id. */
export async function lockVersionAndModel(tx: Tx, versionId: string): Promise<string | undefined> {
  const rows = await tx.$queryRaw<{ modelId: string }[]>`SELECT "modelId" FROM "ModelVersion" WHERE "id" = ${versionId}::uuid`;
  const modelId = rows[0]?.modelId;
  if (!modelId) return undefined;
  await lockModelRow(tx, modelId);
  await tx.$queryRaw`SELECT 1 FROM "ModelVersion" WHERE "id" = ${versionId}::uuid FOR UPDATE`;
  return modelId;
}
