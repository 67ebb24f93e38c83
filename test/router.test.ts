// The router engines: determinism under any split, GPU against its CPU twin, token vs O(1)
// sampling, and the simulation against the theory of MODEL.md (linear-noise variance on the
// balanced side, collapse below T_c).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { completeCell, type ScanPlan } from '../src/core/model.js';
import { runScan, type ScanResult } from '../src/core/scan.js';
import type { Engine, RouterReadout } from '../src/core/engine.js';
import { READOUT_FIELDS } from '../src/core/layout.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { ksTwoSample } from './helpers/stats.js';
import { linearNoiseVariance } from '../src/analytics/theory/linear-noise.js';
import { gpuSkip, releaseTestGpu, testEngine } from './helpers/gpu.js';

const BALANCED = { a: 3, gamma: 1, B: 512, eta: 0.002 };

function plan(over: Partial<ScanPlan> = {}): ScanPlan {
  return {
    cells: [
      completeCell({ ...BALANCED, T: 2.2 }),
      completeCell({ ...BALANCED, T: 1.2, asym: 0.5, h: 0.05 }),
      completeCell({ a: 4, gamma: 1, T: 1, B: 64, eta: 0.01, y0: -1, rho: 0.5 }),
      completeCell({ a: 3, gamma: 1, T: 0.4, B: 9, eta: 0.003, asym: 1 }), // inversion regime
    ],
    replicates: 301,
    steps: 97,
    window: 40,
    seed: 4242,
    ...over,
  };
}

async function readout(engine: Engine, p: ScanPlan, splits: number[]): Promise<RouterReadout> {
  const session = await engine.open(p);
  try {
    await session.initialize();
    const windowBegin = p.steps - p.window;
    let begin = 0;
    for (const end of [...splits, p.steps]) {
      await session.advance({ stepBegin: begin, stepEnd: end, windowBegin });
      begin = end;
    }
    return await session.read();
  } finally {
    session.close();
  }
}

function assertIdentical(a: RouterReadout, b: RouterReadout, label: string): void {
  for (const key of READOUT_FIELDS) {
    assert.equal(a[key].length, b[key].length);
    for (let i = 0; i < a[key].length; i++) {
      if (!Object.is(a[key][i], b[key][i])) assert.fail(`${label}: ${key}[${i}] ${a[key][i]} != ${b[key][i]}`);
    }
  }
}

/** |x - y| within k combined standard errors. */
function assertClose(x: number, sx: number, y: number, sy: number, k: number, label: string): void {
  const se = Math.hypot(sx, sy);
  assert.ok(Math.abs(x - y) <= k * se, `${label}: ${x} vs ${y} (combined se ${se})`);
}

describe('CPU engine', () => {
  test('bit-identical for any thread count, chunk size and split of the steps', async () => {
    const p = plan();
    const reference = await readout(new CpuEngine({ threads: 1 }), p, []);
    assertIdentical(reference, await readout(new CpuEngine({ threads: 2, stepsPerChunk: 1 }), p, [13, 14, 60]), 'threads=2 chunk=1');
    assertIdentical(reference, await readout(new CpuEngine({ threads: 3, stepsPerChunk: 11 }), p, [57]), 'threads=3 chunk=11');
  });

  test('window means are consistent: |mean u| <= mean |u| <= sqrt(mean u^2) <= 1', async () => {
    const result = await runScan(new CpuEngine(), plan());
    const m = result.perRouter;
    for (let i = 0; i < m.meanLoad.length; i++) {
      assert.ok(Math.abs(m.meanLoad[i]) <= m.meanAbsLoad[i] + 1e-12);
      assert.ok(m.meanAbsLoad[i] <= Math.sqrt(m.meanSqLoad[i]) + 1e-12);
      assert.ok(m.meanSqLoad[i] <= 1 + 1e-12);
    }
  });
});

