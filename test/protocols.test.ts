// The protocols of a scan spec: relax against runScan, a bistable hysteresis sweep, a trace
// through the collapse below T_c, opposite branches of a bistable cell, determinism, speed
// independence of sweeps, and the WebGPU engine against the CPU engine.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../src/core/scan.js';
import type { ProgressReport } from '../src/core/scan.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { switchingPoint } from '../src/analytics/estimators/switching-point.js';
import { SwitchTracker } from '../src/core/reductions.js';
import { relaxPlan, runSpec, type SpecRun } from '../src/experiments/protocols.js';
import { parseSpec, specRouterSteps } from '../src/experiments/spec.js';
import type { RelaxOutcome, ScanSpec, SweepOutcome, SweepProtocol, TraceOutcome } from '../src/experiments/types.js';
import { gpuSkip, releaseTestGpu, testEngine } from './helpers/gpu.js';

const cpu = new CpuEngine();

/** A tiny relax scan over T and h at a = 3 (T_c = 1.5), two families. */
const RELAX = parseSpec({
  params: { a: 3, gamma: 1, B: 64, eta: 0.01 },
  axes: [
    { param: 'T', values: { list: [1, 2.5] } },
    { param: 'h', values: { list: [0, 0.1] } },
  ],
  replicates: 50,
  steps: 400,
  window: 100,
  seed: 7,
  initial: { y0: 0.5, asym: 0.2, families: 'opposite' },
});

/** The paper's fig. 7 cell (a = 4, gamma = T = 1: folds at +-H(4) = +-1.0657), swept fast in h. */
const SWEEP = parseSpec({
  params: { a: 4, gamma: 1, T: 1, B: 512, eta: 0.01 },
  replicates: 32,
  steps: 300,
  window: 100,
  protocol: { kind: 'sweep', param: 'h', values: { linspace: { from: -2, to: 2, count: 21 } }, direction: 'up-down', stepsPerPoint: [200] },
});

/** The outcome without what may differ between identical runs: timings and the adapter's description. */
function withoutTimings(run: SpecRun): unknown {
  const { elapsedMs: _e, startedAt: _s, routerStepsPerSecond: _r, adapter: _a, ...provenance } = run.provenance;
  return { ...run, provenance };
}

describe('relax', () => {
  test('matches runScan on the equivalent plan exactly', async () => {
    const run = await runSpec(cpu, RELAX, { keepPerRouter: true });
    const plan = relaxPlan(RELAX);
    assert.equal(plan.cells.length, 8, '4 grid cells x 2 families');
    const reference = await runScan(cpu, plan);
    assert.deepEqual(run.perRouter, reference.perRouter);
    // plan cell p = grid cell c * families + family f
    const cells = (run.outcome as RelaxOutcome).cells;
    // one reduction (reductions.ts summarizeCells) gives both: every statistic agrees
    reference.perCell.forEach(({ cell: _, ...summary }, p) => {
      assert.deepEqual(cells[p % 2][Math.floor(p / 2)], summary, `plan cell ${p}`);
    });
    assert.equal(run.provenance.routers, 400);
    assert.equal(run.provenance.routerSteps, specRouterSteps(RELAX));
  });

  test("families 'opposite' stay on opposite branches of a bistable cell", async () => {
    const spec = parseSpec({
      params: { a: 4, gamma: 1, T: 1, h: 0.3, B: 256, eta: 0.01 },
      replicates: 32,
      steps: 600,
      window: 200,
      initial: { y0: 3, families: 'opposite' },
    });
    const cells = ((await runSpec(cpu, spec)).outcome as RelaxOutcome).cells;
    assert.ok(cells[0][0].meanLoad > 0.8 && cells[0][0].fractionPositive === 1, `family +y0: ${cells[0][0].meanLoad}`);
    assert.ok(cells[1][0].meanLoad < -0.8 && cells[1][0].fractionPositive === 0, `family -y0: ${cells[1][0].meanLoad}`);
  });

  test('same spec, same outcome; progress covers the whole scan', async () => {
    const reports: ProgressReport[] = [];
    const a = await runSpec(cpu, RELAX, { onProgress: (p) => reports.push(p) });
    const b = await runSpec(new CpuEngine({ threads: 1, stepsPerChunk: 37 }), RELAX);
    assert.deepEqual(withoutTimings(a), withoutTimings(b));
    assert.ok(reports.length > 0);
    assert.equal(reports.at(-1)!.routerSteps, specRouterSteps(RELAX));
    assert.ok(reports.every((r, i) => i === 0 || r.routerSteps >= reports[i - 1].routerSteps));
  });
});

