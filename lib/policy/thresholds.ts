// The thresholds the checks gate on, and their defaults: the stage policy's half of the contract with
// the checks (lib/checks/types.ts, CheckContext.thresholds). They live with the policy, which
// validates per-model overrides of them (stage-policy.ts), so the policy does not import lib/checks.

/** Thresholds for the gates; resolved from these defaults + the model's overrides before a run (resolveThresholds). */
export type Thresholds = {
  fairness: {
    /** Demographic parity ratio (min selection rate / max selection rate) must be >= this. */
    minDemographicParityRatio: number;
    /** Equalized odds difference (max of TPR gap and FPR gap across groups) must be <= this. */
    maxEqualizedOddsDifference: number;
    /** Groups with fewer rows than this are reported and flagged "too small", not judged. */
    minGroupSize: number;
  };
  adversarial: {
    /** Used when the manifest declares no adversarial.epsilon. Fraction of each feature's schema range. */
    defaultEpsilon: number;
    /** Fraction of predictions that may change under ε-bounded random noise. */
    maxFlipRate: number;
    /** Rows sampled from the evaluation set for noise and attack (keeps the check bounded). */
    sampleSize: number;
  };
  security: {
    /**
     * Largest ONNX model the registry loads into memory, in bytes: by the checks that run it and by
     * the security check, which decodes it to follow its external data. Other files are scanned as
     * streams up to CheckLimits.maxScanBytes instead.
     */
    maxArtifactBytes: number;
    /** Module prefixes a pickle may import (e.g. "numpy", "sklearn."); anything else + a call opcode is dangerous. */
    pickleAllowList: string[];
  };
  validation: {
    /** Largest number of probe rows / test vector cases evaluated. */
    maxTestVectorCases: number;
  };
};

/** Default gate thresholds (documented in docs/envelope.md, "Stage policy"): DP ratio ≥ 0.8, EOD ≤ 0.1, flip rate ≤ 5%. */
export const defaultThresholds: Thresholds = {
  fairness: { minDemographicParityRatio: 0.8, maxEqualizedOddsDifference: 0.1, minGroupSize: 30 },
  adversarial: { defaultEpsilon: 0.05, maxFlipRate: 0.05, sampleSize: 2000 },
  security: {
    maxArtifactBytes: 2 * 1024 ** 3,
    // Semantics: lib/checks/security/pickle-scan.ts (header). "a.b.c" = exactly that import;
    // "pkg." = classes (CapitalisedName) and Cython/sklearn reconstruction helpers in pkg.*; a deny
    // list (numpy file I/O, *testing*, sklearn.datasets…) wins over both.
    pickleAllowList: [
      // numpy: only what numpy's own pickling writes (arrays, scalars, dtypes, masked and record
      // arrays, random generators), for numpy 1.x (numpy.core) and 2.x (numpy._core).
      ...["numpy.core", "numpy._core"].flatMap((m) => [`${m}.multiarray._reconstruct`, `${m}.multiarray.scalar`, `${m}.numeric._frombuffer`]),
      "numpy._core._internal._convert_to_stringdtype_kwargs",
      "numpy.dtype",
      "numpy.ndarray",
      "numpy.ma.MaskedArray",
      "numpy.ma.core.MaskedArray",
      "numpy.ma.core._mareconstruct",
      "numpy.rec.recarray",
      "numpy.record",
      ...["bool_", "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64",
        "longdouble", "complex64", "complex128", "clongdouble", "object_", "str_", "bytes_", "void", "datetime64", "timedelta64",
        "int_", "intc", "uint", "uintc", "longlong", "ulonglong"].map((t) => `numpy.${t}`),
      "numpy.random._pickle.__randomstate_ctor",
      "numpy.random._pickle.__generator_ctor",
      "numpy.random._pickle.__bit_generator_ctor",
      "numpy.random.__RandomState_ctor",
      "numpy.random.mtrand.RandomState",
      "numpy.random._generator.Generator",
      "numpy.random._mt19937.MT19937",
      "numpy.random._pcg64.PCG64",
      "numpy.random._pcg64.PCG64DXSM",
      "numpy.random._philox.Philox",
      "numpy.random._sfc64.SFC64",
      "numpy.random.bit_generator.SeedSequence",
      "numpy.random.bit_generator.__pyx_unpickle_SeedSequence",
      "joblib.numpy_pickle.NumpyArrayWrapper",
      "sklearn.",
      "scipy.sparse.",
      // scipy.sparse classes are lower-case, so the prefix entry does not admit them.
      ...["csr", "csc", "coo", "bsr", "dia", "dok", "lil"].flatMap((f) => [
        `scipy.sparse._${f}.${f}_matrix`,
        `scipy.sparse._${f}.${f}_array`,
        `scipy.sparse.${f}.${f}_matrix`,
        `scipy.sparse._arrays.${f}_array`,
      ]),
      "collections.OrderedDict",
      "collections.defaultdict",
      "builtins.dict",
      "builtins.list",
      "builtins.set",
      "builtins.frozenset",
      "builtins.tuple",
      "builtins.slice",
      "builtins.complex",
      "builtins.bytearray",
      "copy_reg._reconstructor",
      "copyreg._reconstructor",
      "torch._utils._rebuild_tensor_v2",
      "torch._utils._rebuild_parameter",
      "torch.FloatStorage",
      "torch.DoubleStorage",
      "torch.LongStorage",
      "torch.IntStorage",
      "torch.HalfStorage",
      "torch.BFloat16Storage",
      "_codecs.encode",
    ],
  },
  validation: { maxTestVectorCases: 10_000 },
};