describe('WebGPU engine', async () => {
  const skip = await gpuSkip();
  after(releaseTestGpu);

  test('bit-identical for any dispatch size, workgroup size and split of the steps', { skip }, async () => {
    const p = plan();
    const reference = await readout(await testEngine({ stepsPerDispatch: 97 }), p, []);
    assertIdentical(
      reference,
      await readout(await testEngine({ stepsPerDispatch: 1, routersPerDispatch: 64 }), p, [5, 50]),
      'one step, 64 routers per dispatch',
    );
    assertIdentical(
      reference,
      await readout(await testEngine({ stepsPerDispatch: 7, routersPerDispatch: 500, workgroupSize: 32 }), p, [56, 58]),
      'workgroup 32',
    );
    assertIdentical(reference, await readout(await testEngine({ targetDispatchMs: 2 }), p, [30]), 'adaptive');
  });

  test('same seed, same result; another seed, another result', { skip }, async () => {
    const engine = await testEngine();
    const a = await runScan(engine, plan());
    const b = await runScan(engine, plan());
    const c = await runScan(engine, plan({ seed: 4243 }));
    assert.deepEqual(a.perRouter, b.perRouter);
    assert.notDeepEqual(a.perRouter.finalY, c.perRouter.finalY);
  });

  test('agrees with the CPU twin in distribution, cell by cell', { skip }, async () => {
    const p = plan({ replicates: 4000, steps: 300, window: 100 });
    const [gpu, cpu] = [await runScan(await testEngine(), p), await runScan(new CpuEngine(), p)];
    compareInDistribution(gpu, cpu, p.replicates);
  });

  test('token-by-token and O(1) sampling give the same router statistics', { skip }, async () => {
    const p = plan({ cells: plan().cells.filter((c) => c.B <= 64), replicates: 3000, steps: 200, window: 50 });
    const engine = await testEngine();
    const [fast, tokens] = [await runScan(engine, p), await runScan(engine, { ...p, tokenMode: true, seed: 777 })];
    assert.equal(tokens.provenance.sampler, 'tokens');
    compareInDistribution(fast, tokens, p.replicates);
  });

  test('balanced side: Var(y) matches the linear-noise formula (MODEL.md section 4)', { skip }, async () => {
    // 12000 steps = 7.6 relaxation times 1/(eta |lambda|): the variance has converged to e^-15.
    // With R replicates the variance estimate has relative s.e. sqrt(2/R) = 1.1%; allow 4.5%.
    const R = 16384;
    const cell = completeCell({ ...BALANCED, T: 2.2 });
    const result = await runScan(await testEngine(), { cells: [cell], replicates: R, steps: 12000, window: 1000, seed: 5 });
    const predicted = linearNoiseVariance({ a: 3, gamma: 1, T: 2.2 }, 512, 0.002);
    const measured = result.perCell[0].varFinalY;
    assert.ok(Math.abs(measured / predicted - 1) < 4.5 * Math.sqrt(2 / R), `Var(y) ${measured} vs ${predicted}`);
    assert.ok(Math.abs(result.perCell[0].meanFinalY) < 5 * Math.sqrt(predicted / R), 'balanced: mean y near 0');
  });

  test('exact 64-bit tallies at B = 65536 in full collapse: d^2 = 2^32 every step, as on the CPU', { skip }, async () => {
    // y0 = 40, T = 0.5: q = sigmoid(-80) ~ 2e-35, so every token goes to one expert, |d| = B
    // and d^2 = 2^32 (a carry into the high word each step), while h holds y near 40.
    const cell = completeCell({ a: 2, gamma: 0.05, T: 0.5, B: 65536, eta: 0.01, y0: 40, h: 0 });
    const p: ScanPlan = { cells: [cell], replicates: 70, steps: 30, window: 25, seed: 3 };
    const gpu = await readout(await testEngine(), p, [11]);
    const cpu = await readout(new CpuEngine(), p, []);
    for (let i = 0; i < p.replicates; i++) {
      assert.equal(gpu.sumSq[i], 25 * 2 ** 32, `router ${i}: sum of d^2`);
      assert.equal(gpu.sumAbs[i], 25 * 65536);
      assert.equal(gpu.sumN1[i], 25 * 65536);
    }
    assertIdentical(gpu, { ...cpu, y: gpu.y }, 'tallies as on the CPU');
  });

  test('collapses well below T_c = a / (2 gamma) and stays balanced above', { skip }, async () => {
    const cells = [completeCell({ ...BALANCED, T: 1.0, asym: 0.01 }), completeCell({ ...BALANCED, T: 2.2, asym: 0.01 })];
    const result = await runScan(await testEngine(), { cells, replicates: 256, steps: 15000, window: 2000, seed: 9 });
    assert.ok(result.perCell[0].meanAbsLoad > 0.5, `T = 1: mean |u_hat| ${result.perCell[0].meanAbsLoad}`);
    assert.ok(result.perCell[1].meanAbsLoad < 0.1, `T = 2.2: mean |u_hat| ${result.perCell[1].meanAbsLoad}`);
  });
});

/** Per cell: means of the window statistics within 5 s.e., and KS on final y at p >= 1e-4. */
function compareInDistribution(a: ScanResult, b: ScanResult, R: number): void {
  a.perCell.forEach((ca, c) => {
    const cb = b.perCell[c];
    assertClose(ca.meanAbsLoad, ca.meanAbsLoadSE, cb.meanAbsLoad, cb.meanAbsLoadSE, 5, `cell ${c} mean |u_hat|`);
    assertClose(ca.meanFinalY, Math.sqrt(ca.varFinalY / R), cb.meanFinalY, Math.sqrt(cb.varFinalY / R), 5, `cell ${c} mean y`);
    const ya = a.perRouter.finalY.subarray(c * R, (c + 1) * R);
    const yb = b.perRouter.finalY.subarray(c * R, (c + 1) * R);
    const ks = ksTwoSample(ya, yb);
    assert.ok(ks.pValue >= 1e-4, `cell ${c}: KS on final y, D = ${ks.statistic}, p = ${ks.pValue}`);
  });
}
