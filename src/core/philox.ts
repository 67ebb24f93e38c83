// TypeScript twin of shaders/philox.wgsl: Philox4x32-10 (Salmon et al., SC'11) with the
// same stream layout, so a router's words are bit-identical on the CPU and the GPU.
// Known-answer vectors: Random123's kat_vectors (see test/philox.test.ts).

export const PHILOX_M0 = 0xd2511f53;
export const PHILOX_M1 = 0xcd9e8d57;
export const PHILOX_W0 = 0x9e3779b9;
export const PHILOX_W1 = 0xbb67ae85;

/** Stream tags (counter word 3); mirror TAG_* in philox.wgsl. */
export const TAG_ROUTING = 0;
export const TAG_INITIAL = 1;

const TWO16 = 65536;

/** High 32 bits of the 64-bit product a*b: a*b = (a_hi b) 2^16 + a_lo b, each part < 2^48. */
export function mulhi32(a: number, b: number): number {
  return Math.floor(((a >>> 16) * b + Math.floor(((a & 0xffff) * b) / TWO16)) / TWO16) >>> 0;
}

/** Writes Philox4x32-10(counter, key) into out[0..3]. */
export function philox4x32_10(
  c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array,
): void {
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + PHILOX_W0) >>> 0;
      k1 = (k1 + PHILOX_W1) >>> 0;
    }
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** A 53-bit seed as the two key words. */
export function seedKey(seed: number): [number, number] {
  return [seed % 0x100000000 >>> 0, Math.floor(seed / 0x100000000) >>> 0];
}

/** One router's words for one (step, tag), four at a time; reusable without allocation. */
export class RngStream {
  private readonly words = new Uint32Array(4);
  private used = 4;
  private block = 0;
  private router = 0;
  private step = 0;
  private tag = 0;

  constructor(private readonly k0: number, private readonly k1: number) {}

  open(router: number, step: number, tag: number): this {
    this.router = router;
    this.step = step;
    this.tag = tag;
    this.block = 0;
    this.used = 4;
    return this;
  }

  /** Two words, as rng_pair in philox.wgsl: a block serves (x, y) then (z, w); a block
   * with one word left is skipped. The pair is written to this.pair. */
  readonly pair = new Uint32Array(2);
  nextPair(): Uint32Array {
    if (this.used >= 3) {
      philox4x32_10(this.block, this.step, this.router, this.tag, this.k0, this.k1, this.words);
      this.block = (this.block + 1) >>> 0;
      this.used = 0;
    }
    this.pair[0] = this.words[this.used];
    this.pair[1] = this.words[this.used + 1];
    this.used += 2;
    return this.pair;
  }

  next(): number {
    if (this.used === 4) {
      philox4x32_10(this.block, this.step, this.router, this.tag, this.k0, this.k1, this.words);
      this.block = (this.block + 1) >>> 0;
      this.used = 0;
    }
    return this.words[this.used++];
  }
}

const F32_ONE_BELOW = 1 - 2 ** -24;

/** Same value as uniform_fine in philox.wgsl (f32 arithmetic reproduced with fround). */
export function uniformFine(word: number): number {
  return Math.min(Math.fround(Math.fround(word) + 0.5) * 2 ** -32, F32_ONE_BELOW);
}

/** Same value as uniform_grid in philox.wgsl: (k + 1/2) 2^-23, exact. */
export function uniformGrid(word: number): number {
  return ((word >>> 9) + 0.5) * 2 ** -23;
}
