// A version as the API and the version page show it: the registry's detail of it with the summary of
// its checks. Composed here, above lib/registry, because the registry does not know about checks.
import type { z } from "zod";
import type { Tx } from "../db/types.ts";
import { findVersion, versionDetailSchema, type VersionDetail } from "../registry/versions.ts";
import { checksSummarySchema, getChecksSummary } from "./list-check-runs.ts";

export const versionViewSchema = versionDetailSchema.extend({ checks: checksSummarySchema }).meta({ id: "Version" });
export type VersionView = z.infer<typeof versionViewSchema>;

/** Adds the checks summary to a version the registry returned (by its row id). */
export async function withChecks(db: Tx, versionId: string, detail: VersionDetail): Promise<VersionView> {
  return { ...detail, checks: await getChecksSummary(db, versionId) };
}

export async function getVersionView(db: Tx, model: string, version: string): Promise<VersionView> {
  const { id, detail } = await findVersion(db, model, version);
  return withChecks(db, id, detail);
}
