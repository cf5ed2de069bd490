// Child-process entry: s3rver (via the test helper startS3Server) in its own process, so the S3
// server gets its own event loop and core share, as a real S3 endpoint would. Prints its env as one
// JSON line, then serves until SIGTERM, when it stops and deletes its storage directory.
import { startS3Server } from "@/lib/testing/s3-server.ts";

const s3 = await startS3Server({ bucket: "registry-bench" });
process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint, bucket: s3.bucket, env: s3.env })}\n`);

process.once("SIGTERM", () => {
  void s3.stop().finally(() => process.exit(0));
});
