// Seeded pseudo-random numbers for the checks (adversarial sampling and noise) and their test data. A check run records its seed so that a
// reviewer can reproduce the exact perturbations; Math.random cannot be seeded, and pure-rand is only
// a transitive dev dependency (via fast-check), so this is a small self-contained xoshiro128**.
// Only 32-bit integer operations (Math.imul, >>>) are used, so the stream is identical on every
// platform and Node version.

export interface Random {
  /** Uniform in [0, 1), 32 bits of randomness. */
  next(): number;
  /** Uniform in (0, 1]: safe to take the logarithm of. */
  nextPositive(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Uniform integer in [0, n), n ≤ 2^32. */
  int(n: number): number;
}

/**
 * A generator for `seed`. `stream` names an independent sequence for one purpose (sampling, noise…),
 * so that changing how many numbers one step draws never shifts the numbers another step sees.
 */
export function createRandom(seed: number, stream = ""): Random {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  // Seeds are recorded as JSON numbers and may exceed 32 bits (Date.now()); fold both halves and the
  // stream name into the splitmix state rather than silently truncating.
  const integral = Math.trunc(seed);
  const low = integral >>> 0;
  const high = Math.floor(integral / 2 ** 32) >>> 0;
  let state = mix32(low ^ mix32(high ^ 0x9e3779b9) ^ hashString(stream));
  const splitmix = () => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix32(state);
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  // xoshiro128** must never start from the all-zero state (it would stay there forever).
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  return {
    next: () => nextUint32() / 2 ** 32,
    nextPositive: () => (nextUint32() + 1) / 2 ** 32,
    uniform: (min, max) => min + (nextUint32() / 2 ** 32) * (max - min),
    int(n) {
      if (!(n >= 1 && n <= 2 ** 32)) throw new Error(`int(n) needs 1 ≤ n ≤ 2^32, got ${n}`);
      // Rejection sampling: plain modulo would favour small values when n does not divide 2^32.
      const limit = 2 ** 32 - (2 ** 32 % n);
      let x = nextUint32();
      while (x >= limit) x = nextUint32();
      return x % n;
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The murmur3 finalizer: a bijective avalanche on 32 bits. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a over UTF-16 code units: stable stream ids from names. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
