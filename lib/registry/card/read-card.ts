// Reading a version's model card from the object store for display. The card is untrusted,
// uploader-written text; it is capped so a huge "card" cannot exhaust the page renderer.
import type { ObjectStore } from "../../storage/index.ts";

export const CARD_DISPLAY_LIMIT = 1024 * 1024;

export type CardText = { text: string; truncated: boolean; size: number };

export async function readCardText(store: ObjectStore, file: { sha256: string; size: number }): Promise<CardText> {
  const truncated = file.size > CARD_DISPLAY_LIMIT;
  // A full read is verified against the digest as it streams; a capped read is a range read.
  const blob = await store.getBlob(file.sha256, truncated ? { range: { start: 0, end: CARD_DISPLAY_LIMIT - 1 } } : undefined);
  const chunks: Buffer[] = [];
  for await (const chunk of blob.stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  // TextDecoder (not fatal) replaces invalid UTF-8 and a character cut by the cap with U+FFFD.
  return { text: new TextDecoder("utf-8").decode(Buffer.concat(chunks)), truncated, size: file.size };
}
