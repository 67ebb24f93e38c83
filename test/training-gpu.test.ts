// The WebGPU training kernels (shaders/train_*.wgsl, src/core/training/webgpu-engine.ts)
// against their f64 twins (smooth.ts, hard.ts, digits.ts through CpuTrainingEngine):
//  1. streams, exactly: every minibatch row equals the twin's (rows counts up to 2^20 - 1, so
//     the 32x32 -> 64 high word is exercised), and every initial parameter equals
//     Math.fround of the twin's (the init scales here are powers of two, so scale (2 u - 1)
//     is exact in f32; a scale of 0.3 is allowed 1 ulp, the f32 scale's own rounding).
//  2. trajectories: the same streams give the twin's parameters within TRAJECTORY_TOL = 3e-5
//     (absolute, parameters O(1)) after a few hundred steps. f32 rounds ~6e-8 per operation and
//     a step sums ~32 rows of ~10 operations into each gradient; measured (2026-12, llvmpipe)
//     the largest deviation of a model that takes the twin's routing decisions is 1e-6 to
//     4e-6 after 200-300 steps (3.8e-6 over 256 smooth models), a margin of ~8. A hard model
//     whose z_1 - z_2 of some row lands within ~1e-7 of 0 may route that row to the other
//     expert (an argmax flip) and then follows another trajectory; measured: 3 of 256 hard
//     models (h = 2, lambda_lb = 1, 300 steps), none of 32 digits models in 200 steps. So
//     routed kinds must have at least 7/8 of their 4-32 models within the bound, unrouted ones
//     (smooth: p_1 is smooth; one digits expert) all. The evaluations of the models within
//     the bound agree to 1e-3 relative (f32 sums over 445-2048 rows), load and accuracy within
//     3/445 more (a row or two near a boundary may count on the other side).
//  3. in distribution over independent initialisations (GPU seed != CPU seed): final test
//     observables of 128 hard and 64 digits models; means within 4 combined standard errors
//     (false alarm ~6e-5 per comparison under the normal approximation) and a two-sample KS p
//     above 1e-3.
//  4. bit-identical parameters for any split of the steps (train calls, dispatch sizes,
//     read/restore) and of the models (firstModel shards).
// Every seed is fixed, so each check either always passes or always fails on one adapter.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  batchRows,
  CpuTrainingEngine,
  digitsSplit,
  initialParams,
  regressionData,
  selectRows,
  type TrainingArch,
  type TrainingCell,
  type TrainingEngine,
  type TrainingEvaluation,
  type TrainingPlan,
  trainingStream,
  twinModel,
  WebGpuTrainingEngine,
  type WebGpuTrainingOptions,
  type WebGpuTrainingSession,
} from '../src/core/training/index.js';
import { loadDigits } from '../src/node/digits.js';
import { gpuSkip, releaseTestGpu, testGpu } from './helpers/gpu.js';
import { ksTwoSample } from './helpers/stats.js';

const skip = await gpuSkip();
after(releaseTestGpu);

async function gpuEngine(options: WebGpuTrainingOptions = {}): Promise<WebGpuTrainingEngine> {
  const gpu = await testGpu();
  if (!gpu) throw new Error('no GPU');
  return new WebGpuTrainingEngine(gpu.device, { engine: 'webgpu', adapter: gpu.description, backend: gpu.backend }, options);
}

const TRAJECTORY_TOL = 3e-5;

const regTrain = regressionData(1, 1024, 0);
const regTest = regressionData(1, 2048, 1);
const digitsAll = loadDigits();
const digitsRows = digitsSplit(digitsAll);
const digitsTrain = selectRows(digitsAll, digitsRows.train);
const digitsTest = selectRows(digitsAll, digitsRows.test);

const arch = (kind: TrainingArch['kind'], extra: Partial<TrainingArch> = {}): TrainingArch => ({
  kind,
  hidden: 4,
  experts: 2,
  routerBias: false,
  initScale: 0.5,
  batch: 32,
  ...extra,
});
const cell = (extra: Partial<TrainingCell> = {}): TrainingCell => ({ h: 0.5, T: 1, lambdaLb: 0, routerL2: 1e-4, lr: 0.1, ...extra });

function plan(a: TrainingArch, cells: TrainingCell[], replicates: number, extra: Partial<TrainingPlan> = {}): TrainingPlan {
  const digits = a.kind === 'digits';
  return { arch: a, cells, replicates, seed: 9, train: digits ? digitsTrain : regTrain, evaluation: [digits ? digitsTest : regTest], ...extra };
}

