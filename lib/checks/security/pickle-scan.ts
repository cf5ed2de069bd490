// Static pickle scanner. Unpickling is code execution (GLOBAL + REDUCE is a function call), so the
// registry never unpickles: it walks the opcode stream with a symbolic stack that only knows string
// constants, small ints, containers and "the result of calling import X". Nothing is ever imported,
// evaluated or executed.
//
// Allow-list semantics (thresholds.security.pickleAllowList). An entry decides which imports a pickle
// may *invoke* (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX, BUILD on the class itself, or being handed as an
// argument to such a call, since the callee may instantiate or call it):
//   - "a.b.c" (no trailing dot): exactly the import a.b.c (module "a.b", name "c"; also module "a",
//     protocol-4 dotted name "b.c"). Nothing else: "numpy.dtype" does not admit numpy.savetxt, and an
//     entry naming a module ("numpy") admits no name in it — list the reconstruction helpers instead.
//   - "pkg." (trailing dot): CLASSES in `pkg` or any submodule (`pkg.a.b`), i.e. undotted names that
//     start with a capital letter after optional underscores (LogisticRegression, _PredictScorer), plus
//     the reconstruction helpers `__pyx_unpickle_<Class>` (Cython) and `newObj` (sklearn trees and
//     metrics), which only run `cls.__new__(cls)` on a class argument that is checked in turn. Never
//     function-style names (sklearn.utils._testing.assert_run_python_script), never dotted names
//     (attribute traversal can leave the package: "sklearn" + "os.system"), and never the re-exported
//     classes in RISKY_CLASS_NAMES (ZipFile, Popen, CDLL, Memory…), which touch files, processes or
//     native code when constructed.
//   - builtins.object/int/float/str/bytes/bool are always allowed (see ALWAYS_ALLOWED).
//   - The deny list wins over every allow-list entry and makes an import dangerous even when no call
//     opcode follows (isKnownDangerousImport): the classic gadgets (os.*, subprocess.*, builtins.eval,
//     getattr…), numpy file/IO and import helpers under any numpy module (save, savez*, savetxt, load,
//     loadtxt, genfromtxt, fromfile, tofile, memmap, DataSource, lib.npyio.*, _ufunc_reconstruct…),
//     numpy.testing/distutils/f2py/ctypeslib, sklearn.utils._testing, sklearn.datasets,
//     sklearn.externals (except the old joblib NumpyArrayWrapper), sklearn.utils._joblib, and any
//     module or name segment that is `testing*`, `_testing*`, `test`, `tests` or `conftest`. An allowed
//     callable could still invoke these (copyreg._reconstructor calls base.__init__).
//   - Python 2 module spellings (__builtin__, copy_reg…) match like their Python 3 names, because
//     Python 3 maps them (fix_imports) when loading protocol 0-2 pickles.
// An import that may not be invoked is dangerous when it is invoked. Uncalled, it is reported as a
// warning (importing a module runs its top-level code on the loader's machine) unless its module is
// covered by the allow-list ("listed": a prefix entry's package, or the module of an exact entry), e.g.
// a scorer's reference to sklearn.metrics.f1_score or numpy.log1p passed as a parameter.
//
// Protocol 0 arguments are parsed exactly as CPython's _pickle.c does (INT: strtol base 0, then
// int(x, 0) with underscores and 0x/0o/0b; LONG: int(x, 0) after one trailing 'L'; FLOAT:
// PyOS_string_to_double; GET/PUT: int(x, 10)), so the walk never stops where pickle.load continues.
//
// joblib arrays: joblib's NumpyUnpickler reads a NumpyArrayWrapper's array bytes raw, but a plain
// pickle.load reads the same bytes as opcodes, continuing with the same stack and memo to the end of
// the file. Both readings are walked; whatever the plain reading would run counts.

import { bytesSource, run, runSync, Window, type ByteSource, type Wait } from "./byte-source.ts";

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
  /** May be invoked (see the header). */
  allowed: boolean;
  /** Its module is covered by the allow-list, so an uncalled reference is not worth a warning. */
  listed: boolean;
  /** Where the import sits when that is not the main stream, e.g. inside joblib array data. */
  context?: string;
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
  "numpy.testing.", "numpy.f2py.", "numpy.distutils.", "numpy.ctypeslib.", "numpy.lib.npyio.", "numpy.lib._npyio_impl.",
  "numpy.lib.format.", "numpy.lib._format_impl.", "numpy.lib._datasource.", "numpy.lib.utils.", "numpy.lib._utils_impl.",
  "numpy._pytesttester.", "numpy.__config__.",
  "torch.hub.", "torch.serialization.", "torch.package.", "torch.jit.", "torch.utils.cpp_extension.",
  "joblib.numpy_pickle.load", "joblib.numpy_pickle_compat.", "pandas.io.pickle.", "keras.", "tensorflow.",
  "sklearn.utils._testing.", "sklearn.datasets.", "sklearn.utils._joblib.", "sklearn.utils._show_versions.",
  "sklearn._build_utils.", "sklearn.__check_build.",
];
const DANGEROUS_LAST_NAME = /^(system|popen\d?|eval|exec|execfile|execv\w*|execl\w*|spawn\w*|fork\w*|__import__|runstring|run_path|run_module|getoutput|getstatusoutput|check_output|check_call|unsafe_load)$/;
/**
 * numpy functions that read or write files, or import modules by name, wherever numpy exposes them
 * (numpy.savetxt, numpy.lib._npyio_impl.savetxt, numpy.core.multiarray.fromfile, numpy.ma.load…).
 */
