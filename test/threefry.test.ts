// Threefry2x32-20: known answers from Random123's kat_vectors (Salmon et al., SC'11), the
// stream layout, and the GPU's streams bit for bit against the CPU twin.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RngStream, streamKey, threefry2x32_20, uniformFine, uniformGrid } from '../src/core/threefry.js';
import { CheckKernels } from './helpers/check-kernels.js';
import { gpuSkip, releaseTestGpu, testGpu } from './helpers/gpu.js';

// Random123 tests/kat_vectors, "threefry2x32 20" lines: counter, key, expected output.
const KAT: { counter: number[]; key: number[]; expected: number[] }[] = [
  { counter: [0, 0], key: [0, 0], expected: [0x6b200159, 0x99ba4efe] },
  { counter: [0xffffffff, 0xffffffff], key: [0xffffffff, 0xffffffff], expected: [0x1cb996fc, 0xbb002be7] },
  { counter: [0x243f6a88, 0x85a308d3], key: [0x13198a2e, 0x03707344], expected: [0xc4923a9c, 0x483df7a0] },
];

function threefry(counter: number[], key: number[]): number[] {
  const out = new Uint32Array(2);
  threefry2x32_20(counter[0], counter[1], key[0], key[1], out);
  return [...out];
}

/** A small deterministic source of test words (splitmix32-style), independent of Threefry. */
function testWords(n: number, seed = 12345): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  });
}

describe('Threefry2x32-20 on the CPU', () => {
  test('matches the published known-answer vectors', () => {
    for (const { counter, key, expected } of KAT) assert.deepEqual(threefry(counter, key), expected);
  });

  test('a stream is a pure function of (seed, router, tag, step): pairs in counter order under the stream key', () => {
    const rng = new RngStream(7, 9);
    const first = Array.from({ length: 10 }, () => rng.open(3, 5, 0).next());
    assert.ok(
      first.every((w) => w === first[0]),
      'reopening restarts the stream',
    );
    const key = streamKey(7, 9, 3, 0);
    assert.deepEqual(key, threefry([3, 0], [7, 9]));
    rng.open(3, 5, 0);
    const words = Array.from({ length: 6 }, () => rng.next());
    assert.deepEqual(words, [...threefry([5, 0], key), ...threefry([5, 1], key), ...threefry([5, 2], key)]);
    // another router, tag or step gives other words; the key cache follows (router, tag)
    assert.notDeepEqual(streamKey(7, 9, 4, 0), key);
    assert.notDeepEqual(streamKey(7, 9, 3, 1), key);
    assert.notEqual(rng.open(4, 5, 0).next(), words[0]);
    assert.notEqual(rng.open(3, 5, 1).next(), words[0]);
    assert.notEqual(rng.open(3, 6, 0).next(), words[0]);
    assert.equal(rng.open(3, 5, 0).next(), words[0]);
  });

  test('pairs are whole outputs; a pair after an odd number of single words starts a fresh one', () => {
    const key = streamKey(1, 2, 0, 0);
    const rng = new RngStream(1, 2).open(0, 0, 0);
    assert.deepEqual([...rng.nextPair()], threefry([0, 0], key));
    assert.equal(rng.next(), threefry([0, 1], key)[0]);
    assert.deepEqual([...rng.nextPair()], threefry([0, 2], key));
    assert.equal(rng.next(), threefry([0, 3], key)[0]);
    assert.equal(rng.next(), threefry([0, 3], key)[1]);
  });

  test('distinct routers get distinct stream keys (a permutation of the counter)', () => {
    const seen = new Set<string>();
    for (let router = 0; router < 50000; router++) seen.add(streamKey(12345, 0, router, 0).join(','));
    assert.equal(seen.size, 50000);
  });

  test('uniforms stay strictly inside (0, 1) at the extreme words', () => {
    for (const w of [0, 1, 0x7fffffff, 0xfffffe00, 0xffffff7f, 0xffffff80, 0xffffffff]) {
      for (const u of [uniformFine(w), uniformGrid(w)]) {
        assert.ok(u > 0 && u < 1, `word ${w} -> ${u}`);
        assert.equal(Math.fround(u), u, 'representable in f32');
      }
      assert.ok(0.5 - Math.abs(uniformGrid(w) - 0.5) >= 2 ** -24);
    }
  });
});

describe('Threefry2x32-20 on the GPU', async () => {
  const skip = await gpuSkip();
  after(releaseTestGpu);

  test('matches the known-answer vectors and the CPU on random counters and keys', { skip }, async () => {
    const kernels = new CheckKernels((await testGpu())!.device);
    const w = testWords(4 * 5000, 99);
    const cases = [...KAT.map((k) => [...k.counter, ...k.key]), ...Array.from({ length: 5000 }, (_, i) => w.slice(4 * i, 4 * i + 4))];
    const gpu = await kernels.threefryBlocks(cases);
    for (let i = 0; i < KAT.length; i++) assert.deepEqual([...gpu.slice(2 * i, 2 * i + 2)], KAT[i].expected);
    cases.forEach((c, i) => assert.deepEqual([...gpu.slice(2 * i, 2 * i + 2)], threefry(c.slice(0, 2), c.slice(2)), `case ${i}`));
  });

  test('router streams are bit-identical to the CPU twin', { skip }, async () => {
    const kernels = new CheckKernels((await testGpu())!.device);
    for (const [seed, step, tag] of [
      [0, 0, 0],
      [2 ** 40 + 12345, 777, 0],
      [Number.MAX_SAFE_INTEGER, 0xfffffffe, 1],
    ]) {
      const routers = 3000,
        words = 11;
      const gpu = await kernels.streamWords(seed, routers, words, step, tag);
      const lo = seed % 2 ** 32,
        hi = Math.floor(seed / 2 ** 32);
      const rng = new RngStream(lo, hi);
      for (let r = 0; r < routers; r++) {
        rng.open(r, step, tag);
        for (let j = 0; j < words; j++) assert.equal(gpu[r * words + j], rng.next(), `seed ${seed} router ${r} word ${j}`);
      }
    }
  });
});
