import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { defaultThresholds } from "../../policy/thresholds.ts";
import { isAllowedImport, isKnownDangerousImport, isPickleFloat, numpyItemSize, pickleInt, scanPickle } from "./pickle-scan.ts";
import {
  benignDictOfLists,
  joblibArrayHidingCall,
  joblibLike,
  memoizedSystemCall,
  numpySavetxtCall,
  pendingCall,
  numpyLikeArray,
  pickle,
  protocol0SystemCall,
  protocol4SystemCall,
  sklearnLikeEstimator,
} from "./test-builders.ts";

const allowList = defaultThresholds.security.pickleAllowList;
const scan = (bytes: Uint8Array, list: readonly string[] = allowList) => scanPickle(bytes, { allowList: list });
const fixtures = join(import.meta.dirname, "fixtures");
/** Must match NEVER_CREATED in fixtures/generate_pickles.py. */
const NEVER_CREATED = "/tmp/model-registry-security-fixture-never-created";

function uniqueTarget(): string {
  return join(tmpdir(), `registry-pickle-payload-${randomUUID()}`);
}

function dangerousNames(bytes: Uint8Array): string[] {
  return scan(bytes).dangerous.map((i) => i.fullName);
}

describe("scanPickle: malicious pickles are named, never executed", () => {
  it("protocol 0 GLOBAL + REDUCE os.system: dangerous, names the import and the call, creates no file", () => {
    const target = uniqueTarget();
    const bytes = protocol0SystemCall(`touch ${target}`);
    const result = scan(bytes);
    expect(result.verdict).toBe("dangerous");
    expect(result.dangerous).toHaveLength(1);
    const imp = result.dangerous[0]!;
    expect(imp).toMatchObject({ fullName: "os.system", module: "os", name: "system", opcode: "GLOBAL", offset: 0, allowed: false, knownDangerous: true });
    expect(imp.calls).toEqual([{ opcode: "REDUCE", offset: bytes.indexOf(0x52, 12) }]);
    expect(existsSync(target)).toBe(false);
  });

  it("protocol 4 STACK_GLOBAL + REDUCE posix.system (memoized like pickle.dumps writes it)", () => {
    const target = uniqueTarget();
    const bytes = protocol4SystemCall(`touch ${target}`);
    const result = scan(bytes);
    expect(result.verdict).toBe("dangerous");
    expect(result.protocol).toBe(4);
    expect(result.dangerous.map((i) => [i.fullName, i.opcode, i.calls[0]?.opcode])).toEqual([["posix.system", "STACK_GLOBAL", "REDUCE"]]);
    expect(existsSync(target)).toBe(false);
  });

  it("protocol 2 GLOBAL + TUPLE1 + REDUCE", () => {
    const bytes = pickle().proto(2).global("nt", "system").binput(0).binunicode("calc.exe").tuple1().reduce().stop().bytes();
    expect(dangerousNames(bytes)).toEqual(["nt.system"]);
  });

  it("follows names and callables through BINPUT/BINGET/LONG_BINGET and MEMOIZE across unrelated opcodes", () => {
    const target = uniqueTarget();
    const bytes = memoizedSystemCall(`touch ${target}`);
    const result = scan(bytes);
    expect(result.verdict).toBe("dangerous");
    const imp = result.dangerous[0]!;
    expect(imp.fullName).toBe("os.system");
    expect(imp.opcode).toBe("STACK_GLOBAL");
    expect(imp.calls).toHaveLength(1);
    expect(imp.calls[0]!.opcode).toBe("REDUCE");
    // The REDUCE is far from the STACK_GLOBAL: an adjacent-opcode matcher would miss it.
    expect(imp.calls[0]!.offset - imp.offset).toBeGreaterThan(20);
    expect(existsSync(target)).toBe(false);
  });

  it("an unlisted import is dangerous when called, whatever its name (calls are what execute code)", () => {
    const bytes = pickle().proto(4).unicode("evilpkg.payloads").unicode("Dropper").stackGlobal().unicode("x").tuple1().reduce().stop().bytes();
    const result = scan(bytes);
    expect(result.dangerous.map((i) => [i.fullName, i.knownDangerous, i.allowed])).toEqual([["evilpkg.payloads.Dropper", false, false]]);
  });

  it.each([
    ["INST", () => pickle().mark().string("touch /x").inst("os", "system").stop().bytes(), "os.system"],
    ["OBJ", () => pickle().mark().global("evilpkg", "Payload").string("arg").obj().stop().bytes(), "evilpkg.Payload"],
    ["NEWOBJ", () => pickle().proto(2).global("evilpkg", "Payload").emptyTuple().newobj().stop().bytes(), "evilpkg.Payload"],
    [
      "NEWOBJ_EX",
      () => pickle().proto(4).unicode("evilpkg").unicode("Payload").stackGlobal().emptyTuple().emptyDict().newobjEx().stop().bytes(),
      "evilpkg.Payload",
    ],
    ["BUILD", () => pickle().proto(2).global("evilpkg", "Payload").emptyDict().build().stop().bytes(), "evilpkg.Payload"],
  ])("%s invoking an unlisted import is dangerous and names the opcode", (opcode, build, name) => {
    const result = scan(build());
    expect(result.verdict).toBe("dangerous");
    expect(result.dangerous).toHaveLength(1);
    expect(result.dangerous[0]!.fullName).toBe(name);
    expect(result.dangerous[0]!.calls.map((c) => c.opcode)).toEqual([opcode]);
  });

  it("flags known-dangerous imports even when nothing calls them", () => {
    for (const [module, name] of [
      ["os", "system"],
      ["posix", "system"],
      ["subprocess", "Popen"],
      ["builtins", "eval"],
      ["__builtin__", "exec"],
      ["builtins", "getattr"],
      ["builtins", "__import__"],
      ["socket", "socket"],
      ["shutil", "rmtree"],
      ["runpy", "run_path"],
      ["pickle", "loads"],
      ["sys", "modules"],
    ] as const) {
      const result = scan(pickle().global(module, name).stop().bytes());
      expect(result.verdict, `${module}.${name}`).toBe("dangerous");
      expect(result.dangerous[0]!.calls).toEqual([]);
    }
  });

  it("decodes escapes an attacker can use to hide a name (STRING \\x escapes, UNICODE \\u escapes)", () => {
    const viaString = pickle().raw(0x53, "'o\\x73'\n").raw(0x53, "'sys\\164em'\n").stackGlobal().stop().bytes();
    expect(dangerousNames(viaString)).toEqual(["os.system"]);
    const viaUnicode = pickle().raw(0x56, "o\\u0073\n").raw(0x56, "system\n").stackGlobal().stop().bytes();
    expect(dangerousNames(viaUnicode)).toEqual(["os.system"]);
  });

  it("catches attribute traversal out of an allowed package (protocol 4 dotted names)", () => {
    const escape = pickle().proto(4).unicode("sklearn").unicode("os.system").stackGlobal().unicode("id").tuple1().reduce().stop().bytes();
    expect(dangerousNames(escape)).toEqual(["sklearn.os.system"]);
    const runstring = pickle().proto(4).unicode("numpy").unicode("testing._private.utils.runstring").stackGlobal().stop().bytes();
    expect(dangerousNames(runstring)).toEqual(["numpy.testing._private.utils.runstring"]);
  });

  it("treats an import whose name is computed at load time as unresolved and dangerous when called", () => {
    const bytes = pickle()
      .proto(4)
      .global("builtins", "str").unicode("o").tuple1().reduce() // module name produced by a call
      .unicode("system").stackGlobal().unicode("id").tuple1().reduce().stop().bytes();
    const result = scan(bytes);
    const unresolved = result.dangerous.find((i) => !i.resolved);
    expect(unresolved?.opcode).toBe("STACK_GLOBAL");
    expect(unresolved?.calls[0]?.opcode).toBe("REDUCE");
  });

  it("treats copyreg extension codes (EXT1) as unresolved imports", () => {
    const bytes = pickle().proto(2).raw(0x82, 7).emptyTuple().reduce().stop().bytes();
    const result = scan(bytes);
    expect(result.verdict).toBe("dangerous");
    expect(result.dangerous[0]).toMatchObject({ fullName: "<extension code 7>", resolved: false, opcode: "EXT1" });
  });

  it("still reports a payload that runs before the stream turns into garbage", () => {
    const payload = protocol0SystemCall("touch /nope");
    const bytes = new Uint8Array([...payload.subarray(0, payload.length - 1), 0xff, 0xfe]);
    const result = scan(bytes);
    expect(result.verdict).toBe("dangerous");
    expect(result.problems[0]?.code).toBe("pickle_unknown_opcode");
  });

  it("scans pickles that follow the first STOP (loaders may call pickle.load again)", () => {
    const bytes = new Uint8Array([...benignDictOfLists(), ...protocol4SystemCall("touch /nope")]);
    expect(dangerousNames(bytes)).toEqual(["posix.system"]);
  });
});

