// Static pickle scanner. Unpickling is code execution (GLOBAL + REDUCE is a function call), so the
// registry never unpickles: it walks the opcode stream with a symbolic stack that only knows string
// constants, small ints, containers and "the result of calling import X". Nothing is ever imported,
// evaluated or executed.
//
// Allow-list semantics (thresholds.security.pickleAllowList):
//   - "pkg." (trailing dot): any import whose module is `pkg` or a submodule of it (`pkg.a.b`).
//   - "a.b.c" (no trailing dot): the exact import a.b.c (module "a.b", name "c"), and also any plain
//     name directly in module "a.b.c" — so the default entries "numpy" and "numpy.core.multiarray"
//     allow numpy.dtype and numpy.core.multiarray._reconstruct, as types.ts intends.
//   - A dotted *name* (protocol 4 allows module "numpy", name "testing._private.utils.runstring",
//     resolved by attribute traversal) is only allowed by an exact full-name entry, because
//     traversal can leave the allowed package (e.g. "sklearn" + "os.system" if sklearn imported os).
//   - builtins.object/int/float/str/bytes/bool are always allowed (see ALWAYS_ALLOWED).
//   - Known-dangerous imports (os.*, subprocess.*, builtins.eval…, see isKnownDangerousImport) win
//     over the allow-list and are dangerous even when no call opcode follows: they are the classic
//     gadgets and an allowed callable could still invoke them (e.g. copyreg._reconstructor calls
//     base.__init__).
//   - Python 2 module spellings (__builtin__, copy_reg…) match like their Python 3 names, because
//     Python 3 maps them (fix_imports) when loading protocol 0-2 pickles.
// An import outside the allow-list is dangerous when it is invoked (REDUCE, INST, OBJ, NEWOBJ,
// NEWOBJ_EX, BUILD applied to the imported class itself, or being passed directly as an argument of
// such a call, since the callee may instantiate it); otherwise it is reported as a warning, since
// merely importing a module still runs its top-level code on the loader's machine.

export type PickleImport = {
  module: string;
  name: string;
  /** "module.name", or a description such as "<extension code 7>" when it cannot be resolved statically. */
  fullName: string;
  /** Byte offset of the opcode that imports it. */
  offset: number;
  opcode: "GLOBAL" | "STACK_GLOBAL" | "INST" | "EXT1" | "EXT2" | "EXT4";
  /** False when the import's name is computed at load time (STACK_GLOBAL on non-constants, EXT codes). */
  resolved: boolean;
  allowed: boolean;
  knownDangerous: boolean;
  /**
   * Every opcode that invokes this import (possibly through the memo), with its offset. `via` names
   * the callable it was passed to when it is invoked indirectly, as an argument.
   */
  calls: { opcode: string; offset: number; via?: string }[];
  /** knownDangerous, or invoked while not allowed. */
  dangerous: boolean;
};

export type PickleProblemCode =
  | "pickle_unknown_opcode"
  | "pickle_truncated"
  | "pickle_malformed"
  | "pickle_unsupported_protocol"
  | "pickle_scan_limit";

export type PickleProblem = { code: PickleProblemCode; message: string; offset: number };

export type PickleNoteCode = "pickle_trailing_data" | "pickle_persistent_id" | "pickle_indirect_call" | "pickle_inline_array";

export type PickleNote = { code: PickleNoteCode; message: string; offset: number };

export type PickleScanResult = {
  /**
   * "dangerous": at least one dangerous import. "unscannable": no dangerous import was seen, but the
   * walk could not finish (unknown opcode, truncation…) so the rest of the stream is unknown.
   * "safe": the whole stream was walked and every import is allowed or harmlessly uncalled.
   */
  verdict: "safe" | "dangerous" | "unscannable";
  /** Highest PROTO seen (null for protocol 0/1 streams, which have no PROTO opcode). */
  protocol: number | null;
  imports: PickleImport[];
  dangerous: PickleImport[];
  /** Problems that stopped the walk of the loaded pickle; empty when it reached STOP. */
  problems: PickleProblem[];
  notes: PickleNote[];
  opcodeCount: number;
};

export type PickleScanOptions = {
  allowList: readonly string[];
  /** Symbolic stack + memo entries before the scan gives up (memory bound for hostile inputs). */
  maxStackEntries?: number;
};

const DEFAULT_MAX_STACK_ENTRIES = 5_000_000;
/** Containers only remember their first items: enough for argument tuples and joblib array headers. */
const MAX_TRACKED_ITEMS = 256;
/** Longer strings are tracked as "some string": no module or class name is this long. */
const MAX_TRACKED_STRING = 4096;

type Value =
  | { k: "str"; v: string | null }
  | { k: "bytes" }
  | { k: "int"; v: number }
  | { k: "float" }
  | { k: "bool"; v: boolean }
  | { k: "none" }
  | { k: "tuple"; items: Value[] }
  | { k: "list"; items: Value[] }
  | { k: "dict"; entries: [Value, Value][] }
  | { k: "set" }
  | { k: "global"; imp: PickleImport }
  | { k: "obj"; from: PickleImport | null; args: Value | null }
  | { k: "unknown" };

const UNKNOWN: Value = { k: "unknown" };
const NONE: Value = { k: "none" };
const FLOAT: Value = { k: "float" };
const BYTES: Value = { k: "bytes" };
const SET: Value = { k: "set" };

