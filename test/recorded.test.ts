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
// Re-recorded 2026-12-02 (issue 15): the hash no longer includes the specs' names and
// descriptions (text; the preset descriptions now use Unicode symbols). Computed with the new
// hash on the build before the change (8951ce5) and after it, on both engines: identical.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { runPreset } from '../src/experiments/run.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { gpuSkip, releaseTestGpu, testEngine, testGpu } from './helpers/gpu.js';
import { numericHash } from './helpers/numbers.js';

const RECORDED = {
  cpu: {
    fig8: 'd0104428dabe3bfbfa09c12344459bb2cd3ea5d7c44e6de7851598d35909841d',
    cusp: '515ca32b7d999fd0ea40076ebe7a2ccd539915f8ecf97fc0ba704ca37233d805',
  },
  llvmpipe: {
    fig8: 'd64412f4ad33bbc580a3cc83aa30ca3502a9efafbb80d0c682a0e62d9e5d5f89',
    cusp: '26259471a125f8751e7b55bd2dd75298d4a74279029831acafa2f2539b8b3603',
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