describe("scanPickle: benign pickles pass", () => {
  it("a protocol 4 dict of lists (with FRAME) has no imports at all", () => {
    const result = scan(benignDictOfLists());
    expect(result).toMatchObject({ verdict: "safe", protocol: 4, imports: [], problems: [] });
  });

  it.each(["numpy.core.multiarray", "numpy._core.multiarray"])("a numpy array (%s._reconstruct + BUILD, bytes via _codecs.encode)", (module) => {
    const result = scan(numpyLikeArray(module));
    expect(result.verdict).toBe("safe");
    expect(result.problems).toEqual([]);
    expect(new Set(result.imports.map((i) => i.fullName))).toEqual(
      new Set([`${module}._reconstruct`, "numpy.ndarray", "_codecs.encode", "numpy.dtype"]),
    );
    expect(result.imports.every((i) => i.allowed && !i.dangerous)).toBe(true);
  });

  it("an sklearn-like estimator (STACK_GLOBAL + NEWOBJ + BUILD, nested numpy array)", () => {
    const result = scan(sklearnLikeEstimator());
    expect(result.verdict).toBe("safe");
    expect(result.imports.map((i) => i.fullName)).toContain("sklearn.linear_model._logistic.LogisticRegression");
  });

  it("an unlisted class that is imported but never called is a warning-level import, not dangerous", () => {
    const bytes = pickle().proto(2).global("mylib", "Thing").binput(0).pop().none().stop().bytes();
    const result = scan(bytes);
    expect(result.verdict).toBe("safe");
    expect(result.imports[0]).toMatchObject({ fullName: "mylib.Thing", allowed: false, dangerous: false });
  });
});

