// Long dispatches over few routers: Mesa's llvmpipe caps the loop iterations of one shader
// invocation (all loops together) at 65535 and then silently leaves every loop, so a
// dispatch of many steps used to run only part of them (200000 steps over 8 routers: a
// fifth; an N = 8 router in the inversion regime stopped after ~640 steps). The engines now
// cut dispatches below that cap (LOOP_ITERATION_BUDGET); these runs hold the GPU to the CPU
// twin where the truncation showed. Both engines draw the same words, and the f32/f64
// trajectories agree here to the digits compared: window counts of collapsed routers are
// equal within 0.5% (a truncated dispatch was off by a factor of 5, or gave zero tallies).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { completeCell } from '../src/core/model.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { CpuExpertEngine } from '../src/core/experts-cpu.js';
import { WebGpuExpertEngine } from '../src/core/experts-engine.js';
import { expertCell, type ExpertPlan } from '../src/core/experts.js';
import type { Engine } from '../src/core/engine.js';
import { gpuSkip, releaseTestGpu, testEngine, testGpu } from './helpers/gpu.js';

const skip = await gpuSkip();
after(releaseTestGpu);

async function sumN1(engine: Engine, steps: number): Promise<Float64Array> {
  const cells = [completeCell({ a: 3, T: 1, gamma: 1, B: 512, eta: 0.01 })];
  const s = await engine.open({ cells, replicates: 8, steps, window: steps, seed: 3 });
  try {
    await s.initialize();
    await s.advance({ stepBegin: 0, stepEnd: steps, windowBegin: 0 });
    return (await s.read()).sumN1;
  } finally {
    s.close();
  }
}

async function expertCounts(engine: CpuExpertEngine | WebGpuExpertEngine): Promise<Float64Array> {
  const N = 8;
  const r0 = [8, 0, 0, 0, 0, 0, 0, 0];
  const cells = [0.84, 0.86, 0.9, 1.2].map((T) => expertCell(N, { a: 8, T, gamma: 1, B: 65536, eta: 0.01, r0, asym: 0.01 }));
  const plan: ExpertPlan = { N, cells, replicates: 4, steps: 800, window: 800, seed: 3 };
  const s = await engine.open(plan);
  try {
    await s.initialize();
    await s.advance({ stepBegin: 0, stepEnd: 800, windowBegin: 0 });
    return (await s.read()).maxCount;
  } finally {
    s.close();
  }
}

function assertClose(gpu: Float64Array, cpu: Float64Array, what: string): void {
  for (let i = 0; i < cpu.length; i++) {
    assert.ok(Math.abs(gpu[i] - cpu[i]) <= 0.005 * cpu[i], `${what} router ${i}: GPU ${gpu[i]}, CPU ${cpu[i]}`);
  }
}

describe('dispatches longer than llvmpipe loop cap', { skip }, () => {
  test('two experts: 200000 steps over 8 routers tally every step', async () => {
    const engine = await testEngine();
    const cpu = new CpuEngine({ threads: 1 });
    assertClose(await sumN1(engine, 200_000), await sumN1(cpu, 200_000), 'sum N1');
  });

  test('N = 8 in the inversion regime: 800 steps tallied', async () => {
    const gpu = (await testGpu())!;
    const engine = new WebGpuExpertEngine(gpu.device, { engine: 'webgpu', adapter: gpu.description, backend: gpu.backend });
    assertClose(await expertCounts(engine), await expertCounts(new CpuExpertEngine()), 'sum of max counts');
  });
});
