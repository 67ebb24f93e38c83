// Philox4x32-10: known answers from Random123's kat_vectors (Salmon et al., SC'11), the
// 16-bit mulhi against exact BigInt products, and the GPU's streams bit for bit against
// the CPU twin.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RngStream, mulhi32, philox4x32_10, uniformFine, uniformGrid } from '../src/core/philox.js';
import { CheckKernels } from './helpers/check-kernels.js';
import { gpuSkip, releaseTestGpu, testGpu } from './helpers/gpu.js';

const KAT: { counter: number[]; key: number[]; expected: number[] }[] = [
  { counter: [0, 0, 0, 0], key: [0, 0], expected: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
  { counter: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], key: [0xffffffff, 0xffffffff], expected: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd] },
  { counter: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], key: [0xa4093822, 0x299f31d0], expected: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1] },
];

function philox(counter: number[], key: number[]): number[] {
  const out = new Uint32Array(4);
  philox4x32_10(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
  return [...out];
}

/** A small deterministic source of test words (splitmix32-style), independent of Philox. */
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

describe('Philox4x32-10 on the CPU', () => {
  test('matches the published known-answer vectors', () => {
    for (const { counter, key, expected } of KAT) assert.deepEqual(philox(counter, key), expected);
  });

  test('mulhi32 equals the high word of the exact 64-bit product', () => {
    const words = testWords(20000).concat([0, 1, 0xffffffff, 0x80000000, 0xd2511f53, 0xcd9e8d57]);
    for (let i = 0; i + 1 < words.length; i++) {
      const exact = Number((BigInt(words[i]) * BigInt(words[i + 1])) >> 32n);
      assert.equal(mulhi32(words[i], words[i + 1]), exact);
    }
  });

  test('a stream is a pure function of (seed, router, step, tag), blocks in counter order', () => {
    const rng = new RngStream(7, 9);
    const first = Array.from({ length: 10 }, () => rng.open(3, 5, 0).next());
    assert.ok(first.every((w) => w === first[0]), 'reopening restarts the stream');
    rng.open(3, 5, 0);
    const words = Array.from({ length: 8 }, () => rng.next());
    assert.deepEqual(words, [...philox([0, 5, 3, 0], [7, 9]), ...philox([1, 5, 3, 0], [7, 9])]);
    assert.notDeepEqual(philox([0, 5, 3, 0], [7, 9]), philox([0, 5, 4, 0], [7, 9]));
    assert.notDeepEqual(philox([0, 5, 3, 0], [7, 9]), philox([0, 6, 3, 0], [7, 9]));
    assert.notDeepEqual(philox([0, 5, 3, 0], [7, 9]), philox([0, 5, 3, 1], [7, 9]));
  });

  test('pairs take (x, y) then (z, w) of a block and skip a block with one word left', () => {
    const rng = new RngStream(1, 2).open(0, 0, 0);
    const b0 = philox([0, 0, 0, 0], [1, 2]);
    const b1 = philox([1, 0, 0, 0], [1, 2]);
    assert.deepEqual([...rng.nextPair()], [b0[0], b0[1]]);
    assert.equal(rng.next(), b0[2]);
    assert.deepEqual([...rng.nextPair()], [b1[0], b1[1]]);
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

describe('Philox4x32-10 on the GPU', async () => {
  const skip = await gpuSkip();
  after(releaseTestGpu);

  test('matches the known-answer vectors and the CPU on random counters and keys', { skip }, async () => {
    const kernels = new CheckKernels((await testGpu())!.device);
    const w = testWords(6 * 5000, 99);
    const cases = [...KAT.map((k) => [...k.counter, ...k.key]), ...Array.from({ length: 5000 }, (_, i) => w.slice(6 * i, 6 * i + 6))];
    const gpu = await kernels.philoxBlocks(cases);
    for (let i = 0; i < KAT.length; i++) assert.deepEqual([...gpu.slice(4 * i, 4 * i + 4)], KAT[i].expected);
    cases.forEach((c, i) => assert.deepEqual([...gpu.slice(4 * i, 4 * i + 4)], philox(c.slice(0, 4), c.slice(4)), `case ${i}`));
  });

  test('router streams are bit-identical to the CPU twin', { skip }, async () => {
    const kernels = new CheckKernels((await testGpu())!.device);
    for (const [seed, step, tag] of [[0, 0, 0], [2 ** 40 + 12345, 777, 0], [Number.MAX_SAFE_INTEGER, 0xfffffffe, 1]]) {
      const routers = 3000, words = 11;
      const gpu = await kernels.streamWords(seed, routers, words, step, tag);
      const lo = seed % 2 ** 32, hi = Math.floor(seed / 2 ** 32);
      const rng = new RngStream(lo, hi);
      for (let r = 0; r < routers; r++) {
        rng.open(r, step, tag);
        for (let j = 0; j < words; j++) assert.equal(gpu[r * words + j], rng.next(), `seed ${seed} router ${r} word ${j}`);
      }
    }
  });
});