describe("scanPickle: joblib inline arrays", () => {
  const f8 = (values: number[]) => new Uint8Array(Float64Array.from(values).buffer);

  it("skips numpy array bytes written inline after NumpyArrayWrapper's BUILD and keeps walking", () => {
    const data = f8([1, 2, 3, 0x2e, 0x52]);
    const bytes = joblibLike([
      { dtype: "f8", shape: [5], data },
      { dtype: "i4", shape: [2, 2], data: new Uint8Array(16).fill(0x52), alignment: false },
    ]);
    const result = scan(bytes);
    expect(result.problems).toEqual([]);
    expect(result.verdict).toBe("safe");
    expect(result.notes.filter((n) => n.code === "pickle_inline_array")).toHaveLength(2);
  });

  it("finds a payload placed after the array data", () => {
    const target = uniqueTarget();
    const bytes = joblibLike([{ dtype: "f8", shape: [3], data: f8([1, 2, 3]) }], (p) =>
      p.unicode("hook").unicode("os").unicode("system").stackGlobal().unicode(`touch ${target}`).tuple1().reduce().setitem(),
    );
    expect(dangerousNames(bytes)).toEqual(["os.system"]);
    expect(existsSync(target)).toBe(false);
  });

  it("finds a payload hidden inside the array bytes (what a plain pickle.load would execute)", () => {
    const payload = protocol0SystemCall("touch /nope");
    const data = new Uint8Array(Math.ceil(payload.length / 8) * 8);
    data.set(payload);
    const bytes = joblibLike([{ dtype: "u1", shape: [data.length], data, alignment: false }]);
    expect(dangerousNames(bytes)).toEqual(["os.system"]);
  });

  it("finds a payload in the array bytes that only works with the memo built before it", () => {
    // The strings look like harmless dict values; the array bytes turn them into an import and call it.
    const payload = pickle().binget(200).binget(201).stackGlobal().unicode("touch /nope").tuple1().reduce().pop().bytes();
    const bytes = joblibLike([{ dtype: "u1", shape: [payload.length], data: payload, alignment: false }], undefined, (p) =>
      p.unicode("a").unicode("os").binput(200).setitem().unicode("b").unicode("system").binput(201).setitem(),
    );
    const result = scan(bytes);
    expect(result.dangerous.map((i) => i.fullName)).toEqual(["os.system"]);
    // joblib.load itself skips those bytes, so the walk still finishes cleanly.
    expect(result.problems).toEqual([]);
  });

  it("a wrapper whose shape cannot be read stops the scan with a clear problem", () => {
    const bytes = pickle()
      .proto(4)
      .unicode("joblib.numpy_pickle").unicode("NumpyArrayWrapper").stackGlobal().emptyTuple().newobj()
      .emptyDict().unicode("shape").none().setitem().build().stop().bytes();
    const result = scan(bytes);
    expect(result.verdict).toBe("unscannable");
    expect(result.problems[0]?.message).toMatch(/shape/);
  });

  it("maps numpy dtype descriptors to item sizes", () => {
    expect([numpyItemSize("f8"), numpyItemSize("<i4"), numpyItemSize("U3"), numpyItemSize("b1"), numpyItemSize("O8"), numpyItemSize("??")]).toEqual([
      8, 4, 12, 1, "object", undefined,
    ]);
  });
});

