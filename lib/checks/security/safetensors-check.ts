// safetensors header validation. The format cannot carry code, but a hostile header can make a loader
// read out of bounds or allocate absurd amounts of memory, so the header is checked the way the
// reference implementation (huggingface/safetensors `validate`) does. Differences, on purpose: gaps
// between tensors and data past the last tensor are warnings here (the reference loader refuses both,
// which the message says), because they waste space but cannot make a loader misbehave.
//
// Only the header is read (readSafetensorsHead): the offsets it declares are checked against the
// file's size, so a multi-GB file costs its header, never its tensor data.
import type { Finding } from "../types.ts";
import { readRange, type ByteSource } from "./byte-source.ts";

/** Matches the reference implementation's MAX_HEADER_SIZE. */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/** Bits per element for every dtype the safetensors spec defines. */
const DTYPE_BITS: Record<string, number> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

export type SafetensorsReport = {
  ok: boolean;
  findings: Finding[];
  headerBytes: number;
  dataBytes: number;
  tensorCount: number;
};

type Tensor = { name: string; begin: number; end: number };

/** Checks a whole safetensors file held in memory. */
export function checkSafetensors(bytes: Uint8Array, file: string): SafetensorsReport {
  return checkSafetensorsHead(bytes, bytes.length, file);
}

/**
 * The file's first bytes: the 8-byte header length and, when that length is acceptable, the header.
 * Everything checkSafetensorsHead needs, whatever the size of the data that follows.
 */
export async function readSafetensorsHead(source: ByteSource): Promise<Uint8Array> {
  const first = await readRange(source, 0, 8);
  if (first.length < 8) return first;
  const declared = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_SAFETENSORS_HEADER_BYTES) || Number(declared) > source.size - 8) return first;
  return readRange(source, 0, 8 + Number(declared));
}

/**
 * Checks a safetensors file of `fileSize` bytes from its head (see readSafetensorsHead; a longer
 * prefix, e.g. the whole file, is fine too). Tensor offsets are checked against the data section the
 * size implies; the tensor bytes themselves never matter.
 */
export function checkSafetensorsHead(head: Uint8Array, fileSize: number, file: string): SafetensorsReport {
  const findings: Finding[] = [];
  const error = (code: string, message: string, details?: Record<string, unknown>) =>
    findings.push({ severity: "error", code, message: `${file}: ${message}`, details: { file, ...details } });
  const warning = (code: string, message: string, details?: Record<string, unknown>) =>
    findings.push({ severity: "warning", code, message: `${file}: ${message}`, details: { file, ...details } });
  const report = (headerBytes = 0, dataBytes = 0, tensorCount = 0): SafetensorsReport => ({
    ok: !findings.some((f) => f.severity === "error"),
    findings,
    headerBytes,
    dataBytes,
    tensorCount,
  });

  if (fileSize < 8) {
    error("safetensors_too_small", `the file is ${fileSize} bytes, too short for the 8-byte header length`);
    return report();
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    error("safetensors_header_too_large", `the header length is ${declared} bytes, above the ${MAX_SAFETENSORS_HEADER_BYTES}-byte maximum`, {
      headerLength: declared.toString(),
    });
    return report();
  }
  const headerBytes = Number(declared);
  if (headerBytes > fileSize - 8) {
    error("safetensors_header_too_large", `the header length (${headerBytes} bytes) is larger than the rest of the file (${fileSize - 8} bytes)`, {
      headerLength: headerBytes,
      fileSize,
    });
    return report();
  }
  if (head.length < 8 + headerBytes) throw new Error(`checkSafetensorsHead needs the first ${8 + headerBytes} bytes, got ${head.length}`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(8, 8 + headerBytes));
  } catch {
    error("safetensors_header_not_json", "the header is not valid UTF-8");
    return report(headerBytes);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    error("safetensors_header_not_json", `the header is not JSON (${(e as Error).message})`);
    return report(headerBytes);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    error("safetensors_header_not_object", "the header is JSON but not an object of tensors");
    return report(headerBytes);
  }

  const dataBytes = fileSize - 8 - headerBytes;
  const tensors: Tensor[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") {
      const ok =
        typeof raw === "object" && raw !== null && !Array.isArray(raw) && Object.values(raw).every((v) => typeof v === "string");
      if (!ok) error("safetensors_bad_metadata", "__metadata__ must be an object of string values");
      continue;
    }
    const t = checkTensor(name, raw, dataBytes, error, warning);
    if (t) tensors.push(t);
  }

  // Overlaps and gaps, in data order. Empty tensors occupy no bytes and cannot overlap anything.
  const sorted = tensors.filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Tensor | undefined;
  for (const t of sorted) {
    if (previous && t.begin < covered) {
      error("safetensors_overlap", `tensors '${previous.name}' and '${t.name}' share bytes ${t.begin}..${Math.min(covered, t.end)} of the data section`, {
        tensors: [previous.name, t.name],
        ranges: [
          [previous.begin, previous.end],
          [t.begin, t.end],
        ],
      });
    } else if (t.begin > covered) {
      warning("safetensors_gap", `bytes ${covered}..${t.begin} of the data section belong to no tensor (the reference loader refuses such files)`, {
        from: covered,
        to: t.begin,
      });
    }
    if (t.end > covered) {
      covered = t.end;
      previous = t;
    }
  }
  if (covered < dataBytes && findings.every((f) => f.severity !== "error"))
    warning("safetensors_uncovered_data", `the last ${dataBytes - covered} bytes of the data section belong to no tensor (the reference loader refuses such files)`, {
      from: covered,
      to: dataBytes,
    });
  return report(headerBytes, dataBytes, tensors.length);
}

