// Naming rules that protect URLs, headers and storage: model names, envelope file paths, semantic
// versions, media types. Each rule is a zod schema (or a problem function behind one) so the API,
// the CLI and the OpenAPI document share one definition.
import semver from "semver";
import { z } from "zod";

/** URL-safe model name; "." and ".." sequences are refused so a name can never climb a path. */
export const MODEL_NAME = /^[a-z0-9][a-z0-9\-_.]{0,99}$/;

export const modelNameSchema = z
  .string()
  .regex(MODEL_NAME, "must match ^[a-z0-9][a-z0-9-_.]{0,99}$ (lowercase letters, digits, '-', '_', '.')")
  .refine((name) => !name.includes(".."), "must not contain '..'")
  .meta({ id: "ModelName", example: "credit-risk" });

export function isValidModelName(name: string): boolean {
  return modelNameSchema.safeParse(name).success;
}

/** Path segments start with a letter, digit or '_' (so never '.', '..' or a hidden file). */
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
export const MAX_PATH_LENGTH = 512;
export const MAX_PATH_DEPTH = 16;
/** The registry writes the canonical manifest itself; an uploaded file may not take its name. */
export const RESERVED_PATHS = new Set(["manifest.json", "signature.json"]);

export function filePathProblem(path: string): string | undefined {
  if (path.length === 0) return "must not be empty";
  if (path.length > MAX_PATH_LENGTH) return `must be at most ${MAX_PATH_LENGTH} characters`;
  if (path.startsWith("/")) return "must be relative (no leading '/')";
  if (path.includes("\\")) return "must use '/' as separator";
  const segments = path.split("/");
  if (segments.length > MAX_PATH_DEPTH) return `must be at most ${MAX_PATH_DEPTH} levels deep`;
  for (const segment of segments) {
    if (segment === "") return "must not contain empty segments ('//' or a trailing '/')";
    if (segment === "." || segment === "..") return "must not contain '.' or '..' segments";
    if (!PATH_SEGMENT.test(segment))
      return `segment '${segment.slice(0, 40)}' must match ${PATH_SEGMENT.source} (letters, digits, '.', '_', '-'; no leading '.')`;
  }
  if (RESERVED_PATHS.has(path)) return `'${path}' is reserved for the registry`;
  return undefined;
}

export const filePathSchema = z
  .string()
  .superRefine((path, ctx) => {
    const problem = filePathProblem(path);
    if (problem) ctx.addIssue({ code: "custom", message: `file path ${problem}` });
  })
  .meta({ id: "FilePath", example: "model.onnx" });

export type ParsedVersion = {
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
};

/** Semver 2.0.0, prerelease allowed, build metadata refused (it does not take part in precedence,
 * so `1.0.0+a` and `1.0.0+b` would be two identities with one rank). */
export function versionProblem(input: string): string | undefined {
  if (input.length > 128) return "must be at most 128 characters";
  if (input.includes("+")) return "build metadata ('+…') is not allowed";
  const parsed = semver.parse(input, { loose: false });
  if (!parsed || parsed.version !== input) return "must be a semantic version like 1.4.0 or 2.0.0-rc.1";
  // Stored as Postgres int columns for ordering.
  if (Math.max(parsed.major, parsed.minor, parsed.patch) > 2_147_483_647) return "version numbers must be below 2^31";
  return undefined;
}

export function parseVersion(input: string): ParsedVersion {
  const problem = versionProblem(input);
  if (problem) throw new Error(`invalid version '${input}': ${problem}`);
  const parsed = semver.parse(input)!;
  return {
    version: parsed.version,
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease: parsed.prerelease.length ? parsed.prerelease.join(".") : null,
  };
}

export const versionSchema = z
  .string()
  .superRefine((v, ctx) => {
    const problem = versionProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: `version ${problem}` });
  })
  .meta({ id: "SemVer", example: "1.4.0" });

/** Semver precedence, for sorting lists in memory (SQL sorts on the numeric columns). */
export function compareVersions(a: string, b: string): number {
  return semver.compare(a, b);
}

/*
 * Media types (RFC 9110 §8.3.1), as declared in `files.<path>.mediaType`. The value is served as the
 * file's Content-Type for as long as the version exists, so it must always be a valid header value:
 *   media-type = type "/" subtype *( OWS ";" OWS parameter )
 *   parameter  = token "=" ( token / quoted-string )
 * Stricter than the RFC in two ways that keep every accepted value printable ASCII: OWS is spaces
 * only (no tabs), and a quoted-string holds printable ASCII only (no obs-text, no tabs).
 */
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const QUOTED_STRING = '"(?:[ !#-\\[\\]-~]|\\\\[ -~])*"';
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?: *; *${TOKEN}=(?:${TOKEN}|${QUOTED_STRING}))*$`);
export const MAX_MEDIA_TYPE_LENGTH = 200;

export function mediaTypeProblem(value: string): string | undefined {
  if (value.length > MAX_MEDIA_TYPE_LENGTH) return `must be at most ${MAX_MEDIA_TYPE_LENGTH} characters`;
  if (!MEDIA_TYPE.test(value))
    return "must be a media type like 'text/plain' or 'text/csv; charset=utf-8' (RFC 9110: type/subtype, then '; name=value' parameters; printable ASCII only)";
  return undefined;
}

export function isValidMediaType(value: string): boolean {
  return mediaTypeProblem(value) === undefined;
}

export const mediaTypeSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = mediaTypeProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .meta({ id: "MediaType", example: "text/csv; charset=utf-8" });
