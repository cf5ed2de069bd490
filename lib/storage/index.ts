// Entry point of the storage layer: pick the driver the configuration asks for.
// Driver-specific helpers (ensureBucket, createS3Client) are imported from their own modules.
import type { Config } from "@/lib/config";
import { FilesystemObjectStore } from "./filesystem.ts";
import { createS3Client, S3ObjectStore } from "./s3.ts";
import type { ObjectStore } from "./types.ts";

export function createObjectStore(storage: Config["storage"]): ObjectStore {
  switch (storage.kind) {
    case "filesystem":
      return new FilesystemObjectStore(storage.dir);
    case "s3":
      return new S3ObjectStore({ client: createS3Client(storage), bucket: storage.bucket, ownsClient: true });
  }
}

export * from "./types.ts";