describe("scanPickle: malformed input gives findings, not crashes", () => {
  it.each([
    ["empty", new Uint8Array(0), "pickle_truncated"],
    ["garbage", Uint8Array.from([0xde, 0xad, 0xbe, 0xef]), "pickle_unknown_opcode"],
    ["text that starts with opcodes", new TextEncoder().encode("this is not a pickle"), "pickle_malformed"],
    ["truncated inside BINUNICODE", pickle().proto(4).raw(0x58, 0xff, 0, 0, 0, "abc").bytes(), "pickle_truncated"],
    ["no STOP", pickle().proto(2).emptyDict().bytes(), "pickle_truncated"],
    ["STOP on an empty stack", pickle().proto(2).stop().bytes(), "pickle_malformed"],
    ["BINGET of a missing memo key", pickle().proto(2).binget(9).stop().bytes(), "pickle_malformed"],
    ["APPENDS without MARK", pickle().proto(2).emptyList().appends().stop().bytes(), "pickle_malformed"],
    ["protocol 9", pickle().proto(9).none().stop().bytes(), "pickle_unsupported_protocol"],
    ["GLOBAL without newline", pickle().raw(0x63, "os").bytes(), "pickle_truncated"],
    ["FRAME longer than the file", pickle().proto(4).frame(1000).none().stop().bytes(), "pickle_truncated"],
  ])("%s", (_, bytes, code) => {
    const result = scan(bytes);
    expect(result.verdict).toBe("unscannable");
    expect(result.problems[0]?.code).toBe(code);
    expect(result.problems[0]?.message.length).toBeGreaterThan(10);
  });

  it("names an unknown opcode and its offset", () => {
    const result = scan(pickle().proto(2).none().raw(0xf7).bytes());
    expect(result.problems[0]?.message).toMatch(/^unknown opcode 0xf7 at offset 3/);
  });

  it("random bytes never throw", () => {
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 8) & 0xff;
    for (let i = 0; i < 500; i++) {
      const bytes = Uint8Array.from({ length: 1 + (i % 97) }, next);
      if (i % 3 === 0) bytes[0] = 0x80;
      expect(() => scan(bytes)).not.toThrow();
    }
  });
});

