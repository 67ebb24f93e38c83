// Ramped sweeps (issue 13): the kernel's RAMP pipeline (shaders/router_step.wgsl,
// router_advance) against its CPU twin (src/core/cpu-router.ts) and against the noise-free
// map; the spec rules of a ramp. Splits (chunks, shards, checkpoints) of ramped sweeps are
// held bit-identical by the chunked, sharding and integrity tests, which run fig10 (ramped).

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../src/core/model.js';
import { runSpec } from '../src/experiments/protocols.js';
import { parseSpec } from '../src/experiments/spec.js';
import type { SweepOutcome } from '../src/experiments/types.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { gpuSkip, releaseTestGpu, testEngine } from './helpers/gpu.js';

after(async () => {
  await releaseTestGpu();
});

const ETA = 0.05;
const DH = 0.2;
const SPP = 200; // rate r = dh / (spp eta) = 0.02 per unit time

/** a = 4, gamma = T = 1 at B = 4096: ramps of h over [-3, 3] and back, 128 replicates. */
function rampJson(seed: number) {
  return {
    params: { a: 4, T: 1, gamma: 1, B: 4096, eta: ETA },
    axes: [],
    replicates: 128,
    steps: 400,
    window: 20,
    initial: { y0: -3, asym: 0, families: 'single' },
    seed,
    protocol: {
      kind: 'sweep',
      param: 'h',
      values: { linspace: { from: -3, to: 3, count: 31 } },
      direction: 'up-down',
      stepsPerPoint: [SPP],
      ramp: true,
    },
  };
}

const rampSpec = (seed: number) => parseSpec(rampJson(seed));

/** The noise-free map's switching point of an up ramp at this rate (y crosses zero upwards). */
function noiseFreeUpSwitch(): number {
  let y = -3;
  for (let n = 0; n < 400; n++) y += ETA * (4 * Math.tanh(y / 2) - y - 3);
  const perStep = DH / SPP;
  for (let n = 0; ; n++) {
    const h = -3 - DH / 2 + perStep * n;
    const next = y + ETA * (4 * Math.tanh(y / 2) - y + h);
    if (y < 0 && next >= 0) return h + (perStep * y) / (y - next);
    y = next;
  }
}

function switching(outcome: SweepOutcome) {
  const [up, down] = outcome.speeds[0].cells[0];
  return { up: up.switching as number[], down: down.switching as number[] };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

describe('ramped sweeps', () => {
  test('CPU twin: every replicate switches both ways, symmetric, near the noise-free switch', async () => {
    const cpu = new CpuEngine();
    try {
      const run = await runSpec(cpu, rampSpec(5));
      const { up, down } = switching(run.outcome as SweepOutcome);
      assert.ok(up.every((h) => h !== null) && down.every((h) => h !== null), 'all switched');
      const truth = noiseFreeUpSwitch();
      // H(4) = 1.066; at r = 0.02 the noise-free switch is ~0.23 later. B = 4096 noise makes
      // switches earlier by a few 0.001 with a spread of ~0.005: the mean lies within 0.02.
      assert.ok(truth > 1.2 && truth < 1.4, `noise-free switch ${truth}`);
      assert.ok(Math.abs(mean(up) - truth) < 0.02, `up ${mean(up)} vs noise-free ${truth}`);
      assert.ok(Math.abs(mean(down) + truth) < 0.02, `down ${mean(down)} vs ${-truth}`);
      assert.ok(sd(up) < 0.02 && sd(up) > 0, `spread ${sd(up)}`);
    } finally {
      await cpu.dispose();
    }
  });

  test('WebGPU against the CPU twin: same switching distribution (means within 4 s.e.)', async (t) => {
    const skip = await gpuSkip();
    if (skip) return t.skip(skip);
    const engine = await testEngine();
    const cpu = new CpuEngine();
    try {
      const gpu = switching((await runSpec(engine, rampSpec(6))).outcome as SweepOutcome);
      const ref = switching((await runSpec(cpu, rampSpec(7))).outcome as SweepOutcome);
      for (const leg of ['up', 'down'] as const) {
        const a = gpu[leg];
        const b = ref[leg];
        assert.ok(a.every((h) => h !== null));
        const se = Math.hypot(sd(a) / Math.sqrt(a.length), sd(b) / Math.sqrt(b.length));
        assert.ok(Math.abs(mean(a) - mean(b)) < 4 * se, `${leg}: GPU ${mean(a)} vs CPU ${mean(b)} (se ${se})`);
        // spreads agree within 30% (128 replicates: the s.d. of a s.d. is ~6%)
        assert.ok(Math.abs(sd(a) / sd(b) - 1) < 0.3, `${leg}: spread ${sd(a)} vs ${sd(b)}`);
      }
    } finally {
      await cpu.dispose();
    }
  });

  test('a ramp moves only h, evenly, at steps per point f32 counts exactly', () => {
    const base = rampJson(1);
    const withProtocol = (p: Record<string, unknown>) => () => parseSpec({ ...base, protocol: { ...base.protocol, ...p } });
    const tSweep = () =>
      parseSpec({
        ...base,
        params: { a: 4, gamma: 1, B: 4096, eta: ETA },
        protocol: { ...base.protocol, param: 'T', values: { linspace: { from: 1, to: 2, count: 5 } } },
      });
    assert.throws(tSweep, (e: unknown) => e instanceof InputError && /ramps only h/.test(e.message));
    assert.throws(
      withProtocol({ values: { list: [0, 0.1, 0.3] } }),
      (e: unknown) => e instanceof InputError && e.field === 'protocol.values.list[2]',
    );
    assert.throws(withProtocol({ values: { logspace: { from: 0.1, to: 1, count: 5 } } }), /evenly spaced/);
    assert.throws(withProtocol({ stepsPerPoint: [2 ** 24 + 1] }), (e: unknown) => e instanceof InputError && e.field === 'protocol.stepsPerPoint[0]');
    assert.throws(withProtocol({ ramp: 'yes' }), (e: unknown) => e instanceof InputError && /protocol\.ramp/.test(e.message));
  });
});
