import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./index.ts";

describe("configuration", () => {
  it("defaults to the embedded mode under ./data", () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: "pglite", dir: path.resolve("data/db") });
    expect(config.storage).toEqual({ kind: "filesystem", dir: path.resolve("data/objects") });
    expect(config.admin.email).toBe("admin@localhost");
  });

  it("switches to Postgres and S3 when they are configured", () => {
    const config = parseConfig({
      DATABASE_URL: "postgres://u:p@db:5432/registry",
      S3_ENDPOINT: "http://minio:9000",
      S3_BUCKET: "models",
      S3_FORCE_PATH_STYLE: "false",
      MAX_UPLOAD_BYTES: "1024",
      REGISTRY_ADMIN_EMAIL: "Admin@LocalHost",
    });
    expect(config.database).toEqual({ kind: "postgres", url: "postgres://u:p@db:5432/registry", poolSize: 10 });
    expect(config.storage).toMatchObject({ kind: "s3", endpoint: "http://minio:9000", bucket: "models", forcePathStyle: false });
    expect(config.limits.maxUploadBytes).toBe(1024);
    expect(config.admin.email).toBe("admin@localhost");
  });

  it("treats empty values as unset", () => {
    expect(parseConfig({ DATABASE_URL: "", PORT: "" }).database.kind).toBe("pglite");
  });

  it.each([
    [{ PORT: "http" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ REGISTRY_BOOTSTRAP_TOKEN: "short" }, "REGISTRY_BOOTSTRAP_TOKEN"],
    [{ S3_ENDPOINT: "http://minio:9000" }, "S3_BUCKET"],
    [{ MAX_UPLOAD_BYTES: "-1" }, "MAX_UPLOAD_BYTES"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
  ])("refuses %j naming the variable", (env, name) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(name);
  });
});