/** Opens, initializes and trains [0, steps) on an engine; returns the parameters (and the session's evaluation of set 0). */
async function trained(engine: TrainingEngine, p: TrainingPlan, steps: number): Promise<{ params: Float64Array; evaluation: TrainingEvaluation }> {
  const session = await engine.open(p);
  try {
    await session.initialize();
    await session.train(0, steps);
    return { params: await session.readParams(), evaluation: await session.evaluate(0) };
  } finally {
    session.close();
  }
}

/** Per model, the largest |difference| of its parameters. */
function modelDeviations(a: Float64Array, b: Float64Array, size: number): number[] {
  assert.equal(a.length, b.length);
  const out: number[] = [];
  for (let m = 0; m < a.length / size; m++) {
    let d = 0;
    for (let k = m * size; k < (m + 1) * size; k++) d = Math.max(d, Math.abs(a[k] - b[k]));
    out.push(d);
  }
  return out;
}

describe('training kernels: streams', { skip }, () => {
  test('minibatch rows equal the twin, row counts up to 2^20 - 1', async () => {
    const engine = await gpuEngine();
    const rng = trainingStream(9);
    for (const [kind, train] of [
      ['hard', undefined],
      ['hard', 999983],
      ['smooth', 0xfffff],
      ['digits', undefined],
    ] as const) {
      const data = train === undefined ? undefined : { count: train, x: new Float64Array(train), y: new Float64Array(train) };
      const p = plan(arch(kind), [cell(), cell()], 3, { firstModel: 1000, ...(data ? { train: data } : {}) });
      const session = (await engine.open(p)) as WebGpuTrainingSession;
      const n = p.train.count;
      for (const step of [0, 1, 777, 0xffffffff]) {
        const got = await session.batchRows(step);
        const want = new Uint32Array(got.length);
        for (let m = 0; m < session.models; m++) batchRows(rng, 1000 + m, step, n, want.subarray(m * 32, (m + 1) * 32));
        assert.deepEqual(got, want, `${kind}, n = ${n}, step ${step}`);
      }
      session.close();
    }
  });

  test('initial parameters equal the twin rounded to f32', async () => {
    const engine = await gpuEngine();
    const cases: [TrainingArch, number][] = [
      [arch('smooth'), 0],
      [arch('hard'), 0],
      [arch('hard', { routerBias: true, initScale: 0.25 }), 0],
      [arch('digits'), 0],
      [arch('digits', { experts: 1, hidden: 16 }), 0],
      [arch('smooth', { initScale: 0.3 }), 2 ** -23], // f32(0.3) != 0.3: 1 ulp
    ];
    for (const [a, ulps] of cases) {
      const p = plan(a, [cell(), cell({ h: -1 })], 3, { firstModel: 77 });
      const session = await engine.open(p);
      await session.initialize();
      const got = await session.readParams();
      session.close();
      const twin = twinModel(a, p.cells[0]);
      assert.equal(got.length, 6 * twin.size);
      for (let m = 0; m < 6; m++) {
        const want = initialParams(twin, 9, 77 + m);
        for (let k = 0; k < twin.size; k++) {
          const w = Math.fround(want[k]);
          const g = got[m * twin.size + k];
          const label = `${a.kind} (scale ${a.initScale}, H ${a.hidden}, E ${a.experts}) model ${m} parameter ${k}: ${g} vs ${w}`;
          if (ulps === 0) assert.ok(g === w, label);
          else assert.ok(Math.abs(g - w) <= ulps * Math.abs(w) * 1.0000001, label);
        }
      }
    }
  });
});

