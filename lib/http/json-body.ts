// Reading a JSON request body with a size limit, from a Node stream.
import type { Readable } from "node:stream";
import { AppError, badRequest, unprocessable } from "../errors/app-error.ts";
import { UNSTORABLE_TEXT, unstorableMessage, unstorablePaths } from "../schemas/storable-text.ts";

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export async function readJsonBody(body: Readable, contentType: string | undefined, contentLength: string | undefined): Promise<unknown> {
  if (!/^application\/(.+\+)?json\s*(;|$)/i.test(contentType ?? ""))
    throw new AppError("unsupported_media_type", "json_required", "send the body as application/json");
  if (Number(contentLength ?? 0) > MAX_JSON_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest("malformed_json", `the body is not valid JSON: ${(error as Error).message}`);
  }
  const unstorable = unstorablePaths(value);
  if (unstorable.length > 0)
    throw unprocessable(
      "unstorable_text",
      `the body holds text that cannot be stored: ${UNSTORABLE_TEXT}`,
      unstorable.map((path) => ({ path: ["body", ...path].join("."), message: unstorableMessage(path) })),
    );
  return value;
}

const tooLarge = () => new AppError("payload_too_large", "body_too_large", `JSON bodies are limited to ${MAX_JSON_BODY_BYTES} bytes`);
