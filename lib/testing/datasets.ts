// The real data sets some tests use (ProPublica's COMPAS data), kept outside the repository. A clone
// may live anywhere, so the folder is looked up: REGISTRY_DATASETS_DIR, then ../shared/datasets next
// to the repository, then the workplace's /work/shared/datasets. Missing everywhere is an error that
// says where it looked: a test that needs real data must not silently pass without it.
import { existsSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./app-server.ts";

export function sharedDatasetPath(file: string): string {
  const candidates = [
    ...(process.env.REGISTRY_DATASETS_DIR ? [process.env.REGISTRY_DATASETS_DIR] : []),
    path.resolve(repoRoot, "../shared/datasets"),
    "/work/shared/datasets",
  ].map((dir) => path.join(dir, file));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`data set ${file} not found; looked in:\n  ${candidates.join("\n  ")}\nSet REGISTRY_DATASETS_DIR to its folder.`);
  return found;
}
