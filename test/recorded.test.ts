// Recorded numbers: fig8 and cusp at quick scale (seed 1) must give exactly the numbers
// recorded before the architecture rework (commit 37c7065, 2026-12-01), on the CPU engine and
// on WebGPU. A refactor that changes one bit of one estimate, figure or table fails here.
// The WebGPU hashes hold for Mesa llvmpipe (what CI has): another adapter's compiler may
// reassociate f32 arithmetic (README, "Random streams"), so there the GPU half is skipped
// with the adapter named. To re-record after an intended change of numbers, print the
// hashes with `node --test dist/test/recorded.test.js` and say why in the commit.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { runPreset } from '../src/experiments/run.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { gpuSkip, releaseTestGpu, testEngine, testGpu } from './helpers/gpu.js';
import { numericHash } from './helpers/numbers.js';

const RECORDED = {
  cpu: {
    fig8: '7d66c1199ad22320b94f5ba72d486d07dd2efb640e460170d7eee127a4bb56f4',
    cusp: '8d9c115feff315a6497d337d1460b55c5c592ec0428063c094b33a05ee6a90b9',
  },
  llvmpipe: {
    fig8: '30cec1f7ddd8b03c9991646b5e3069ab752161900fe4e5040690585186a19569',
    cusp: '8c7a06945d4eec6fea0e4685718604645ffbae6eb4497f80a8bbb74f1f86e774',
  },
} as const;

after(async () => {
  await releaseTestGpu();
});

test('CPU engine: fig8 and cusp at quick scale give the recorded numbers', async () => {
  const cpu = new CpuEngine();
  try {
    for (const id of ['fig8', 'cusp'] as const) {
      assert.equal(numericHash(await runPreset(cpu, id, 'quick', 1)), RECORDED.cpu[id], `${id} on the CPU engine`);
    }
  } finally {
    await cpu.dispose();
  }
});

test('WebGPU (llvmpipe): fig8 and cusp at quick scale give the recorded numbers', async (t) => {
  const skip = await gpuSkip();
  if (skip) return t.skip(skip);
  const gpu = (await testGpu())!;
  if (!/llvmpipe/i.test(gpu.description)) return t.skip(`hashes are recorded on llvmpipe; this adapter is ${gpu.description}`);
  const engine = await testEngine();
  for (const id of ['fig8', 'cusp'] as const) {
    assert.equal(numericHash(await runPreset(engine, id, 'quick', 1)), RECORDED.llvmpipe[id], `${id} on WebGPU`);
  }
});