describe('training kernels: trajectories against the f64 twins', { skip }, () => {
  // digits: the default geometry (llvmpipe: 8 invocations of 4 rows, one tile of 32 rows) and
  // the GPU's (one row per invocation), here with three tiles of 16, 16 and 8 rows
  const cases: { label: string; plan: TrainingPlan; steps: number; within: number; options?: WebGpuTrainingOptions }[] = [
    { label: 'smooth', plan: plan(arch('smooth'), [cell({ lr: 0.3 }), cell({ h: -1, T: 0.5, routerL2: 0.01, lr: 0.3 })], 16), steps: 300, within: 1 },
    { label: 'hard, lambda_lb 0, no router bias', plan: plan(arch('hard'), [cell(), cell({ h: 2, T: 2 })], 16), steps: 300, within: 7 / 8 },
    {
      label: 'hard, lambda_lb 1, router bias',
      plan: plan(arch('hard', { routerBias: true }), [cell({ h: 2, lambdaLb: 1 }), cell({ h: -1, lambdaLb: 0.3, T: 0.7 })], 16),
      steps: 300,
      within: 7 / 8,
    },
    {
      label: 'digits, 2 experts, H 4',
      plan: plan(arch('digits'), [cell({ h: 1, lambdaLb: 1, lr: 0.2 }), cell({ h: 0, lr: 0.2 })], 4),
      steps: 200,
      within: 7 / 8,
    },
    {
      label: 'digits, 1 expert, H 16, B 40 in tiles of 16 rows',
      plan: plan(arch('digits', { experts: 1, hidden: 16, batch: 40 }), [cell({ lr: 0.2 })], 6),
      steps: 150,
      within: 1,
      options: { digitsWorkgroupSize: 16, digitsRowsPerInvocation: 1 },
    },
  ];
  for (const c of cases) {
    test(c.label, async () => {
      const gpu = await trained(await gpuEngine(c.options), c.plan, c.steps);
      const cpu = await trained(new CpuTrainingEngine(), c.plan, c.steps);
      const size = twinModel(c.plan.arch, c.plan.cells[0]).size;
      const dev = modelDeviations(gpu.params, cpu.params, size);
      const close = dev.filter((d) => d <= TRAJECTORY_TOL).length;
      assert.ok(
        close >= c.within * dev.length,
        `${close} of ${dev.length} models within ${TRAJECTORY_TOL}: ${dev.map((d) => d.toExponential(1)).join(' ')}`,
      );
      // the evaluation of the models that follow the twin: the same observables to f32 sums
      for (let m = 0; m < dev.length; m++) {
        if (dev[m] > TRAJECTORY_TOL) continue;
        for (const k of ['loss', 'mse', 'accuracy', 'load', 'importance', 'boundary'] as const) {
          const g = gpu.evaluation[k][m];
          const w = cpu.evaluation[k][m];
          if (Number.isNaN(w)) assert.ok(Number.isNaN(g), `model ${m} ${k}: ${g}, the twin NaN`);
          // load and accuracy count rows: a row within ~1e-4 of a boundary may count differently
          else
            assert.ok(
              Math.abs(g - w) <= 1e-3 * Math.max(1, Math.abs(w)) + (k === 'load' || k === 'accuracy' ? 3 / 445 : 0),
              `model ${m} ${k}: ${g} vs ${w}`,
            );
        }
      }
    });
  }
});

/** Mean and standard error of the mean. */
function meanSe(x: ArrayLike<number>): { mean: number; se: number } {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2;
  return { mean, se: Math.sqrt(v / (n - 1) / n) };
}

function assertSameDistribution(a: ArrayLike<number>, b: ArrayLike<number>, label: string): void {
  const x = meanSe(a);
  const y = meanSe(b);
  const se = Math.hypot(x.se, y.se);
  assert.ok(Math.abs(x.mean - y.mean) <= 4 * se, `${label}: means ${x.mean} vs ${y.mean} (combined se ${se})`);
  const ks = ksTwoSample(a, b);
  assert.ok(ks.pValue >= 1e-3, `${label}: KS D = ${ks.statistic}, p = ${ks.pValue}`);
}

describe('training kernels: in distribution over initialisations', { skip }, () => {
  test('hard, h = 2, lambda_lb 0 and 1: test MSE and load', async () => {
    const p = plan(arch('hard'), [cell({ h: 2 }), cell({ h: 2, lambdaLb: 1 })], 64);
    const gpu = (await trained(await gpuEngine(), { ...p, seed: 21 }, 1000)).evaluation;
    const cpu = (await trained(new CpuTrainingEngine(), { ...p, seed: 22 }, 1000)).evaluation;
    for (let c = 0; c < 2; c++) {
      const part = (v: Float64Array) => v.subarray(c * 64, (c + 1) * 64);
      assertSameDistribution(part(gpu.mse), part(cpu.mse), `lambda_lb ${c}: test MSE`);
      assertSameDistribution(part(gpu.load), part(cpu.load), `lambda_lb ${c}: load`);
    }
  });

  test('digits, 2 experts, h = 1, lambda_lb 1: test accuracy and load', async () => {
    const p = plan(arch('digits'), [cell({ h: 1, lambdaLb: 1, lr: 0.2 })], 64);
    const gpu = (await trained(await gpuEngine(), { ...p, seed: 31 }, 300)).evaluation;
    const cpu = (await trained(new CpuTrainingEngine(), { ...p, seed: 32 }, 300)).evaluation;
    assertSameDistribution(gpu.accuracy, cpu.accuracy, 'test accuracy');
    assertSameDistribution(gpu.load, cpu.load, 'load');
    assertSameDistribution(gpu.loss, cpu.loss, 'test cross-entropy');
  });
});