describe("allow-list semantics", () => {
  it("exact entries are exact; a module entry admits nothing else in the module; package prefixes admit classes only", () => {
    const list = ["collections.OrderedDict", "numpy", "numpy.dtype", "sklearn."];
    expect(isAllowedImport("collections", "OrderedDict", list)).toBe(true);
    expect(isAllowedImport("collections", "defaultdict", list)).toBe(false);
    expect(isAllowedImport("numpy", "dtype", list)).toBe(true);
    expect(isAllowedImport("numpy", "savetxt", list)).toBe(false);
    expect(isAllowedImport("numpy", "frombuffer", list)).toBe(false);
    expect(isAllowedImport("numpy.random", "seed", list)).toBe(false);
    expect(isAllowedImport("sklearn", "base", list)).toBe(false);
    expect(isAllowedImport("sklearn.tree._classes", "DecisionTreeClassifier", list)).toBe(true);
    expect(isAllowedImport("sklearn.metrics._scorer", "_PredictScorer", list)).toBe(true);
    expect(isAllowedImport("sklearn._loss._loss", "__pyx_unpickle_CyHalfBinomialLoss", list)).toBe(true);
    expect(isAllowedImport("sklearn.neighbors._kd_tree", "newObj", list)).toBe(true);
    expect(isAllowedImport("sklearn.utils._testing", "assert_run_python_script", list)).toBe(false);
    expect(isAllowedImport("sklearn.metrics", "f1_score", list)).toBe(false);
    expect(isAllowedImport("sklearn.utils.fixes", "ZipFile", list)).toBe(false);
    expect(isAllowedImport("sklearnx", "X", list)).toBe(false);
    expect(isAllowedImport("sklearn", "os.system", list)).toBe(false);
    expect(isAllowedImport("sklearn", "Os.System", list)).toBe(false);
    expect(isAllowedImport("copy_reg", "_reconstructor", ["copyreg._reconstructor"])).toBe(true);
  });

  it("the default list admits what numpy, scipy, sklearn and joblib pickles use, and no numpy file I/O", () => {
    for (const [m, n] of [
      ["numpy.core.multiarray", "_reconstruct"], ["numpy._core.multiarray", "_reconstruct"], ["numpy._core.multiarray", "scalar"],
      ["numpy._core.numeric", "_frombuffer"], ["numpy", "dtype"], ["numpy", "ndarray"], ["numpy.random._pickle", "__randomstate_ctor"],
      ["numpy.random._pickle", "__bit_generator_ctor"], ["numpy.random._mt19937", "MT19937"], ["numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"],
      ["numpy.ma.core", "_mareconstruct"], ["joblib.numpy_pickle", "NumpyArrayWrapper"], ["scipy.sparse._csr", "csr_matrix"],
      ["sklearn.linear_model._logistic", "LogisticRegression"], ["sklearn.tree._tree", "Tree"], ["copy_reg", "_reconstructor"],
    ])
      expect([m, n, isAllowedImport(m!, n!, allowList) && !isKnownDangerousImport(m!, n!)]).toEqual([m, n, true]);
    for (const [m, n] of [
      ["numpy", "savetxt"], ["numpy", "save"], ["numpy", "savez_compressed"], ["numpy", "load"], ["numpy", "loadtxt"], ["numpy", "genfromtxt"],
      ["numpy", "fromfile"], ["numpy", "DataSource"], ["numpy.lib.npyio", "NpzFile"], ["numpy.lib._npyio_impl", "savetxt"], ["numpy", "ndarray.tofile"],
      ["numpy.testing._private.utils", "runstring"], ["numpy.distutils.exec_command", "exec_command"], ["numpy.f2py", "compile"],
      ["numpy.core", "_ufunc_reconstruct"], ["sklearn.utils._testing", "TempMemmap"], ["sklearn.utils._testing", "assert_run_python_script"],
      ["sklearn.datasets._base", "Bunch"], ["sklearn.externals.joblib", "Memory"], ["sklearn.utils._joblib", "Memory"], ["pandas._testing", "X"],
      ["sklearn.utils.tests.test_x", "Helper"],
    ]) {
      expect([m, n, isKnownDangerousImport(m!, n!)]).toEqual([m, n, true]);
      expect(scan(pickle().proto(2).global(m!, n!).emptyTuple().reduce().stop().bytes()).verdict).toBe("dangerous");
    }
    expect(isKnownDangerousImport("sklearn.externals.joblib.numpy_pickle", "NumpyArrayWrapper")).toBe(false);
    expect(isAllowedImport("numpy", "savetxt", allowList)).toBe(false);
    expect(isAllowedImport("joblib.numpy_pickle", "dump", allowList)).toBe(false);
  });

  it("an uncalled function of a listed module is not reported; calling it is dangerous", () => {
    const ref = scan(pickle().proto(2).global("sklearn.metrics._classification", "f1_score").stop().bytes());
    expect(ref.verdict).toBe("safe");
    expect(ref.imports[0]).toMatchObject({ allowed: false, listed: true, dangerous: false });
    const called = scan(pickle().proto(2).global("sklearn.metrics._classification", "f1_score").emptyTuple().reduce().stop().bytes());
    expect(called.dangerous.map((i) => i.fullName)).toEqual(["sklearn.metrics._classification.f1_score"]);
  });

  it("known-dangerous imports cannot be allow-listed into safety", () => {
    const bytes = protocol0SystemCall("id");
    expect(scanPickle(bytes, { allowList: ["os."] }).verdict).toBe("dangerous");
    expect(isKnownDangerousImport("numpy", "dtype")).toBe(false);
    expect(isKnownDangerousImport("torch._utils", "_rebuild_tensor_v2")).toBe(false);
  });
});

