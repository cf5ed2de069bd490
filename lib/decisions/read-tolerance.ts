// The tolerances a replay is judged by: the version's own test-vector atol/rtol, or the validation
// check's defaults where it sets none.
import { DEFAULT_ATOL, DEFAULT_RTOL } from "../checks/validation/tolerances.ts";
import type { Manifest } from "../registry/envelope.ts";
import type { DecisionServices } from "./decision-services.ts";
import { readVerified } from "./serving-models.ts";
import type { ReplayResult } from "./views.ts";

const MAX_TEST_VECTOR_BYTES = 64 * 1024 * 1024;

/** atol/rtol from the version's test vectors (the validation check's defaults where it sets none). */
export async function readTolerance(services: DecisionServices, manifest: Manifest, versionId: string): Promise<ReplayResult["tolerance"]> {
  const fallback = { atol: DEFAULT_ATOL, rtol: DEFAULT_RTOL, source: "default" };
  if (!manifest.testVectors) return fallback;
  const file = await services.prisma.versionFile.findUnique({ where: { versionId_path: { versionId, path: manifest.testVectors } }, select: { blobDigest: true, size: true } });
  if (!file || Number(file.size) > MAX_TEST_VECTOR_BYTES) return fallback;
  try {
    const parsed = JSON.parse(Buffer.from(await readVerified(services.store, file.blobDigest, Number(file.size))).toString("utf8")) as { atol?: unknown; rtol?: unknown };
    const atol = typeof parsed.atol === "number" && parsed.atol >= 0 ? parsed.atol : DEFAULT_ATOL;
    const rtol = typeof parsed.rtol === "number" && parsed.rtol >= 0 ? parsed.rtol : DEFAULT_RTOL;
    return { atol, rtol, source: manifest.testVectors };
  } catch {
    return fallback;
  }
}