function checkTensor(
  name: string,
  raw: unknown,
  dataBytes: number,
  error: (code: string, message: string, details?: Record<string, unknown>) => void,
  warning: (code: string, message: string, details?: Record<string, unknown>) => void,
): Tensor | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    error("safetensors_bad_tensor", `tensor '${name}' is not an object with dtype, shape and data_offsets`, { tensor: name });
    return undefined;
  }
  const { dtype, shape, data_offsets: offsets, ...rest } = raw as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) warning("safetensors_unknown_field", `tensor '${name}' has unknown fields ${extra.join(", ")}`, { tensor: name, fields: extra });
  if (typeof dtype !== "string" || !(dtype in DTYPE_BITS)) {
    error("safetensors_bad_tensor", `tensor '${name}' has dtype ${JSON.stringify(dtype)}, which is not a safetensors dtype`, { tensor: name, dtype });
    return undefined;
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    error("safetensors_bad_tensor", `tensor '${name}' has shape ${JSON.stringify(shape)}; it must be a list of non-negative integers`, { tensor: name });
    return undefined;
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
    error("safetensors_bad_tensor", `tensor '${name}' has data_offsets ${JSON.stringify(offsets)}; it must be [begin, end] with non-negative integers`, {
      tensor: name,
    });
    return undefined;
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) {
    error("safetensors_offset_out_of_range", `tensor '${name}' ends (${end}) before it begins (${begin})`, { tensor: name, begin, end });
    return undefined;
  }
  if (end > dataBytes) {
    error("safetensors_offset_out_of_range", `tensor '${name}' spans bytes ${begin}..${end} but the data section has only ${dataBytes} bytes`, {
      tensor: name,
      begin,
      end,
      dataBytes,
    });
    return undefined;
  }
  // BigInt: a hostile shape can overflow 2^53 long before it is obviously wrong.
  const bits = shape.reduce((n: bigint, d) => n * BigInt(d as number), 1n) * BigInt(DTYPE_BITS[dtype]!);
  const expected = bits / 8n;
  if (bits % 8n !== 0n || expected !== BigInt(end - begin)) {
    error(
      "safetensors_size_mismatch",
      `tensor '${name}' is ${dtype}${JSON.stringify(shape)}, which needs ${bits % 8n === 0n ? `${expected} bytes` : `${bits} bits (not a whole number of bytes)`}, but its offsets span ${end - begin}`,
      { tensor: name, dtype, shape, expectedBytes: expected.toString(), actualBytes: end - begin },
    );
    return undefined;
  }
  return { name, begin, end };
}