describe("real Python pickles (fixtures/generate_pickles.py)", () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith(".pkl"));

  it("has the generated fixtures", () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(files.filter((f) => f.startsWith("benign_")))("%s passes with no problems", (file) => {
    const result = scan(readFileSync(join(fixtures, file)));
    expect(result.problems).toEqual([]);
    expect(result.verdict).toBe("safe");
    expect(result.imports.every((i) => i.allowed)).toBe(true);
  });

  it.each(files.filter((f) => f.startsWith("malicious_system_")))("%s is dangerous: posix.system called by REDUCE", (file) => {
    const result = scan(readFileSync(join(fixtures, file)));
    expect(result.verdict).toBe("dangerous");
    expect(result.problems).toEqual([]);
    expect(result.dangerous.map((i) => [i.fullName, i.calls[0]?.opcode])).toEqual([["posix.system", "REDUCE"]]);
    expect(existsSync(NEVER_CREATED)).toBe(false);
  });

  it("malicious_eval_p2.pkl names builtins.eval", () => {
    expect(dangerousNames(readFileSync(join(fixtures, "malicious_eval_p2.pkl")))).toEqual(["__builtin__.eval"]);
  });

  it("custom_class_p4.pkl: a user class outside the allow-list is dangerous once instantiated (NEWOBJ)", () => {
    const result = scan(readFileSync(join(fixtures, "custom_class_p4.pkl")));
    expect(result.verdict).toBe("dangerous");
    expect(result.dangerous.map((i) => [i.fullName, i.calls[0]?.opcode])).toEqual([["mylib_models.Model", "NEWOBJ"]]);
  });

  it("custom_class_p0.pkl: the class handed to copyreg._reconstructor counts as invoked", () => {
    const result = scan(readFileSync(join(fixtures, "custom_class_p0.pkl")));
    expect(result.verdict).toBe("dangerous");
    expect(result.dangerous.map((i) => [i.fullName, i.calls[0]?.via])).toEqual([["mylib_models.Model", "copy_reg._reconstructor"]]);
  });
});

