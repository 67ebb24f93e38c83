// Recorded numbers: fig8 and cusp at quick scale (seed 1) must give exactly the numbers
// recorded before the architecture rework (commit 37c7065, 2026-12-01), on the CPU engine and
// on WebGPU. A refactor that changes one bit of one estimate, figure or table fails here.
// The WebGPU hashes hold for Mesa llvmpipe (what CI has): another adapter's compiler may
// reassociate f32 arithmetic (README, "Random streams"), so there the GPU half is skipped
// with the adapter named. To re-record after an intended change of numbers, print the
// hashes with `node --test dist/test/recorded.test.js` and say why in the commit.
// Re-recorded 2026-12-02 (issue 13): fig8 gained variance scans on five gamma rows (T_c from
// 1/Var(y), fig8.tc-slope) and the bias field on its onset estimates; cusp gained the
// agreement on sub-grids (cusp.agreement.cells=N) and a bias field. The earlier numbers (the
// fig8 grid and the cusp map, every estimate, table and observable they had) were checked
// unchanged, bit for bit, on both engines before re-recording.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { runPreset } from '../src/experiments/run.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { gpuSkip, releaseTestGpu, testEngine, testGpu } from './helpers/gpu.js';
import { numericHash } from './helpers/numbers.js';

const RECORDED = {
  cpu: {
    fig8: '14e313a9631a7131a3a8e4f64ee1afd5b737ac358b358ebe2b0537f773816ca0',
    cusp: '334c07faedcebe029e44880157ab9502077856cc433227e9a8397b674d019b16',
  },
  llvmpipe: {
    fig8: '8ef0fa20064f5dd8725bddc89bdfda1f4be1ccd2724a99c2d832e2010a0bef62',
    cusp: '29c36ec38f1b0287e320aa2ac3a9e55ce72851180d3cd3a82279f46d4a3a89e4',
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