const NUMPY_DENIED_NAME =
  /^(load|loads|dump|dumps|save|savez|savez_compressed|savetxt|loadtxt|genfromtxt|recfromtxt|recfromcsv|fromfile|fromregex|tofile|memmap|open_memmap|DataSource|lookfor|info|source|show_config|show_runtime|_ufunc_reconstruct)$/;
/** Module path or dotted-name segments of test helpers (numpy.testing, sklearn.utils._testing, pandas._testing…). */
const DENIED_SEGMENT = /^(_?testing\w*|tests?|conftest)$/;
/** The one sklearn.externals name real pickles use: old `sklearn.externals.joblib.dump` output. */
const SKLEARN_EXTERNALS_WRAPPER = "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper";

function normalizeModule(module: string): string {
  return PY2_MODULES[module] ?? module;
}

/**
 * True for imports that are dangerous even without a call opcode (see the header comment): the
 * known-dangerous list and the deny list. Both win over any allow-list entry.
 */
export function isKnownDangerousImport(module: string, name: string): boolean {
  for (const mod of new Set([module, normalizeModule(module)])) {
    const full = `${mod}.${name}`;
    const parts = full.split(".");
    const last = parts[parts.length - 1]!;
    if (DANGEROUS_TOP_MODULES.has(parts[0]!)) return true;
    if (parts.slice(0, -1).some((p) => DANGEROUS_COMPONENTS.has(p))) return true;
    if (DANGEROUS_EXACT.has(full)) return true;
    if (DANGEROUS_PREFIXES.some((p) => full.startsWith(p))) return true;
    if (DANGEROUS_LAST_NAME.test(last)) return true;
    if (parts.some((p) => DENIED_SEGMENT.test(p))) return true;
    if (parts[0] === "numpy" && parts.some((p) => NUMPY_DENIED_NAME.test(p))) return true;
    if (full.startsWith("sklearn.externals.") && full !== SKLEARN_EXTERNALS_WRAPPER) return true;
  }
  return false;
}

/**
 * Constructors of plain values that no allow-list needs to spell out: protocol 0/1 pickles of any
 * user object reference builtins.object (copyreg._reconstructor(cls, object, None)), and none of
 * these can run code from a pickle.
 */
const ALWAYS_ALLOWED = new Set(["object", "int", "float", "str", "bytes", "bool"].map((n) => `builtins.${n}`));

/** A class by Python naming convention: `LogisticRegression`, `_PredictScorer`, `MT19937`. */
const CLASS_LIKE = /^_*[A-Z]/;
/**
 * Function-style names a package-prefix entry still admits: reconstruction helpers that only call
 * `cls.__new__(cls)` on a class argument (which is itself checked, since arguments of a call count
 * as invoked): Cython's auto-generated `__pyx_unpickle_<Class>` and sklearn's BinaryTree /
 * DistanceMetric `newObj`.
 */
const PREFIX_HELPER = /^(__pyx_unpickle_\w+|newObj)$/;
/**
 * Classes that touch files, processes, sockets or native code when constructed. A package-prefix
 * entry never admits them, because packages re-export them under their own module names
 * (`from zipfile import ZipFile` in some submodule makes `pkg.sub.ZipFile` importable).
 */
const RISKY_CLASS_NAMES = new Set([
  "Popen", "ZipFile", "PyZipFile", "TarFile", "GzipFile", "BZ2File", "LZMAFile", "FileIO", "BufferedWriter", "BufferedRandom",
  "TextIOWrapper", "FileHandler", "RotatingFileHandler", "TimedRotatingFileHandler", "WatchedFileHandler", "SocketHandler",
  "CDLL", "PyDLL", "WinDLL", "OleDLL", "LibraryLoader", "TemporaryDirectory", "NamedTemporaryFile", "SpooledTemporaryFile",
  "TemporaryFile", "DataSource", "Memory", "Parallel", "Process", "Pool", "ThreadPool", "Thread", "Timer", "Shelf",
  "DbfilenameShelf", "InteractiveInterpreter", "InteractiveConsole", "Pdb", "HTTPServer", "ThreadingHTTPServer", "TCPServer",
  "UDPServer", "Path", "PosixPath", "WindowsPath", "Connection", "Listener", "Client",
]);