describe("regressions: holes found in review", () => {
  const latin = (t: string) => Uint8Array.from(t, (c) => c.charCodeAt(0));

  it("numpy.savetxt writing a .pth file is dangerous with the default allow-list", () => {
    const result = scan(numpySavetxtCall("/tmp/x.pth", "import os; os.system('id')"));
    expect(result.verdict).toBe("dangerous");
    expect(result.dangerous.map((i) => [i.fullName, i.calls[0]?.opcode, i.knownDangerous])).toEqual([["numpy.savetxt", "REDUCE", true]]);
    // Even a list that names the whole numpy module does not admit it: the deny list wins.
    expect(scanPickle(numpySavetxtCall("/tmp/x.pth", "x"), { allowList: ["numpy", "numpy."] }).verdict).toBe("dangerous");
  });

  it("sklearn.utils._testing.assert_run_python_script is dangerous although 'sklearn.' is allowed", () => {
    const bytes = pickle().proto(2).raw(pendingCall("sklearn.utils._testing", "assert_run_python_script", "import os")).reduce().stop().bytes();
    expect(scan(bytes).dangerous.map((i) => i.fullName)).toEqual(["sklearn.utils._testing.assert_run_python_script"]);
    // A function-style name in an innocent sklearn module is not admitted by the prefix either.
    const fn = pickle().proto(2).raw(pendingCall("sklearn.utils", "some_function", "x")).reduce().stop().bytes();
    expect(scan(fn).dangerous.map((i) => i.fullName)).toEqual(["sklearn.utils.some_function"]);
  });

  it("joblib: a call hidden in inline array bytes (REDUCE just after them) is found, as a plain pickle.load would run it", () => {
    const region = pendingCall("zipfile", "ZipFile", "/tmp/registry-never-created", "w");
    const bytes = joblibArrayHidingCall(region);
    const result = scan(bytes);
    expect(result.verdict).toBe("dangerous");
    const imp = result.dangerous.find((i) => i.fullName === "zipfile.ZipFile")!;
    expect(imp.calls[0]).toEqual({ opcode: "REDUCE", offset: bytes.length - 2 });
    expect(imp.context).toMatch(/plain pickle\.load from the inline joblib array data at byte \d+/);
  });

  it("joblib: real inline array data read as opcodes is not reported, and the joblib reading still passes", () => {
    const bytes = joblibLike([{ dtype: "<f8", shape: [3], data: new Uint8Array(Float64Array.from([1, 2.5, -3]).buffer) }, { dtype: "u1", shape: [4], data: Uint8Array.from([0x63, 0x0a, 0x0a, 0x52]) }]);
    const result = scan(bytes);
    expect(result.problems).toEqual([]);
    expect(result.verdict).toBe("safe");
  });

  it("protocol 0 numbers are parsed as CPython does, so the walk does not stop where pickle.load continues", () => {
    expect(pickleInt(latin("0x10"))).toBe(16n);
    expect(pickleInt(latin("1_0"))).toBe(10n);
    expect(pickleInt(latin("010"))).toBe(8n); // strtol octal
    expect(pickleInt(latin(" -0X1f "))).toBe(-31n);
    expect(pickleInt(latin("0o17"))).toBe(15n);
    expect(pickleInt(latin("0b11"))).toBe(3n);
    expect(pickleInt(latin("12\0junk"))).toBe(12n); // a NUL ends the C string
    expect(pickleInt(latin("\0"))).toBe(0n);
    expect(pickleInt(latin("99999999999999999999999"))).toBe(99999999999999999999999n);
    for (const bad of ["", "08", "0x", "1__0", "_1", "12abc", "12_", "0_7", "1.5"]) expect([bad, pickleInt(latin(bad))]).toEqual([bad, null]);
    for (const ok of ["1.5", ".5", "1.", "1e5", "inf", "-iNf", "Infinity", "nan", "+nan", "1.5\0x"]) expect([ok, isPickleFloat(latin(ok))]).toEqual([ok, true]);
    for (const bad of [" 1.5", "1.5 ", "1_0", "0x10", "1e", "abc", ""]) expect([bad, isPickleFloat(latin(bad))]).toEqual([bad, false]);
    // Whole pickles: the payload after INT 0x10 / 1_0, LONG 0x10L, GET/PUT 1_0 is seen.
    const payload = "cos\nsystem\n(S'touch /tmp/never'\ntR.";
    for (const head of ["\x80\x02I0x10\n0", "I1_0\n0", "L0x10L\n0", "L1_0\n0", "F1e5\n0", "Np1_0\n0g+10\n0"]) {
      const result = scan(latin(head + payload));
      expect([head, result.problems, result.dangerous.map((i) => i.fullName)]).toEqual([head, [], ["os.system"]]);
    }
    // INT "00"/"01" (exactly) are False/True; " 1" too (strtol, line length 3), "1 " is an int.
    expect(scan(latin("I01\n.")).problems).toEqual([]);
  });

  it("APPEND/SETITEM on a bare imported class call its methods: counted as invoking it", () => {
    const bytes = pickle().proto(2).global("mylib", "Registry").unicode("k").unicode("v").setitem().stop().bytes();
    expect(scan(bytes).dangerous.map((i) => [i.fullName, i.calls[0]?.opcode])).toEqual([["mylib.Registry", "SETITEM"]]);
  });
});