class ScanStop extends Error {
  constructor(
    readonly code: PickleProblemCode,
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

// Python 3 maps protocol 0-2 module names through _compat_pickle (fix_imports=True), so a Python 2
// spelling reaches the same module; match both spellings.
const PY2_MODULES: Record<string, string> = {
  __builtin__: "builtins",
  copy_reg: "copyreg",
  exceptions: "builtins",
  cPickle: "pickle",
  commands: "subprocess",
  Queue: "queue",
  SocketServer: "socketserver",
  httplib: "http.client",
  urllib2: "urllib.request",
  thread: "_thread",
};

/** Any import under these top-level modules is known-dangerous (process, file, network, code loading). */
const DANGEROUS_TOP_MODULES = new Set([
  "os", "posix", "nt", "subprocess", "_posixsubprocess", "sys", "socket", "_socket", "shutil", "runpy", "pty",
  "ctypes", "_ctypes", "importlib", "imp", "zipimport", "code", "codeop", "commands", "popen2", "multiprocessing",
  "_thread", "thread", "threading", "asyncio", "signal", "webbrowser", "pdb", "bdb", "timeit", "trace", "profile",
  "cProfile", "marshal", "pickle", "_pickle", "cPickle", "pickletools", "shelve", "dill", "cloudpickle", "pip",
  "setuptools", "distutils", "urllib", "urllib2", "urllib3", "http", "httplib", "requests", "ftplib", "telnetlib",
  "smtplib", "poplib", "imaplib", "xmlrpc", "tempfile", "io", "_io", "types", "pexpect", "paramiko", "platform",
  "site", "venv", "ensurepip",
]);
/** Module path components that are dangerous wherever they appear ("sklearn.os.system" via attribute traversal). */
const DANGEROUS_COMPONENTS = new Set(["os", "posix", "nt", "subprocess", "sys", "pty", "ctypes", "runpy", "shutil", "socket"]);
const DANGEROUS_EXACT = new Set(
  [
    "eval", "exec", "compile", "__import__", "getattr", "setattr", "delattr", "open", "input", "breakpoint",
    "globals", "locals", "vars", "execfile", "file", "reload", "help", "exit", "quit", "apply", "__build_class__",
    "__loader__", "memoryview", "object.__reduce__",
  ].flatMap((n) => [`builtins.${n}`, `__builtin__.${n}`]).concat([
    "operator.attrgetter", "operator.methodcaller", "functools.reduce", "numpy.load", "numpy.fromfile",
    "numpy.memmap", "torch.load", "joblib.load", "pandas.read_pickle", "yaml.load", "yaml.unsafe_load",
  ]),
);
const DANGEROUS_PREFIXES = [
  "numpy.testing.", "numpy.f2py.", "numpy.distutils.", "numpy.ctypeslib.", "numpy.lib.npyio.", "numpy.lib.format.",
  "torch.hub.", "torch.serialization.", "torch.package.", "torch.jit.", "torch.utils.cpp_extension.",
  "joblib.numpy_pickle.load", "joblib.numpy_pickle_compat.", "pandas.io.pickle.", "keras.", "tensorflow.",
];
const DANGEROUS_LAST_NAME = /^(system|popen\d?|eval|exec|execfile|execv\w*|execl\w*|spawn\w*|fork\w*|__import__|runstring|run_path|run_module|getoutput|getstatusoutput|check_output|check_call|unsafe_load)$/;

function normalizeModule(module: string): string {
  return PY2_MODULES[module] ?? module;
}

/** True for imports that are dangerous even without a call opcode (see the header comment). */
export function isKnownDangerousImport(module: string, name: string): boolean {
  for (const mod of new Set([module, normalizeModule(module)])) {
    const full = `${mod}.${name}`;
    const parts = full.split(".");
    if (DANGEROUS_TOP_MODULES.has(parts[0]!)) return true;
    if (parts.slice(0, -1).some((p) => DANGEROUS_COMPONENTS.has(p))) return true;
    if (DANGEROUS_EXACT.has(full)) return true;
    if (DANGEROUS_PREFIXES.some((p) => full.startsWith(p))) return true;
    if (DANGEROUS_LAST_NAME.test(parts[parts.length - 1]!)) return true;
  }
  return false;
}

/**
 * Constructors of plain values that no allow-list needs to spell out: protocol 0/1 pickles of any
 * user object reference builtins.object (copyreg._reconstructor(cls, object, None)), and none of
 * these can run code from a pickle.
 */
const ALWAYS_ALLOWED = new Set(["object", "int", "float", "str", "bytes", "bool"].map((n) => `builtins.${n}`));

/** Allow-list match with the semantics documented at the top of this file. */
export function isAllowedImport(module: string, name: string, allowList: readonly string[]): boolean {
  for (const mod of new Set([module, normalizeModule(module)])) {
    const full = `${mod}.${name}`;
    if (ALWAYS_ALLOWED.has(full)) return true;
    const dotted = name.includes(".");
    for (const entry of allowList) {
      if (entry.endsWith(".")) {
        const pkg = entry.slice(0, -1);
        if (!dotted && pkg.length > 0 && (mod === pkg || mod.startsWith(entry))) return true;
      } else if (full === entry || (!dotted && mod === entry)) {
        return true;
      }
    }
  }
  return false;
}

const OPCODE_NAMES: Record<number, string> = {
  0x28: "MARK", 0x2e: "STOP", 0x30: "POP", 0x31: "POP_MARK", 0x32: "DUP", 0x46: "FLOAT", 0x49: "INT", 0x4a: "BININT",
  0x4b: "BININT1", 0x4c: "LONG", 0x4d: "BININT2", 0x4e: "NONE", 0x50: "PERSID", 0x51: "BINPERSID", 0x52: "REDUCE",
  0x53: "STRING", 0x54: "BINSTRING", 0x55: "SHORT_BINSTRING", 0x56: "UNICODE", 0x58: "BINUNICODE", 0x61: "APPEND",
  0x62: "BUILD", 0x63: "GLOBAL", 0x64: "DICT", 0x7d: "EMPTY_DICT", 0x65: "APPENDS", 0x67: "GET", 0x68: "BINGET",
  0x69: "INST", 0x6a: "LONG_BINGET", 0x6c: "LIST", 0x5d: "EMPTY_LIST", 0x6f: "OBJ", 0x70: "PUT", 0x71: "BINPUT",
  0x72: "LONG_BINPUT", 0x73: "SETITEM", 0x74: "TUPLE", 0x29: "EMPTY_TUPLE", 0x75: "SETITEMS", 0x47: "BINFLOAT",
  0x80: "PROTO", 0x81: "NEWOBJ", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4", 0x85: "TUPLE1", 0x86: "TUPLE2",
  0x87: "TUPLE3", 0x88: "NEWTRUE", 0x89: "NEWFALSE", 0x8a: "LONG1", 0x8b: "LONG4", 0x42: "BINBYTES",
  0x43: "SHORT_BINBYTES", 0x8c: "SHORT_BINUNICODE", 0x8d: "BINUNICODE8", 0x8e: "BINBYTES8", 0x8f: "EMPTY_SET",
  0x90: "ADDITEMS", 0x91: "FROZENSET", 0x92: "NEWOBJ_EX", 0x93: "STACK_GLOBAL", 0x94: "MEMOIZE", 0x95: "FRAME",
  0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
};

export function opcodeName(byte: number): string {
  return OPCODE_NAMES[byte] ?? `0x${byte.toString(16).padStart(2, "0")}`;
}

const utf8 = new TextDecoder("utf-8");
const latin1 = new TextDecoder("latin1");

/** Joblib writes numpy array bytes inline right after the wrapper's BUILD (NumpyUnpickler reads them raw). */
const JOBLIB_ARRAY_WRAPPERS = new Set([
  "joblib.numpy_pickle.NumpyArrayWrapper",
  "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
]);

type Machine = { stack: Value[]; metastack: Value[][]; memo: Map<number, Value> };

class Walker {
  readonly imports: PickleImport[] = [];
  readonly notes: PickleNote[] = [];
  protocol: number | null = null;
  opcodeCount = 0;
  persistentIds = 0;
  private readonly maxEntries: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly opts: PickleScanOptions,
  ) {
    this.maxEntries = opts.maxStackEntries ?? DEFAULT_MAX_STACK_ENTRIES;
  }

  /**
   * Walks one pickle from `start` to its STOP and returns the offset after STOP. `joblib` enables the
   * inline-array handling of joblib's NumpyUnpickler (off for the plain pickles nested inside it).
   */
  walk(start: number, joblib: boolean, init?: Machine): number {
    const b = this.bytes;
    const m: Machine = init
      ? { stack: [...init.stack], metastack: init.metastack.map((s) => [...s]), memo: new Map(init.memo) }
      : { stack: [], metastack: [], memo: new Map() };
    let pos = start;

    const need = (n: number, at: number, what: string) => {
      if (n > b.length - pos)
        throw new ScanStop("pickle_truncated", `the pickle ends inside ${what} at byte ${at} (needs ${n} more bytes, ${b.length - pos} left)`, at);
    };
    const u1 = (at: number, what: string) => {
      need(1, at, what);
      return b[pos++]!;
    };
    const u2 = (at: number, what: string) => {
      need(2, at, what);
      const v = b[pos]! | (b[pos + 1]! << 8);
      pos += 2;
      return v;
    };
    const u4 = (at: number, what: string) => {
      need(4, at, what);
      const v = (b[pos]! | (b[pos + 1]! << 8) | (b[pos + 2]! << 16)) + b[pos + 3]! * 0x1000000;
      pos += 4;
      return v;
    };
    const i4 = (at: number, what: string) => {
      const v = u4(at, what);
      return v >= 0x80000000 ? v - 0x100000000 : v;
    };
    const u8 = (at: number, what: string) => {
      need(8, at, what);
      let v = 0;
      for (let i = 7; i >= 0; i--) v = v * 256 + b[pos + i]!;
      pos += 8;
      // Beyond 2^53 the value is imprecise, but it is also far beyond any buffer: `need` rejects it.
      return v;
    };
    const take = (n: number, at: number, what: string) => {
      need(n, at, what);
      const s = b.subarray(pos, pos + n);
      pos += n;
      return s;
    };
    const line = (at: number, what: string) => {
      const nl = b.indexOf(0x0a, pos);
      if (nl < 0) throw new ScanStop("pickle_truncated", `the pickle ends inside ${what} at byte ${at} (no newline)`, at);
      const s = b.subarray(pos, nl);
      pos = nl + 1;
      return s;
    };
    const malformed = (message: string, at: number): never => {
      throw new ScanStop("pickle_malformed", message, at);
    };
    let live = 0;
    const push = (v: Value) => {
      if (++live + m.memo.size > this.maxEntries)
        throw new ScanStop("pickle_scan_limit", `the pickle needs more than ${this.maxEntries} stack entries; the scan stopped`, pos);
      m.stack.push(v);
    };
    const pop = (at: number, op: string): Value => {
      const v = m.stack.pop();
      if (v === undefined) malformed(`${op} at byte ${at} pops an empty stack`, at);
      live--;
      return v!;
    };
    const top = (at: number, op: string): Value => {
      const v = m.stack[m.stack.length - 1];
      if (v === undefined) malformed(`${op} at byte ${at} needs a value on an empty stack`, at);
      return v!;
    };
    const popMark = (at: number, op: string): Value[] => {
      const items = m.stack;
      const prev = m.metastack.pop();
      if (!prev) malformed(`${op} at byte ${at} has no matching MARK`, at);
      m.stack = prev!;
      live -= items.length;
      return items;
    };
    const str = (s: string | null): Value => ({ k: "str", v: s !== null && s.length <= MAX_TRACKED_STRING ? s : null });
    const textOf = (raw: Uint8Array, decoder: TextDecoder): Value =>
      str(raw.length <= MAX_TRACKED_STRING * 4 ? decoder.decode(raw) : null);
    const addItems = (target: Value, items: Value[]) => {
      if (target.k === "list" || target.k === "tuple") {
        for (const it of items) if (target.items.length < MAX_TRACKED_ITEMS) target.items.push(it);
      }
    };
    const addPairs = (target: Value, items: Value[], at: number, op: string) => {
      if (items.length % 2 !== 0) malformed(`${op} at byte ${at} has an odd number of items`, at);
      if (target.k !== "dict") return;
      for (let i = 0; i + 1 < items.length; i += 2)
        if (target.entries.length < MAX_TRACKED_ITEMS) target.entries.push([items[i]!, items[i + 1]!]);
    };
    const memoGet = (key: number, at: number, op: string) => {
      const v = m.memo.get(key);
      if (v === undefined) malformed(`${op} at byte ${at} reads memo entry ${key}, which was never stored`, at);
      push(v!);
    };
    const memoPut = (key: number, at: number, op: string) => {
      if (live + m.memo.size >= this.maxEntries)
        throw new ScanStop("pickle_scan_limit", `the pickle needs more than ${this.maxEntries} memo entries; the scan stopped`, at);
      m.memo.set(key, top(at, op));
    };
    const lineInt = (raw: Uint8Array | string, at: number, op: string) => {
      const text = (typeof raw === "string" ? raw : latin1.decode(raw)).trim();
      if (!/^[+-]?\d+$/.test(text)) malformed(`${op} at byte ${at} has a non-integer argument '${text.slice(0, 40)}'`, at);
      return Number(text);
    };

    for (;;) {
      const at = pos;
      if (pos >= b.length) throw new ScanStop("pickle_truncated", `the pickle ends at byte ${pos} without a STOP opcode`, pos);
      const op = b[pos++]!;
      this.opcodeCount++;
      switch (op) {
        case 0x28: // MARK
          m.metastack.push(m.stack);
          m.stack = [];
          break;
        case 0x2e: // STOP
          pop(at, "STOP");
          return pos;
        case 0x30: // POP (Python pops a mark when the current stack is empty)
          if (m.stack.length > 0) pop(at, "POP");
          else popMark(at, "POP");
          break;
        case 0x31: // POP_MARK
          popMark(at, "POP_MARK");
          break;
        case 0x32: // DUP
          push(top(at, "DUP"));
          break;
        case 0x46: // FLOAT
          line(at, "FLOAT");
          push(FLOAT);
          break;
        case 0x49: {
          // INT ("00"/"01" are protocol 0's False/True)
          const raw = latin1.decode(line(at, "INT")).trim();
          if (raw === "00" || raw === "01") push({ k: "bool", v: raw === "01" });
          else push({ k: "int", v: lineInt(raw, at, "INT") });
          break;
        }
        case 0x4a: // BININT
          push({ k: "int", v: i4(at, "BININT") });
          break;
        case 0x4b: // BININT1
          push({ k: "int", v: u1(at, "BININT1") });
          break;
        case 0x4c: {
          // LONG
          const raw = latin1.decode(line(at, "LONG")).trim().replace(/L$/, "");
          push({ k: "int", v: lineInt(raw, at, "LONG") });
          break;
        }
        case 0x4d: // BININT2
          push({ k: "int", v: u2(at, "BININT2") });
          break;
        case 0x4e: // NONE
          push(NONE);
          break;
        case 0x50: // PERSID
          line(at, "PERSID");
          this.persistentIds++;
          push(UNKNOWN);
          break;
        case 0x51: // BINPERSID
          pop(at, "BINPERSID");
          this.persistentIds++;
          push(UNKNOWN);
          break;
        case 0x52: {
          // REDUCE
          const args = pop(at, "REDUCE");
          const fn = pop(at, "REDUCE");
          push(this.call(fn, "REDUCE", at, args));
          break;
        }
        case 0x53: {
          // STRING: a quoted Python 2 repr, escapes decoded like codecs.escape_decode
          const raw = line(at, "STRING");
          const q = raw[0];
          if (raw.length < 2 || (q !== 0x22 && q !== 0x27) || raw[raw.length - 1] !== q)
            malformed(`STRING at byte ${at} is not quoted`, at);
          push(str(latin1.decode(escapeDecode(raw.subarray(1, raw.length - 1)))));
          break;
        }
        case 0x54: {
          // BINSTRING
          const n = i4(at, "BINSTRING");
          if (n < 0) malformed(`BINSTRING at byte ${at} has a negative length`, at);
          push(textOf(take(n, at, "BINSTRING"), latin1));
          break;
        }
        case 0x55: // SHORT_BINSTRING
          push(textOf(take(u1(at, "SHORT_BINSTRING"), at, "SHORT_BINSTRING"), latin1));
          break;
        case 0x56: // UNICODE (raw-unicode-escape: only \uXXXX and \UXXXXXXXX are escapes)
          push(str(rawUnicodeEscapeDecode(line(at, "UNICODE"))));
          break;
        case 0x58: // BINUNICODE
          push(textOf(take(u4(at, "BINUNICODE"), at, "BINUNICODE"), utf8));
          break;
        case 0x8c: // SHORT_BINUNICODE
          push(textOf(take(u1(at, "SHORT_BINUNICODE"), at, "SHORT_BINUNICODE"), utf8));
          break;
        case 0x8d: // BINUNICODE8
          push(textOf(take(u8(at, "BINUNICODE8"), at, "BINUNICODE8"), utf8));
          break;
        case 0x42: // BINBYTES
          take(u4(at, "BINBYTES"), at, "BINBYTES");
          push(BYTES);
          break;
        case 0x43: // SHORT_BINBYTES
          take(u1(at, "SHORT_BINBYTES"), at, "SHORT_BINBYTES");
          push(BYTES);
          break;
        case 0x8e: // BINBYTES8
          take(u8(at, "BINBYTES8"), at, "BINBYTES8");
          push(BYTES);
          break;
        case 0x96: // BYTEARRAY8
          take(u8(at, "BYTEARRAY8"), at, "BYTEARRAY8");
          push(BYTES);
          break;
        case 0x97: // NEXT_BUFFER (out-of-band buffer supplied by the loader)
          push(BYTES);
          break;
        case 0x98: // READONLY_BUFFER
          top(at, "READONLY_BUFFER");
          break;
        case 0x61: {
          // APPEND
          const v = pop(at, "APPEND");
          addItems(top(at, "APPEND"), [v]);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = popMark(at, "APPENDS");
          addItems(top(at, "APPENDS"), items);
          break;
        }
        case 0x62: {
          // BUILD: calls inst.__setstate__(state); on a bare imported class that is the class's own code.
          const state = pop(at, "BUILD");
          const inst = top(at, "BUILD");
          if (inst.k === "global") this.recordCall(inst.imp, "BUILD", at);
          if (joblib && inst.k === "obj" && inst.from && JOBLIB_ARRAY_WRAPPERS.has(inst.from.fullName)) {
            pos = this.skipJoblibArray(state, pos, at, m);
          }
          break;
        }
        case 0x63: {
          // GLOBAL
          const module = utf8.decode(line(at, "GLOBAL module"));
          const name = utf8.decode(line(at, "GLOBAL name"));
          push({ k: "global", imp: this.addImport(module, name, at, "GLOBAL", true) });
          break;
        }
        case 0x93: {
          // STACK_GLOBAL: the names are whatever strings are on the stack (possibly via the memo).
          const name = pop(at, "STACK_GLOBAL");
          const module = pop(at, "STACK_GLOBAL");
          const ok = module.k === "str" && module.v !== null && name.k === "str" && name.v !== null;
          const imp = ok
            ? this.addImport((module as { v: string }).v, (name as { v: string }).v, at, "STACK_GLOBAL", true)
            : this.addImport("?", "?", at, "STACK_GLOBAL", false, `<name computed at load time (STACK_GLOBAL at byte ${at})>`);
          push({ k: "global", imp });
          break;
        }
        case 0x69: {
          // INST: import + call with the items since MARK
          const module = utf8.decode(line(at, "INST module"));
          const name = utf8.decode(line(at, "INST name"));
          const args = popMark(at, "INST");
          const imp = this.addImport(module, name, at, "INST", true);
          push(this.call({ k: "global", imp }, "INST", at, { k: "tuple", items: args.slice(0, MAX_TRACKED_ITEMS) }));
          break;
        }
        case 0x6f: {
          // OBJ: the first item after MARK is the class, the rest its arguments
          const items = popMark(at, "OBJ");
          const cls = items.shift();
          if (!cls) malformed(`OBJ at byte ${at} has no class after its MARK`, at);
          push(this.call(cls!, "OBJ", at, { k: "tuple", items: items.slice(0, MAX_TRACKED_ITEMS) }));
          break;
        }
        case 0x81: {
          // NEWOBJ: cls.__new__(cls, *args)
          const args = pop(at, "NEWOBJ");
          const cls = pop(at, "NEWOBJ");
          push(this.call(cls, "NEWOBJ", at, args));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
          pop(at, "NEWOBJ_EX");
          const args = pop(at, "NEWOBJ_EX");
          const cls = pop(at, "NEWOBJ_EX");
          push(this.call(cls, "NEWOBJ_EX", at, args));
          break;
        }
        case 0x82:
        case 0x83:
        case 0x84: {
          // EXT1/2/4: copyreg's extension registry maps a code to an import chosen by the loader's process.
          const code = op === 0x82 ? u1(at, "EXT1") : op === 0x83 ? u2(at, "EXT2") : i4(at, "EXT4");
          const opName = op === 0x82 ? "EXT1" : op === 0x83 ? "EXT2" : "EXT4";
          push({ k: "global", imp: this.addImport("?", "?", at, opName, false, `<extension code ${code}>`) });
          break;
        }
        case 0x64: {
          // DICT
          const items = popMark(at, "DICT");
          const d: Value = { k: "dict", entries: [] };
          addPairs(d, items, at, "DICT");
          push(d);
          break;
        }
        case 0x7d: // EMPTY_DICT
          push({ k: "dict", entries: [] });
          break;
        case 0x73: {
          // SETITEM
          const v = pop(at, "SETITEM");
          const k = pop(at, "SETITEM");
          addPairs(top(at, "SETITEM"), [k, v], at, "SETITEM");
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = popMark(at, "SETITEMS");
          addPairs(top(at, "SETITEMS"), items, at, "SETITEMS");
          break;
        }
        case 0x6c: // LIST
          push({ k: "list", items: popMark(at, "LIST").slice(0, MAX_TRACKED_ITEMS) });
          break;
        case 0x5d: // EMPTY_LIST
          push({ k: "list", items: [] });
          break;
        case 0x74: // TUPLE
          push({ k: "tuple", items: popMark(at, "TUPLE").slice(0, MAX_TRACKED_ITEMS) });
          break;
        case 0x29: // EMPTY_TUPLE
          push({ k: "tuple", items: [] });
          break;
        case 0x85:
        case 0x86:
        case 0x87: {
          // TUPLE1/2/3
          const n = op - 0x84;
          const items: Value[] = [];
          for (let i = 0; i < n; i++) items.unshift(pop(at, opcodeName(op)));
          push({ k: "tuple", items });
          break;
        }
        case 0x88: // NEWTRUE
        case 0x89: // NEWFALSE
          push({ k: "bool", v: op === 0x88 });
          break;
        case 0x8a: // LONG1
          push({ k: "int", v: littleEndianSigned(take(u1(at, "LONG1"), at, "LONG1")) });
          break;
        case 0x8b: {
          // LONG4
          const n = i4(at, "LONG4");
          if (n < 0) malformed(`LONG4 at byte ${at} has a negative length`, at);
          push({ k: "int", v: littleEndianSigned(take(n, at, "LONG4")) });
          break;
        }
        case 0x47: // BINFLOAT
          take(8, at, "BINFLOAT");
          push(FLOAT);
          break;
        case 0x8f: // EMPTY_SET
          push(SET);
          break;
        case 0x90: // ADDITEMS
          popMark(at, "ADDITEMS");
          top(at, "ADDITEMS");
          break;
        case 0x91: // FROZENSET
          popMark(at, "FROZENSET");
          push(SET);
          break;
        case 0x67: // GET
          memoGet(lineInt(line(at, "GET"), at, "GET"), at, "GET");
          break;
        case 0x68: // BINGET
          memoGet(u1(at, "BINGET"), at, "BINGET");
          break;
        case 0x6a: // LONG_BINGET
          memoGet(u4(at, "LONG_BINGET"), at, "LONG_BINGET");
          break;
        case 0x70: {
          // PUT
          const key = lineInt(line(at, "PUT"), at, "PUT");
          if (key < 0) malformed(`PUT at byte ${at} has a negative memo key`, at);
          memoPut(key, at, "PUT");
          break;
        }
        case 0x71: // BINPUT
          memoPut(u1(at, "BINPUT"), at, "BINPUT");
          break;
        case 0x72: // LONG_BINPUT
          memoPut(u4(at, "LONG_BINPUT"), at, "LONG_BINPUT");
          break;
        case 0x94: // MEMOIZE
          memoPut(m.memo.size, at, "MEMOIZE");
          break;
        case 0x80: {
          // PROTO
          const v = u1(at, "PROTO");
          if (v > 5)
            throw new ScanStop("pickle_unsupported_protocol", `PROTO at byte ${at} declares pickle protocol ${v}; only 0-5 exist`, at);
          this.protocol = Math.max(this.protocol ?? 0, v);
          break;
        }
        case 0x95: // FRAME: framing is transparent to the opcode stream
          need(u8(at, "FRAME"), at, "the frame announced by FRAME");
          break;
        default:
          throw new ScanStop(
            "pickle_unknown_opcode",
            `unknown opcode 0x${op.toString(16).padStart(2, "0")} at offset ${at}: this is not a valid pickle from here on`,
            at,
          );
      }
    }
  }

  private addImport(
    module: string,
    name: string,
    offset: number,
    opcode: PickleImport["opcode"],
    resolved: boolean,
    description?: string,
  ): PickleImport {
    const imp: PickleImport = {
      module,
      name,
      fullName: description ?? `${module}.${name}`,
      offset,
      opcode,
      resolved,
      allowed: resolved && isAllowedImport(module, name, this.opts.allowList),
      knownDangerous: resolved && isKnownDangerousImport(module, name),
      calls: [],
      dangerous: false,
    };
    imp.dangerous = imp.knownDangerous;
    this.imports.push(imp);
    return imp;
  }

  private recordCall(imp: PickleImport, opcode: string, offset: number, via?: string) {
    if (imp.calls.length < 100) imp.calls.push(via ? { opcode, offset, via } : { opcode, offset });
    if (!imp.allowed) imp.dangerous = true;
  }

  private call(fn: Value, opcode: string, offset: number, args: Value): Value {
    // A class handed straight to a callable may be instantiated by it (copyreg._reconstructor,
    // numpy's _reconstruct call cls.__new__ / base.__init__), so it counts as invoked.
    if (args.k === "tuple")
      for (const a of args.items)
        if (a.k === "global" && a !== fn) this.recordCall(a.imp, opcode, offset, fn.k === "global" ? fn.imp.fullName : "a computed callable");
    if (fn.k === "global") {
      this.recordCall(fn.imp, opcode, offset);
      return { k: "obj", from: fn.imp, args };
    }
    if (this.notes.filter((n) => n.code === "pickle_indirect_call").length < 20)
      this.notes.push({
        code: "pickle_indirect_call",
        message: `${opcode} at byte ${offset} calls a value that is not a direct import (${describeValue(fn)})`,
        offset,
      });
    return { k: "obj", from: null, args };
  }

  /**
   * Skips the raw array bytes joblib writes after a NumpyArrayWrapper's BUILD (mirrors
   * NumpyArrayWrapper.read_array). Object arrays are a nested plain pickle instead, walked as such.
   */
  private skipJoblibArray(state: Value, pos: number, at: number, m: Machine): number {
    const field = (key: string): Value | undefined =>
      state.k === "dict" ? state.entries.find(([k]) => k.k === "str" && k.v === key)?.[1] : undefined;
    const shape = field("shape");
    const dtype = field("dtype");
    const dims = shape?.k === "tuple" || shape?.k === "list" ? shape.items : undefined;
    if (!dims || dims.some((d) => d.k !== "int" || !Number.isSafeInteger(d.v) || d.v < 0))
      throw new ScanStop("pickle_scan_limit", `joblib array at byte ${at}: its shape is not a tuple of constant ints, so the inline array data cannot be skipped`, at);
    const descr =
      dtype?.k === "obj" && dtype.args?.k === "tuple" && dtype.args.items[0]?.k === "str" ? dtype.args.items[0].v : null;
    const itemSize = descr ? numpyItemSize(descr) : undefined;
    if (itemSize === undefined)
      throw new ScanStop("pickle_scan_limit", `joblib array at byte ${at}: its dtype is not a constant numpy dtype, so the inline array data cannot be skipped`, at);
    if (itemSize === "object") {
      this.notes.push({ code: "pickle_inline_array", message: `joblib object array at byte ${pos} is a nested pickle; scanned as one`, offset: pos });
      return this.walk(pos, false);
    }
    const count = dims.reduce((n, d) => n * (d as { v: number }).v, 1);
    let p = pos;
    const alignment = field("numpy_array_alignment_bytes");
    if (alignment && alignment.k !== "none") {
      if (p >= this.bytes.length) throw new ScanStop("pickle_truncated", `the file ends before the padding of the joblib array at byte ${at}`, p);
      p += 1 + this.bytes[p]!;
    }
    const size = count * itemSize;
    if (!Number.isSafeInteger(size) || p + size > this.bytes.length)
      throw new ScanStop("pickle_truncated", `the joblib array announced at byte ${at} (${count} × ${itemSize} bytes) runs past the end of the file`, pos);
    this.scanAsOpcodes(pos, p + size, m);
    this.notes.push({
      code: "pickle_inline_array",
      message: `skipped ${p + size - pos} bytes of inline joblib array data at byte ${pos} (dtype ${descr}, ${count} items)`,
      offset: pos,
    });
    return p + size;
  }

  /**
   * Walks bytes [start, end) as a fresh pickle in a separate walker. Imports are merged when the walk
   * reaches STOP; otherwise only dangerous ones are, because data that merely happens to contain a
   * 'c' byte and two newlines is not worth a warning. Returns the offset after STOP, or null.
   */
  subWalk(start: number, end: number, joblib: boolean, init?: Machine): number | null {
    if (end <= start) return null;
    const sub = new Walker(this.bytes.subarray(0, end), this.opts);
    let done: number | null = null;
    try {
      done = sub.walk(start, joblib, init);
    } catch (e) {
      if (!(e instanceof ScanStop)) throw e;
    }
    this.imports.push(...(done === null ? sub.imports.filter((i) => i.dangerous) : sub.imports));
    if (done !== null) this.notes.push(...sub.notes);
    this.opcodeCount += sub.opcodeCount;
    this.persistentIds += sub.persistentIds;
    if (done !== null && sub.protocol !== null) this.protocol = Math.max(this.protocol ?? 0, sub.protocol);
    return done;
  }

  /**
   * A plain pickle.load (not joblib.load) would read inline array bytes (padding byte included) as
   * opcodes, with the stack and memo built so far: make sure they hold no payload.
   */
  private scanAsOpcodes(start: number, end: number, m: Machine) {
    this.subWalk(start, end, false, m);
  }

  finishNotes() {
    if (this.persistentIds > 0)
      this.notes.push({
        code: "pickle_persistent_id",
        message: `${this.persistentIds} persistent id(s) (PyTorch storages or similar); their meaning depends on the loader's persistent_load`,
        offset: 0,
      });
  }
}

function describeValue(v: Value): string {
  if (v.k === "obj") return v.from ? `the result of calling ${v.from.fullName}` : "the result of an indirect call";
  if (v.k === "unknown") return "a persistent object";
  return `a ${v.k}`;
}

/** numpy dtype descr ("f8", "<i4", "U3", "O8", "V16"…) → item size in bytes, "object", or undefined. */
export function numpyItemSize(descr: string): number | "object" | undefined {
  const m = /^[<>|=]?([a-zA-Z?])(\d*)$/.exec(descr);
  if (!m) return undefined;
  const [, kind, digits] = m;
  const n = digits ? Number(digits) : undefined;
  switch (kind) {
    case "O":
      return "object";
    case "?":
      return 1;
    case "b":
    case "i":
    case "u":
    case "f":
    case "c":
    case "S":
    case "a":
    case "V":
    case "M":
    case "m":
      return n;
    case "U":
      return n === undefined ? undefined : n * 4;
    default:
      return undefined;
  }
}

function littleEndianSigned(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  if (bytes.length > 6) return Number.NaN;
  let v = 0;
  for (let i = bytes.length - 1; i >= 0; i--) v = v * 256 + bytes[i]!;
  if (bytes[bytes.length - 1]! & 0x80) v -= 2 ** (8 * bytes.length);
  return v;
}

/** codecs.escape_decode: Python 2 string-literal escapes. */
function escapeDecode(raw: Uint8Array): Uint8Array {
  const out: number[] = [];
  const simple: Record<number, number> = { 0x5c: 0x5c, 0x27: 0x27, 0x22: 0x22, 0x61: 7, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11 };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== 0x5c || i + 1 >= raw.length) {
      out.push(c);
      continue;
    }
    const e = raw[++i]!;
    if (simple[e] !== undefined) out.push(simple[e]!);
    else if (e === 0x0a) continue;
    else if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      for (let k = 0; k < 2 && i + 1 < raw.length && raw[i + 1]! >= 0x30 && raw[i + 1]! <= 0x37; k++) v = v * 8 + (raw[++i]! - 0x30);
      out.push(v & 0xff);
    } else if (e === 0x78 && i + 2 < raw.length && isHex(raw[i + 1]!) && isHex(raw[i + 2]!)) {
      out.push(parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16));
      i += 2;
    } else out.push(0x5c, e);
  }
  return Uint8Array.from(out);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** raw-unicode-escape: latin-1, except \uXXXX and \UXXXXXXXX. */