/**
 * May this import be invoked (called, instantiated, handed to a callable)? Semantics are documented
 * at the top of this file. The deny list is applied separately (isKnownDangerousImport) and wins.
 */
export function isAllowedImport(module: string, name: string, allowList: readonly string[]): boolean {
  for (const mod of new Set([module, normalizeModule(module)])) {
    const full = `${mod}.${name}`;
    if (ALWAYS_ALLOWED.has(full)) return true;
    const dotted = name.includes(".");
    const prefixName = !dotted && (CLASS_LIKE.test(name) || PREFIX_HELPER.test(name)) && !RISKY_CLASS_NAMES.has(name);
    for (const entry of allowList) {
      if (entry.endsWith(".")) {
        if (prefixName && inPackage(mod, entry)) return true;
      } else if (full === entry) {
        return true;
      }
    }
  }
  return false;
}

/**
 * Is the import's module covered by the allow-list (exactly, or by a package-prefix entry)? Merely
 * importing such a module is trusted, so an uncalled reference to a function in it (a scorer's
 * `sklearn.metrics.f1_score`, `numpy.log1p` as a parameter) is not reported; calling it still is.
 */
export function isListedModule(module: string, allowList: readonly string[]): boolean {
  for (const mod of new Set([module, normalizeModule(module)])) {
    for (const entry of allowList) {
      if (entry.endsWith(".") ? inPackage(mod, entry) : entry.startsWith(`${mod}.`) && !entry.slice(mod.length + 1).includes(".")) return true;
    }
  }
  return false;
}

