// TypeScript twin of shaders/threefry.wgsl: Threefry2x32-20 (Salmon et al., SC'11) with the
// same stream layout, so a router's words are bit-identical on the CPU and the GPU.
// Known-answer vectors: Random123's kat_vectors (see test/threefry.test.ts). Threefry's
// parity and rotations, the uniforms' scales and the stream tags are the shared constants of
// constants.ts, which the WGSL gets too.

import { THREEFRY_PARITY, THREEFRY_ROTATIONS, UNIFORM_FINE_MAX, UNIFORM_FINE_SCALE, UNIFORM_GRID_SCALE, UNIFORM_GRID_SHIFT } from './constants.js';

/** Key schedule scratch (k0, k1, k2) of threefry2x32_20; the function runs to completion. */
const SCHEDULE = new Uint32Array(3);

/** Writes Threefry2x32-20(counter (c0, c1), key (k0, k1)) into out[0..1]. */
export function threefry2x32_20(c0: number, c1: number, k0: number, k1: number, out: Uint32Array): void {
  SCHEDULE[0] = k0;
  SCHEDULE[1] = k1;
  SCHEDULE[2] = THREEFRY_PARITY ^ k0 ^ k1;
  let x0 = (c0 + SCHEDULE[0]) >>> 0;
  let x1 = (c1 + SCHEDULE[1]) >>> 0;
  for (let round = 0; round < 20; round++) {
    const r = THREEFRY_ROTATIONS[round & 7];
    x0 = (x0 + x1) >>> 0;
    x1 = (((x1 << r) | (x1 >>> (32 - r))) ^ x0) >>> 0;
    if ((round & 3) === 3) {
      // key injection s = 1..5 after every 4 rounds: (k[s mod 3], k[s+1 mod 3] + s)
      const s = (round + 1) >> 2;
      x0 = (x0 + SCHEDULE[s % 3]) >>> 0;
      x1 = (x1 + SCHEDULE[(s + 1) % 3] + s) >>> 0;
    }
  }
  out[0] = x0;
  out[1] = x1;
}

/** A 53-bit seed as the two key words. */
export function seedKey(seed: number): [number, number] {
  return [(seed % 0x100000000) >>> 0, Math.floor(seed / 0x100000000) >>> 0];
}

/** The key of (router, tag)'s stream under a seed: Threefry2x32-20 of (router, tag). */
export function streamKey(k0: number, k1: number, router: number, tag: number): [number, number] {
  const out = new Uint32Array(2);
  threefry2x32_20(router, tag, k0, k1, out);
  return [out[0], out[1]];
}

/** One router's words for one (step, tag), as Rng in threefry.wgsl; reusable without allocation. */
export class RngStream {
  private readonly key = new Uint32Array(2);
  private keyRouter = -1;
  private keyTag = -1;
  /** single words taken from this.pair so far (2: none left) */
  private used = 2;
  private pairIndex = 0;
  private step = 0;

  /** (k0, k1): the seed's key words. */
  constructor(
    private readonly k0: number,
    private readonly k1: number,
  ) {}

  open(router: number, step: number, tag: number): this {
    if (router !== this.keyRouter || tag !== this.keyTag) {
      threefry2x32_20(router, tag, this.k0, this.k1, this.key);
      this.keyRouter = router;
      this.keyTag = tag;
    }
    this.step = step;
    this.pairIndex = 0;
    this.used = 2;
    return this;
  }

  /** The next pair, as rng_pair: a leftover single word is dropped. Written to this.pair. */
  readonly pair = new Uint32Array(2);
  nextPair(): Uint32Array {
    threefry2x32_20(this.step, this.pairIndex, this.key[0], this.key[1], this.pair);
    this.pairIndex = (this.pairIndex + 1) >>> 0;
    this.used = 2;
    return this.pair;
  }

  /** The next single word, as rng_next: x then y of a fresh pair. */
  next(): number {
    if (this.used === 2) {
      this.nextPair();
      this.used = 0;
    }
    return this.pair[this.used++];
  }
}

/** Same value as uniform_fine in threefry.wgsl (f32 arithmetic reproduced with fround). */
export function uniformFine(word: number): number {
  return Math.min(Math.fround(Math.fround(word) + 0.5) * UNIFORM_FINE_SCALE, UNIFORM_FINE_MAX);
}

/** Same value as uniform_grid in threefry.wgsl: (k + 1/2) 2^-23, exact. */
export function uniformGrid(word: number): number {
  return ((word >>> UNIFORM_GRID_SHIFT) + 0.5) * UNIFORM_GRID_SCALE;
}