describe('sweep', () => {
  test('SwitchTracker agrees with switchingPoint, zeros and wrong-way changes included', () => {
    let state = 12345;
    const rand = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const xs = Array.from({ length: 12 }, (_, k) => 0.3 * k - 1);
    const n = 500;
    const us = Array.from({ length: n }, () => xs.map(() => [-1, 0, 0.5, 1][Math.floor(rand() * 4)] * rand()));
    for (const want of ['up', 'down'] as const) {
      const tracker = new SwitchTracker(n, want, xs);
      for (let k = 0; k < xs.length; k++) tracker.observe(us.map((u) => u[k]));
      assert.deepEqual(
        tracker.switching(),
        us.map((u) => switchingPoint(xs, u, { direction: want })),
      );
    }
  });

  test('bistable up-down sweep switches up above 0 and down below 0', async () => {
    const out = (await runSpec(cpu, SWEEP)).outcome as SweepOutcome;
    assert.equal(out.param, 'h');
    const [up, down] = out.speeds[0].cells[0];
    assert.deepEqual([up.direction, down.direction], ['up', 'down']);
    assert.deepEqual(down.values, [...up.values].reverse());
    assert.ok(up.meanLoad[0] < -0.8 && up.meanLoad.at(-1)! > 0.8, `up leg ends: ${up.meanLoad[0]}, ${up.meanLoad.at(-1)}`);
    assert.ok(down.meanLoad[0] > 0.8 && down.meanLoad.at(-1)! < -0.8, `down leg ends: ${down.meanLoad[0]}, ${down.meanLoad.at(-1)}`);
    const above = up.switching.filter((h) => h !== null && h > 0).length;
    const below = down.switching.filter((h) => h !== null && h < 0).length;
    assert.ok(above >= 0.9 * SWEEP.replicates, `${above} up-switches above 0: ${up.switching}`);
    assert.ok(below >= 0.9 * SWEEP.replicates, `${below} down-switches below 0: ${down.switching}`);
  });

  test("a speed's result does not depend on the other speeds", async () => {
    const small = parseSpec({
      ...SWEEP,
      replicates: 4,
      steps: 50,
      window: 20,
      protocol: { kind: 'sweep', param: 'h', values: { list: [-2, 0, 2] }, direction: 'up-down', stepsPerPoint: [40] },
    });
    const both: ScanSpec = { ...small, protocol: { ...(small.protocol as SweepProtocol), stepsPerPoint: [40, 80] } };
    const one = (await runSpec(cpu, small)).outcome as SweepOutcome;
    const two = (await runSpec(cpu, parseSpec(both))).outcome as SweepOutcome;
    assert.deepEqual(two.speeds[0], one.speeds[0]);
    assert.notDeepEqual(two.speeds[1].cells[0][0].meanLoad, one.speeds[0].cells[0][0].meanLoad);
  });
});

describe('trace', () => {
  test('mean |u_hat| grows to the collapsed value below T_c; one entry per interval', async () => {
    // a = 3, gamma = T = 1: T_c = 1.5; the collapsed state y* = 3 tanh(y*/2) has u* = tanh(y*/2) = 0.858.
    const spec = parseSpec({
      params: { a: 3, gamma: 1, T: 1, B: 512, eta: 0.01 },
      replicates: 32,
      steps: 3050,
      initial: { asym: 0.01 },
      protocol: { kind: 'trace', every: 300 },
    });
    const series = ((await runSpec(cpu, spec)).outcome as TraceOutcome).cells[0][0];
    assert.equal(series.steps.length, Math.ceil(3050 / 300));
    assert.equal(series.steps.at(-1), 3050);
    assert.ok(series.meanAbsLoad[0] < 0.2, `early: ${series.meanAbsLoad[0]}`);
    assert.ok(Math.abs(series.meanAbsLoad.at(-1)! - 0.858) < 0.05, `late: ${series.meanAbsLoad.at(-1)}`);
    assert.ok(series.sdY.at(-1)! > 2, 'both branches are taken: y splits into +-y*');
  });
});

describe('WebGPU engine', async () => {
  const skip = await gpuSkip();
  after(releaseTestGpu);

  test('a relax scan agrees with the CPU engine within statistical error', { skip }, async () => {
    const spec = parseSpec({ ...RELAX, replicates: 400 });
    const [gpu, ref] = [await runSpec(await testEngine(), spec), await runSpec(cpu, spec)];
    assert.equal(gpu.provenance.engine, 'webgpu');
    const [g, c] = [(gpu.outcome as RelaxOutcome).cells.flat(), (ref.outcome as RelaxOutcome).cells.flat()];
    g.forEach((x, p) => {
      const y = c[p];
      const se = Math.hypot(x.meanAbsLoadSE, y.meanAbsLoadSE);
      assert.ok(Math.abs(x.meanAbsLoad - y.meanAbsLoad) <= 5 * se + 1e-9, `cell ${p}: mean |u_hat| ${x.meanAbsLoad} vs ${y.meanAbsLoad}`);
      const seY = Math.sqrt((x.varFinalY + y.varFinalY) / spec.replicates);
      assert.ok(Math.abs(x.meanFinalY - y.meanFinalY) <= 5 * seY, `cell ${p}: mean y ${x.meanFinalY} vs ${y.meanFinalY}`);
    });
  });

  test('sweep and trace run and repeat bit-identically', { skip }, async () => {
    const engine = await testEngine();
    const sweep = parseSpec({
      ...SWEEP,
      replicates: 8,
      protocol: { ...(SWEEP.protocol as SweepProtocol), stepsPerPoint: [60], values: { list: [-2, 0, 2] } },
      window: 30,
    });
    const trace = parseSpec({ ...RELAX, protocol: { kind: 'trace', every: 150 }, window: 150 });
    for (const spec of [sweep, trace]) {
      const [a, b] = [await runSpec(engine, spec), await runSpec(engine, spec)];
      assert.deepEqual(withoutTimings(a), withoutTimings(b));
    }
  });
});