/** Parameters after training [0, ...) in the train calls `splits` (cumulative ends), optionally through read/restore at each split. */
async function splitRun(engine: TrainingEngine, p: TrainingPlan, ends: readonly number[], restore = false): Promise<Float64Array> {
  let session = await engine.open(p);
  await session.initialize();
  let from = 0;
  for (const end of ends) {
    await session.train(from, end);
    from = end;
    if (restore) {
      const params = await session.readParams();
      session.close();
      session = await engine.open(p);
      await session.restore(params);
    }
  }
  const params = await session.readParams();
  session.close();
  return params;
}

describe('training kernels: bit-identical under any split', { skip }, () => {
  const splitCases: { label: string; plan: TrainingPlan; steps: number }[] = [
    {
      label: 'hard',
      plan: plan(arch('hard', { routerBias: true }), [cell({ lambdaLb: 1 }), cell({ h: -2 }), cell({ h: 1 }), cell({ T: 0.5 })], 24),
      steps: 300,
    },
    { label: 'smooth', plan: plan(arch('smooth'), [cell(), cell({ h: 2 })], 40), steps: 300 },
    { label: 'digits', plan: plan(arch('digits'), [cell({ lambdaLb: 1, lr: 0.2 }), cell({ h: 2, lr: 0.2 })], 6), steps: 60 },
  ];
  for (const c of splitCases) {
    test(`${c.label}: steps in train calls, dispatches, restores; models in shards`, async () => {
      const { steps } = c;
      const whole = await splitRun(await gpuEngine(), c.plan, [steps]);
      const a = Math.floor(steps / 2);
      const variants: [string, WebGpuTrainingOptions, number[], boolean][] = [
        ['train calls 0-7-a-end', {}, [7, a, steps], false],
        ['1 ms dispatches', { targetDispatchMs: 1 }, [steps], false],
        ['5 steps x 16 models per dispatch', { stepsPerDispatch: 5, modelsPerDispatch: 16 }, [3, steps], false],
        ['read/restore at each split', { stepsPerDispatch: 11 }, [7, a, steps], true],
      ];
      for (const [label, options, ends, restore] of variants) {
        assert.deepEqual(await splitRun(await gpuEngine(options), c.plan, ends, restore), whole, label);
      }
      // a shard of the last cells (firstModel = its first model) gives those models exactly
      const { replicates, cells } = c.plan;
      const keep = Math.floor(cells.length / 2);
      const first = (cells.length - keep) * replicates;
      const shard = await splitRun(await gpuEngine(), { ...c.plan, cells: cells.slice(cells.length - keep), firstModel: first }, [steps]);
      const size = shard.length / (keep * replicates);
      assert.deepEqual(shard, whole.subarray(first * size), 'shard');
      assert.notDeepEqual(whole.subarray(0, size), whole.subarray(size, 2 * size), 'models differ');
    });
  }
});

describe('training kernels: refused plans', { skip }, () => {
  test('bad cells and oversized batches are RangeErrors', async () => {
    const engine = await gpuEngine();
    await assert.rejects(engine.open(plan(arch('hard'), [cell({ T: 0 })], 1)), RangeError);
    await assert.rejects(engine.open(plan(arch('hard'), [cell({ lr: -1 })], 1)), RangeError);
    // llvmpipe's loop cap: a digits step of 4096 rows does not fit one dispatch (a GPU runs it)
    if (/llvmpipe|swiftshader|lavapipe|softpipe/i.test(engine.info.adapter)) {
      await assert.rejects(engine.open(plan(arch('digits', { batch: 4096 }), [cell()], 1)), RangeError);
    }
    const session = await engine.open(plan(arch('smooth'), [cell()], 2));
    await assert.rejects(session.setCells([cell(), cell()]), RangeError);
    await assert.rejects(session.restore(new Float64Array(5)), RangeError);
    await assert.rejects(session.evaluate(1), RangeError);
    session.close();
  });
});