function rawUnicodeEscapeDecode(raw: Uint8Array): string | null {
  if (raw.length > MAX_TRACKED_STRING * 10) return null;
  const text = latin1.decode(raw);
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (whole, u4: string | undefined, u8: string | undefined) => {
    const cp = parseInt((u4 ?? u8)!, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
  });
}

/**
 * Scans a pickle stream without executing it. Also walks anything after the first STOP as further
 * pickles (a loader may call pickle.load repeatedly, as legacy torch.save files do); problems there
 * are notes, not verdicts, but dangerous imports found there still count.
 */
export function scanPickle(bytes: Uint8Array, opts: PickleScanOptions): PickleScanResult {
  const walker = new Walker(bytes, opts);
  const problems: PickleProblem[] = [];
  let pos = 0;
  try {
    pos = walker.walk(0, true);
  } catch (e) {
    if (!(e instanceof ScanStop)) throw e;
    problems.push({ code: e.code, message: e.message, offset: e.offset });
  }
  if (problems.length === 0 && pos < bytes.length) {
    const trailingStart = pos;
    let further = 0;
    while (pos < bytes.length && further < 64) {
      const next = walker.subWalk(pos, bytes.length, true);
      if (next === null) break;
      pos = next;
      further++;
    }
    if (pos < bytes.length)
      walker.notes.push({
        code: "pickle_trailing_data",
        message: `${bytes.length - trailingStart} bytes follow the pickle's STOP at byte ${trailingStart - 1}${further > 0 ? ` (${further} further pickle(s), then data that is not a pickle)` : " and are not a pickle"}; pickle.load ignores them`,
        offset: trailingStart,
      });
  }
  walker.finishNotes();
  const dangerous = walker.imports.filter((i) => i.dangerous);
  return {
    verdict: dangerous.length > 0 ? "dangerous" : problems.length > 0 ? "unscannable" : "safe",
    protocol: walker.protocol,
    imports: walker.imports,
    dangerous,
    problems,
    notes: walker.notes,
    opcodeCount: walker.opcodeCount,
  };
}

