// createObjectStore for short-lived processes (the checks' child processes): the S3 driver and the
// AWS SDK behind it take ~0.2 s to import, so they are loaded only when the configuration asks for S3.
import type { Config } from "../config/index.ts";
import { FilesystemObjectStore } from "./filesystem.ts";
import type { ObjectStore } from "./types.ts";

export async function openObjectStore(storage: Config["storage"]): Promise<ObjectStore> {
  if (storage.kind === "filesystem") return new FilesystemObjectStore(storage.dir);
  const { createS3Client, S3ObjectStore } = await import("./s3.ts");
  return new S3ObjectStore({ client: createS3Client(storage), bucket: storage.bucket, ownsClient: true });
}