function inPackage(mod: string, prefixEntry: string): boolean {
  const pkg = prefixEntry.slice(0, -1);
  return pkg.length > 0 && (mod === pkg || mod.startsWith(prefixEntry));
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

/**
 * The memo. A plain-pickle reading that branches off the joblib reading (see readArrayAsOpcodes)
 * layers its writes over the memo built so far instead of copying it, since a joblib dump can hold
 * thousands of arrays and memo entries.
 */
class Memo {
  private readonly own = new Map<number, Value>();
  private extra = 0;
  constructor(private readonly base?: Memo) {}
  get(key: number): Value | undefined {
    return this.own.get(key) ?? this.base?.get(key);
  }
  has(key: number): boolean {
    return this.own.has(key) || (this.base?.has(key) ?? false);
  }
  set(key: number, v: Value) {
    if (!this.has(key)) this.extra++;
    this.own.set(key, v);
  }
  get size(): number {
    return (this.base?.size ?? 0) + this.extra;
  }
}

type Machine = { stack: Value[]; metastack: Value[][]; memo: Memo };

/** Opcodes all plain-pickle readings of joblib arrays in one file may walk together. */
type Budget = { remaining: number; initial: number };

/** Bytes kept buffered ahead of each opcode: more than any fixed-size argument (SHORT_BINUNICODE: 1 + 255). */
const LOOKAHEAD = 512;
/**
 * Protocol 0 arguments (lines) longer than this are not held: a name or number that long stops the
 * scan (pickle_scan_limit; no module, attribute or memo key is that long, and CPython refuses ints of
 * more than 4300 digits), a string that long is skipped through like a long BINUNICODE.
 */
export const MAX_LINE_BYTES = 64 * 1024;
/** Bytes buffered for a plain-pickle reading of joblib array data before it needs a read of its own. */
const BRANCH_SEED = 64 * 1024;

/** A line longer than MAX_LINE_BYTES: its first MAX_LINE_BYTES bytes, its length and its last byte. */
type LongLine = { head: Uint8Array; length: number; last: number };

class Walker {
  readonly imports: PickleImport[] = [];
  readonly notes: PickleNote[] = [];
  protocol: number | null = null;
  opcodeCount = 0;
  persistentIds = 0;
  private readonly maxEntries: number;
  private readonly budget: Budget;
  private readonly size: number;

  /**
   * `branch`: this walker is a plain-pickle reading branched off another walk; it shares that walk's
   * values, so it never adds items to existing containers (the joblib reading must not see changes
   * that only the plain reading would make), and it spends the shared opcode budget.
   */
  constructor(
    private readonly win: Window,
    private readonly opts: PickleScanOptions,
    budget?: Budget,
    private readonly branch = false,
  ) {
    this.maxEntries = opts.maxStackEntries ?? DEFAULT_MAX_STACK_ENTRIES;
    this.size = win.size;
    const initial = 4 * this.size + 1_000_000;
    this.budget = budget ?? { remaining: initial, initial };
  }

  /**
   * Walks one pickle from `start` to its STOP and returns the offset after STOP. `joblib` enables the
   * inline-array handling of joblib's NumpyUnpickler (off for the plain pickles nested inside it).
   */
  *walk(start: number, joblib: boolean, init?: Machine): Wait<number> {
    const win = this.win;
    const size = this.size;
    const m: Machine = init
      ? { stack: [...init.stack], metastack: init.metastack.map((s) => [...s]), memo: new Memo(init.memo) }
      : { stack: [], metastack: [], memo: new Memo() };
    let pos = start;

    // Every opcode starts with LOOKAHEAD bytes buffered (or the rest of the data), so the fixed-size
    // reads below never wait; variable-length ones (take, line) are generators that may.
    const need = (n: number, at: number, what: string) => {
      if (n > size - pos)
        throw new ScanStop("pickle_truncated", `the pickle ends inside ${what} at byte ${at} (needs ${n} more bytes, ${size - pos} left)`, at);
    };
    const u1 = (at: number, what: string) => {
      need(1, at, what);
      return win.byte(pos++);
    };
    const u2 = (at: number, what: string) => {
      need(2, at, what);
      const v = win.byte(pos) | (win.byte(pos + 1) << 8);
      pos += 2;
      return v;
    };
    const u4 = (at: number, what: string) => {
      need(4, at, what);
      const v = (win.byte(pos) | (win.byte(pos + 1) << 8) | (win.byte(pos + 2) << 16)) + win.byte(pos + 3) * 0x1000000;
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
      for (let i = 7; i >= 0; i--) v = v * 256 + win.byte(pos + i);
      pos += 8;
      // Beyond 2^53 the value is imprecise, but it is also far beyond any file: `need` rejects it.
      return v;
    };
    /** Arguments whose bytes do not matter (BINBYTES, array data) are skipped, never buffered. */
    const skip = (n: number, at: number, what: string) => {
      need(n, at, what);
      pos += n;
    };
    const take = function* (n: number, at: number, what: string): Wait<Uint8Array> {
      need(n, at, what);
      yield* win.fill(pos, pos + n);
      const s = win.view(pos, pos + n);
      pos += n;
      return s;
    };
    /** The bytes up to the next newline (which is consumed), or a LongLine when there are more than MAX_LINE_BYTES. */
    const line = function* (at: number, what: string): Wait<Uint8Array | LongLine> {
      let from = pos;
      let head: Uint8Array | null = null;
      for (;;) {
        const nl = win.indexOf(0x0a, from);
        if (nl >= 0) {
          const length = nl - pos;
          // Decided by length alone, so bytes in memory and bytes from a stream read the same.
          const result = length > MAX_LINE_BYTES ? { head: head ?? win.view(pos, pos + MAX_LINE_BYTES), length, last: win.byte(nl - 1) } : win.view(pos, nl);
          pos = nl + 1;
          return result;
        }
        if (win.end >= size) throw new ScanStop("pickle_truncated", `the pickle ends inside ${what} at byte ${at} (no newline)`, at);
        if (!head && win.end - pos > MAX_LINE_BYTES) head = win.view(pos, pos + MAX_LINE_BYTES);
        from = win.end;
        // Past MAX_LINE_BYTES only the last byte read is kept (a STRING's closing quote).
        yield* win.fill(head ? from - 1 : pos, from + 1);
      }
    };
    /** A line whose whole content matters: a name, a number, a memo key. */
    const shortLine = function* (at: number, what: string): Wait<Uint8Array> {
      const l = yield* line(at, what);
      if (l instanceof Uint8Array) return l;
      throw new ScanStop("pickle_scan_limit", `${what} at byte ${at} is ${l.length} bytes long; the scan reads protocol 0 names and numbers of at most ${MAX_LINE_BYTES} bytes`, at);
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
    /** A length-prefixed string: longer ones are tracked as "some string", so their bytes are skipped. */
    const text = function* (n: number, at: number, what: string, decoder: TextDecoder): Wait<Value> {
      if (n > MAX_TRACKED_STRING * 4) {
        skip(n, at, what);
        return str(null);
      }
      return str(decoder.decode(yield* take(n, at, what)));
    };
    const addItems = (target: Value, items: Value[], at: number, op: string) => {
      // On a bare imported class, pickle.load calls cls.append/cls.extend: the class's own code.
      if (target.k === "global") this.recordCall(target.imp, op, at);
      if (this.branch) return;
      if (target.k === "list" || target.k === "tuple") {
        for (const it of items) if (target.items.length < MAX_TRACKED_ITEMS) target.items.push(it);
      }
    };
    const addPairs = (target: Value, items: Value[], at: number, op: string) => {
      if (items.length % 2 !== 0) malformed(`${op} at byte ${at} has an odd number of items`, at);
      if (target.k === "global") this.recordCall(target.imp, op, at); // cls.__setitem__
      if (target.k !== "dict" || this.branch) return;
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
    const shown = (raw: Uint8Array) => JSON.stringify(latin1.decode(raw.subarray(0, 40)));
    /** GET/PUT: PyLong_FromString(line, NULL, 10), then PyLong_AsSsize_t. */
    const memoKey = (raw: Uint8Array, at: number, op: string) => {
      if (raw.length === 0) malformed(`${op} at byte ${at} has an empty argument`, at);
      const v = pyLongFromString(cString(raw, true), 10);
      if (v === null) malformed(`${op} at byte ${at} has a non-integer argument ${shown(raw)}`, at);
      if (v! > BigInt(Number.MAX_SAFE_INTEGER) || v! < -BigInt(Number.MAX_SAFE_INTEGER))
        malformed(`${op} at byte ${at} has an out-of-range memo key ${shown(raw)}`, at);
      return Number(v);
    };

    for (;;) {
      const at = pos;
      if (pos >= size) throw new ScanStop("pickle_truncated", `the pickle ends at byte ${pos} without a STOP opcode`, pos);
      if (win.end - pos < LOOKAHEAD && win.end < size) yield* win.fill(pos, pos + LOOKAHEAD);
      const op = win.byte(pos++);
      this.opcodeCount++;
      if (this.branch && --this.budget.remaining < 0)
        throw new ScanStop("pickle_scan_limit", `reading joblib array data as opcodes took more than ${this.budget.initial} opcodes in total; the scan stopped`, pos - 1);
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
        case 0x46: {
          // FLOAT: PyOS_string_to_double, which must stop at the newline (or a NUL)
          const raw = yield* shortLine(at, "FLOAT");
          if (!isPickleFloat(raw)) malformed(`FLOAT at byte ${at} has a non-float argument ${shown(raw)}`, at);
          push(FLOAT);
          break;
        }
        case 0x49: {
          // INT: strtol(base 0) when it consumes the whole line, else int(line, 0); "00"/"01" are False/True
          const raw = yield* shortLine(at, "INT");
          const v = pickleInt(raw);
          if (v === null) malformed(`INT at byte ${at} has a non-integer argument ${shown(raw)}`, at);
          if (raw.length === 2 && (v === 0n || v === 1n) && strtolBase0(cString(raw, true)).ok) push({ k: "bool", v: v === 1n });
          else push({ k: "int", v: bigToNumber(v!) });
          break;
        }
        case 0x4a: // BININT
          push({ k: "int", v: i4(at, "BININT") });
          break;
        case 0x4b: // BININT1
          push({ k: "int", v: u1(at, "BININT1") });
          break;
        case 0x4c: {
          // LONG: one 'L' right before the newline is dropped, then int(x, 0)
          const raw = yield* shortLine(at, "LONG");
          if (raw.length === 0) malformed(`LONG at byte ${at} has an empty argument`, at);
          const trailingL = raw[raw.length - 1] === 0x4c;
          const v = pyLongFromString(cString(trailingL ? raw.subarray(0, raw.length - 1) : raw, !trailingL), 0);
          if (v === null) malformed(`LONG at byte ${at} has a non-integer argument ${shown(raw)}`, at);
          push({ k: "int", v: bigToNumber(v!) });
          break;
        }
        case 0x4d: // BININT2
          push({ k: "int", v: u2(at, "BININT2") });
          break;
        case 0x4e: // NONE
          push(NONE);
          break;
        case 0x50: // PERSID
          yield* line(at, "PERSID");
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
          const raw = yield* line(at, "STRING");
          const long = raw instanceof Uint8Array ? null : raw;
          const q = long ? long.head[0] : (raw as Uint8Array)[0];
          const length = long ? long.length : (raw as Uint8Array).length;
          const last = long ? long.last : (raw as Uint8Array)[length - 1];
          if (length < 2 || (q !== 0x22 && q !== 0x27) || last !== q) malformed(`STRING at byte ${at} is not quoted`, at);
          // Every escape decodes 4 bytes or fewer to one character, so a long line is a long string.
          push(long ? str(null) : str(latin1.decode(escapeDecode((raw as Uint8Array).subarray(1, length - 1)))));
          break;
        }
        case 0x54: {
          // BINSTRING
          const n = i4(at, "BINSTRING");
          if (n < 0) malformed(`BINSTRING at byte ${at} has a negative length`, at);
          push(yield* text(n, at, "BINSTRING", latin1));
          break;
        }
        case 0x55: // SHORT_BINSTRING
          push(yield* text(u1(at, "SHORT_BINSTRING"), at, "SHORT_BINSTRING", latin1));
          break;
        case 0x56: {
          // UNICODE (raw-unicode-escape: only \uXXXX and \UXXXXXXXX are escapes)
          const raw = yield* line(at, "UNICODE");
          push(str(raw instanceof Uint8Array ? rawUnicodeEscapeDecode(raw) : null));
          break;
        }
        case 0x58: // BINUNICODE
          push(yield* text(u4(at, "BINUNICODE"), at, "BINUNICODE", utf8));
          break;
        case 0x8c: // SHORT_BINUNICODE
          push(yield* text(u1(at, "SHORT_BINUNICODE"), at, "SHORT_BINUNICODE", utf8));
          break;
        case 0x8d: // BINUNICODE8
          push(yield* text(u8(at, "BINUNICODE8"), at, "BINUNICODE8", utf8));
          break;
        case 0x42: // BINBYTES
          skip(u4(at, "BINBYTES"), at, "BINBYTES");
          push(BYTES);
          break;
        case 0x43: // SHORT_BINBYTES
          skip(u1(at, "SHORT_BINBYTES"), at, "SHORT_BINBYTES");
          push(BYTES);
          break;
        case 0x8e: // BINBYTES8
          skip(u8(at, "BINBYTES8"), at, "BINBYTES8");
          push(BYTES);
          break;
        case 0x96: // BYTEARRAY8
          skip(u8(at, "BYTEARRAY8"), at, "BYTEARRAY8");
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
          addItems(top(at, "APPEND"), [v], at, "APPEND");
          break;
        }
        case 0x65: {
          // APPENDS
          const items = popMark(at, "APPENDS");
          addItems(top(at, "APPENDS"), items, at, "APPENDS");
          break;
        }
        case 0x62: {
          // BUILD: calls inst.__setstate__(state); on a bare imported class that is the class's own code.
          const state = pop(at, "BUILD");
          const inst = top(at, "BUILD");
          if (inst.k === "global") this.recordCall(inst.imp, "BUILD", at);
          if (joblib && inst.k === "obj" && inst.from && JOBLIB_ARRAY_WRAPPERS.has(inst.from.fullName)) {
            pos = yield* this.skipJoblibArray(state, pos, at, m);
          }
          break;
        }
        case 0x63: {
          // GLOBAL
          const module = utf8.decode(yield* shortLine(at, "GLOBAL module"));
          const name = utf8.decode(yield* shortLine(at, "GLOBAL name"));
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
          const module = utf8.decode(yield* shortLine(at, "INST module"));
          const name = utf8.decode(yield* shortLine(at, "INST name"));
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
          push({ k: "int", v: littleEndianSigned(yield* take(u1(at, "LONG1"), at, "LONG1")) });
          break;
        case 0x8b: {
          // LONG4: more than 6 bytes is beyond a safe integer, whatever they are
          const n = i4(at, "LONG4");
          if (n < 0) malformed(`LONG4 at byte ${at} has a negative length`, at);
          if (n > 6) skip(n, at, "LONG4");
          push({ k: "int", v: n > 6 ? Number.NaN : littleEndianSigned(yield* take(n, at, "LONG4")) });
          break;
        }
        case 0x47: // BINFLOAT
          skip(8, at, "BINFLOAT");
          push(FLOAT);
          break;
        case 0x8f: // EMPTY_SET
          push(SET);
          break;
        case 0x90: // ADDITEMS
          popMark(at, "ADDITEMS");
          addItems(top(at, "ADDITEMS"), [], at, "ADDITEMS");
          break;
        case 0x91: // FROZENSET
          popMark(at, "FROZENSET");
          push(SET);
          break;
        case 0x67: // GET
          memoGet(memoKey(yield* shortLine(at, "GET"), at, "GET"), at, "GET");
          break;
        case 0x68: // BINGET
          memoGet(u1(at, "BINGET"), at, "BINGET");
          break;
        case 0x6a: // LONG_BINGET
          memoGet(u4(at, "LONG_BINGET"), at, "LONG_BINGET");
          break;
        case 0x70: {
          // PUT
          const key = memoKey(yield* shortLine(at, "PUT"), at, "PUT");
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
      listed: resolved && isListedModule(module, this.opts.allowList),
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
  private *skipJoblibArray(state: Value, pos: number, at: number, m: Machine): Wait<number> {
    yield* this.readArrayAsOpcodes(pos, at, m);
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
      return yield* this.walk(pos, false);
    }
    const count = dims.reduce((n, d) => n * (d as { v: number }).v, 1);
    let p = pos;
    const alignment = field("numpy_array_alignment_bytes");
    if (alignment && alignment.k !== "none") {
      if (p >= this.size) throw new ScanStop("pickle_truncated", `the file ends before the padding of the joblib array at byte ${at}`, p);
      yield* this.win.fill(p, p + 1);
      p += 1 + this.win.byte(p);
    }
    const arrayBytes = count * itemSize;
    if (!Number.isSafeInteger(arrayBytes) || p + arrayBytes > this.size)
      throw new ScanStop("pickle_truncated", `the joblib array announced at byte ${at} (${count} × ${itemSize} bytes) runs past the end of the file`, pos);
    this.notes.push({
      code: "pickle_inline_array",
      message: `skipped ${p + arrayBytes - pos} bytes of inline joblib array data at byte ${pos} (dtype ${descr}, ${count} items)`,
      offset: pos,
    });
    return p + arrayBytes;
  }

  /**
   * Walks the bytes from `start` to the end as a fresh pickle in a separate walker (on the same
   * window: this walker has finished). Imports are merged when the walk reaches STOP; otherwise only
   * dangerous ones are, because data that merely happens to contain a 'c' byte and two newlines is
   * not worth a warning. Returns the offset after STOP, or null.
   */
  *subWalk(start: number, joblib: boolean): Wait<number | null> {
    if (this.size <= start) return null;
    const sub = new Walker(this.win, this.opts, this.budget);
    let done: number | null = null;
    try {
      done = yield* sub.walk(start, joblib);
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
   * A plain pickle.load (not joblib.load) reads the inline array bytes (padding byte included) as
   * opcodes, with the stack and memo built so far, and goes on to the end of the file (or its first
   * error): walk exactly that, and keep every dangerous import it meets. Its other imports are not
   * kept: for real array data this reading stops within a few bytes, and anything it reads after the
   * array is the joblib reading's own stream again.
   */
  private *readArrayAsOpcodes(start: number, wrapperAt: number, m: Machine): Wait<void> {
    if (start >= this.size) return;
    // The reading gets its own window, starting with what this one has buffered: for real array data
    // it stops within a few bytes, so it rarely needs a read of its own.
    yield* this.win.fill(start, start + BRANCH_SEED);
    const fork = this.win.fork(start);
    const sub = new Walker(fork, this.opts, this.budget, true);
    try {
      yield* sub.walk(start, false, m);
    } catch (e) {
      if (!(e instanceof ScanStop)) throw e;
    } finally {
      fork.close();
    }
    for (const imp of sub.imports)
      if (imp.dangerous) {
        imp.context = `read as opcodes by a plain pickle.load from the inline joblib array data at byte ${start} (NumpyArrayWrapper BUILD at byte ${wrapperAt})`;
        this.imports.push(imp);
      }
    this.opcodeCount += sub.opcodeCount;
    if (this.budget.remaining < 0)
      throw new ScanStop("pickle_scan_limit", `reading the joblib arrays as opcodes (as a plain pickle.load would) needs more than ${this.budget.initial} opcodes in total; the scan stopped at the array at byte ${start}`, start);
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

// ---- Protocol 0 number parsing, as CPython's Modules/_pickle.c (load_int, load_long, load_float,
// load_get, load_put) does it. Python's C functions see the line as a C string: the newline is kept
// (it counts as trailing whitespace) and a NUL byte ends the string early.

/** The line as CPython's C functions see it: cut at the first NUL, else with its newline. */
function cString(raw: Uint8Array, withNewline: boolean): Uint8Array {
  const nul = raw.indexOf(0);
  if (nul >= 0) return raw.subarray(0, nul);
  if (!withNewline) return raw;
  const out = new Uint8Array(raw.length + 1);
  out.set(raw);
  out[raw.length] = 0x0a;
  return out;
}

/** C isspace / Py_ISSPACE: space, \t, \n, \v, \f, \r. */
function isCSpace(c: number | undefined): boolean {
  return c === 0x20 || (c !== undefined && c >= 0x09 && c <= 0x0d);
}

function digitValue(c: number | undefined): number {
  if (c === undefined) return 99;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x7a) return l - 0x61 + 10;
  return 99;
}

/**
 * glibc strtol(s, &end, 0): whitespace, sign, then 0x-hex, 0-octal or decimal. `ok` when it stopped
 * at the end of the C string (the newline or NUL, which is what load_int checks) without overflow.
 */
export function strtolBase0(s: Uint8Array): { value: bigint; ok: boolean } {
  let i = 0;
  while (isCSpace(s[i]) && i < s.length) i++;
  let neg = false;
  if (s[i] === 0x2b || s[i] === 0x2d) neg = s[i++] === 0x2d;
  let base = 10;
  if (s[i] === 0x30) {
    if ((s[i + 1]! | 0x20) === 0x78 && digitValue(s[i + 2]) < 16) {
      base = 16;
      i += 2;
    } else base = 8;
  }
  const start = i;
  let v = 0n;
  while (i < s.length && digitValue(s[i]) < base) v = v * BigInt(base) + BigInt(digitValue(s[i++]));
  if (i === start) return { value: 0n, ok: s.length === 0 || s[0] === 0x0a }; // no digits: end = start of string
  const value = neg ? -v : v;
  const inRange = value <= 0x7fffffffffffffffn && value >= -0x8000000000000000n;
  return { value, ok: inRange && (i === s.length || s[i] === 0x0a) };
}

/**
 * CPython's PyLong_FromString(s, NULL, base) for base 0 or 10: whitespace, sign, 0x/0o/0b prefixes
 * (base 0; leading zeros only for zero), single underscores between digits, trailing whitespace.
 */
export function pyLongFromString(s: Uint8Array, base0: 0 | 10): bigint | null {
  let i = 0;
  while (i < s.length && isCSpace(s[i])) i++;
  let neg = false;
  if (s[i] === 0x2b || s[i] === 0x2d) neg = s[i++] === 0x2d;
  let base: number = base0;
  let errorIfNonzero = false;
  const p = (s[i + 1] ?? 0) | 0x20;
  if (base === 0) {
    if (s[i] !== 0x30) base = 10;
    else if (p === 0x78) base = 16;
    else if (p === 0x6f) base = 8;
    else if (p === 0x62) base = 2;
    else {
      errorIfNonzero = true;
      base = 10;
    }
  }
  if (s[i] === 0x30 && ((base === 16 && p === 0x78) || (base === 8 && p === 0x6f) || (base === 2 && p === 0x62))) {
    i += 2;
    if (s[i] === 0x5f) i++;
  }
  if (s[i] === 0x5f) return null;
  const start = i;
  let v = 0n;
  let prev = -1;
  while (i < s.length && (digitValue(s[i]) < base || s[i] === 0x5f)) {
    if (s[i] === 0x5f) {
      if (prev === 0x5f) return null;
    } else v = v * BigInt(base) + BigInt(digitValue(s[i]));
    prev = s[i++]!;
  }
  if (prev === 0x5f) return null;
  if (i === start) return null;
  if (errorIfNonzero && v !== 0n) return null;
  while (i < s.length && isCSpace(s[i])) i++;
  if (i !== s.length) return null;
  return neg ? -v : v;
}

/** load_int: strtol when it parses the whole line, else PyLong_FromString(line, 0). null = ValueError. */
export function pickleInt(raw: Uint8Array): bigint | null {
  if (raw.length === 0) return null; // "I\n": bad readline
  const s = cString(raw, true);
  const c = strtolBase0(s);
  if (c.ok) return c.value;
  return pyLongFromString(s, 0);
}

const C_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i;

/** load_float: PyOS_string_to_double must consume everything up to the newline or a NUL. */
export function isPickleFloat(raw: Uint8Array): boolean {
  if (raw.length === 0) return false;
  const s = latin1.decode(cString(raw, false));
  const m = C_FLOAT.exec(s);
  // Overflow ("1e999") raises in CPython; accepting it here only means walking on where Python stops.
  return m !== null && m[0].length === s.length;
}

function bigToNumber(v: bigint): number {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : Number.NaN;
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
 * Scans a pickle without executing it. Also walks anything after the first STOP as further pickles
 * (a loader may call pickle.load repeatedly, as legacy torch.save files do); problems there are
 * notes, not verdicts, but dangerous imports found there still count.
 */
export function scanPickle(bytes: Uint8Array, opts: PickleScanOptions): PickleScanResult {
  return runSync(scan(new Window(bytesSource(bytes)), opts));
}

/**
 * scanPickle over a source read as a stream: the same walk, holding only the bytes around the reader
 * (arguments whose content does not matter, such as BINBYTES and joblib array data, are skipped, not
 * buffered), plus the symbolic stack and memo, bounded by maxStackEntries.
 */
export async function scanPickleSource(source: ByteSource, opts: PickleScanOptions & { signal?: AbortSignal }): Promise<PickleScanResult> {
  const win = new Window(source);
  try {
    return await run(scan(win, opts), opts.signal);
  } finally {
    win.close();
  }
}

function* scan(win: Window, opts: PickleScanOptions): Wait<PickleScanResult> {
  const walker = new Walker(win, opts);
  const size = win.size;
  const problems: PickleProblem[] = [];
  let pos = 0;
  try {
    pos = yield* walker.walk(0, true);
  } catch (e) {
    if (!(e instanceof ScanStop)) throw e;
    problems.push({ code: e.code, message: e.message, offset: e.offset });
  }
  if (problems.length === 0 && pos < size) {
    const trailingStart = pos;
    let further = 0;
    while (pos < size && further < 64) {
      const next = yield* walker.subWalk(pos, true);
      if (next === null) break;
      pos = next;
      further++;
    }
    if (pos < size)
      walker.notes.push({
        code: "pickle_trailing_data",
        message: `${size - trailingStart} bytes follow the pickle's STOP at byte ${trailingStart - 1}${further > 0 ? ` (${further} further pickle(s), then data that is not a pickle)` : " and are not a pickle"}; pickle.load ignores them`,
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