/** What loading a dangerous import would do, in words for the finding message. */
export function describeImportEffect(imp: PickleImport): string {
  const full = imp.fullName;
  const [top] = full.split(".");
  const last = full.split(".").pop() ?? "";
  if (!imp.resolved) return "call a function whose name is only known at load time";
  if (/^(system|popen\d?|getoutput|getstatusoutput|check_output|check_call|call|run|Popen)$/.test(last) && /^(os|posix|nt|subprocess|commands|platform)$/.test(top!))
    return "run a shell command";
  if (/^(exec\w*|spawn\w*|fork\w*|posix_spawn\w*)$/.test(last) && /^(os|posix|nt)$/.test(top!)) return "start a new process";
  if (top === "subprocess" || top === "pty" || top === "_posixsubprocess") return "start a new process";
  if (/\.(eval|exec|execfile|compile|runstring)$/.test(full) || top === "code" || top === "codeop") return "execute arbitrary Python code";
  if (/\.__import__$/.test(full) || top === "importlib" || top === "imp" || top === "runpy") return "import and run arbitrary Python modules";
  if (/\.(getattr|setattr|delattr|attrgetter|methodcaller)$/.test(full)) return "reach arbitrary attributes, the usual stepping stone to os.system";
  if (/\.open$/.test(full) || top === "io" || top === "_io" || top === "shutil" || top === "tempfile") return "read, create or overwrite files";
  if (/^(socket|_socket|http|urllib|urllib2|urllib3|requests|ftplib|telnetlib|smtplib|poplib|imaplib|xmlrpc)$/.test(top!))
    return "open network connections";
  if (/^(pickle|_pickle|cPickle|marshal|dill|cloudpickle|shelve)$/.test(top!) || /\.load$/.test(full) || /read_pickle$/.test(full))
    return "load further serialized data that this scan cannot see";
  if (imp.knownDangerous) return `call ${full}, a known-dangerous function`;
  return `run code from '${imp.module}', which is not on the pickle allow-list`;
}
