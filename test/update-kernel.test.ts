// What the GPU and the host share, declared once (layout.ts, kernels.ts, constants.ts): the
// u64 tally fields and their packing, the readout's columns, the generated bindings and
// constants; and the router's own step functions (shaders/router_step.wgsl, run by the test
// kernel shaders/update_check.wgsl) bit for bit against their f32 TypeScript twin
// (routerStepF32 in src/core/cpu-router.ts): the f32 update of y and the exact 64-bit
// tallies, with the edge cases full collapse at B = 65536 (d^2 = 2^32), N1 = 0, tallies
// crossing 2^32, large |y| and the logit cap.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constantWords, WGSL_CONSTANTS } from '../src/core/constants.js';
import {
  UPDATE_ORDERS,
  reflectDraw,
  routerLogitF32,
  routerStepF32,
  routerUpdateF32,
  updateOrderName,
  type StateF32,
  type UpdateOrder,
} from '../src/core/cpu-router.js';
import { ROUTER_BINDINGS, routerShaderSource, wgslBindings, wgslConstants } from '../src/core/kernels.js';
import {
  CELL,
  READOUT_FIELDS,
  TALLY,
  TALLY_FIELDS,
  packColumns,
  packStructs,
  strideOf,
  tallyColumns,
  unpackStructs,
  wgslStruct,
} from '../src/core/layout.js';
import { completeCell, type RouterCell, type ScanPlan } from '../src/core/model.js';
import { WGSL_SOURCES } from '../src/core/shaders.generated.js';
import { CheckKernels, UpdateKernel, type UpdateCase } from './helpers/check-kernels.js';
import { gpuSkip, releaseTestGpu, testEngine, testGpu } from './helpers/gpu.js';

const TWO_32 = 2 ** 32;

describe('layouts, bindings and constants (host side)', () => {
  test('u64 fields: WGSL lo/hi words, exact packing below 2^53, refusal beyond', () => {
    assert.match(wgslStruct(TALLY), /n1_lo: u32,\s+n1_hi: u32,\s+abs_lo: u32,\s+abs_hi: u32,\s+sq_lo: u32,\s+sq_hi: u32,/);
    assert.equal(strideOf(TALLY), 24);
    const values = [0, 1, TWO_32 - 1, TWO_32, TWO_32 + 1, 5 * TWO_32 + 12345, 2 ** 53 - 1];
    const records = values.map((v, i) => ({ n1: v, abs: values[(i + 1) % values.length], sq: values[(i + 3) % values.length] }));
    const buffer = packStructs(TALLY, records);
    const words = new Uint32Array(buffer);
    assert.deepEqual([words[6 * 3], words[6 * 3 + 1]], [0, 1], '2^32 as lo 0, hi 1');
    const back = unpackStructs(TALLY, buffer, records.length);
    for (const key of ['n1', 'abs', 'sq'] as const)
      assert.deepEqual(
        [...back[key]],
        records.map((r) => r[key]),
      );
    const columns = { n1: Float64Array.from(values), abs: Float64Array.from(values), sq: Float64Array.from(values) };
    assert.deepEqual(
      new Uint8Array(packColumns(TALLY, columns, values.length)),
      new Uint8Array(
        packStructs(
          TALLY,
          values.map((v) => ({ n1: v, abs: v, sq: v })),
        ),
      ),
    );
    for (const bad of [2 ** 53, -1, 0.5, NaN]) assert.throws(() => packStructs(TALLY, [{ n1: bad, abs: 0, sq: 0 }]), RangeError);
  });

  test('the readout columns come from STATE and TALLY, under their public names', () => {
    assert.deepEqual(READOUT_FIELDS, ['y', 'crossUp', 'crossDown', 'sumN1', 'sumAbs', 'sumSq']);
    assert.deepEqual(tallyColumns({ sumN1: 1, sumAbs: 2, sumSq: 3 }), { n1: 1, abs: 2, sq: 3 });
  });

  test('bindings and constants are generated, not written in the .wgsl files', () => {
    assert.equal(
      wgslBindings(ROUTER_BINDINGS),
      [
        '@group(0) @binding(0) var<uniform> params: Params;',
        '@group(0) @binding(1) var<storage, read> cells: array<Cell>;',
        '@group(0) @binding(2) var<storage, read_write> state: array<State>;',
        '@group(0) @binding(3) var<storage, read_write> tallies: array<Tally>;',
      ].join('\n') + '\n',
    );
    for (const [file, text] of Object.entries(WGSL_SOURCES)) {
      assert.doesNotMatch(text, /@binding/, `${file}.wgsl declares a binding`);
      for (const { name } of WGSL_CONSTANTS)
        assert.doesNotMatch(text, new RegExp(`(const|var<private>)\\s+${name}\\b`), `${file}.wgsl declares ${name}`);
    }
    assert.ok(routerShaderSource().startsWith(wgslConstants()));
  });

  test('every f32 constant is written as a decimal that is exactly its f32', () => {
    for (const line of wgslConstants()
      .split('\n')
      .filter((l) => /^const \w+(: f32 =| = array<f32,)/.test(l))) {
      for (const literal of line.replace(/^.*= (array<f32, \d+>\()?|\)?;$/g, '').split(', ')) {
        const v = Number(literal);
        assert.ok(Number.isFinite(v) && Math.fround(v) === v, `${literal} is not an f32`);
      }
    }
  });
});

/** The cell as the kernel reads it: every f32 field rounded (packed and unpacked through CELL). */
function asF32(cell: RouterCell): RouterCell {
  const c = unpackStructs(CELL, packStructs(CELL, [cell]), 1);
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v[0]])) as unknown as RouterCell;
}

/** A small deterministic source of numbers in [0, 1) (splitmix32-style), independent of Threefry. */
function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / TWO_32;
  };
}

const STEPS = 48;
const zero = { sumN1: 0, sumAbs: 0, sumSq: 0 };
const inWindow = (x: number) => Array.from({ length: STEPS }, () => ({ x, inWindow: true }));

/** The edge cases, then random cells, states and draws over the allowed ranges. */
function cases(): UpdateCase[] {
  const collapse = completeCell({ a: 2, gamma: 0.05, T: 0.5, B: 65536, eta: 0.01, y0: 40 });
  const list: UpdateCase[] = [
    { cell: collapse, start: zero, draws: inWindow(0) }, // N1 = B every step: d^2 = 2^32
    { cell: { ...collapse, y0: -40 }, start: zero, draws: inWindow(0) }, // N1 = 0, d = -B
    { cell: { ...collapse, y0: 40 }, start: { sumN1: TWO_32 - 1, sumAbs: 3 * TWO_32 - 70000, sumSq: TWO_32 - 1 }, draws: inWindow(0) },
    { cell: { ...collapse, y0: 40 }, start: { sumN1: 7, sumAbs: 7, sumSq: 7 * TWO_32 + (TWO_32 - 1) }, draws: inWindow(1) }, // d^2 = (B - 2)^2
    { cell: completeCell({ a: 3, gamma: 1, T: 2, B: 512, eta: 0.002, y0: -1e-3 }), start: zero, draws: inWindow(0) }, // N1 = 0 at p < 1/2
    {
      cell: completeCell({ a: 3, gamma: 1, T: 2, B: 512, eta: 0.002 }),
      start: { sumN1: TWO_32 - 300, sumAbs: TWO_32 - 100, sumSq: TWO_32 - 5000 },
      draws: inWindow(17),
    },
    { cell: completeCell({ a: 1e6, gamma: 1, T: 1e-30, B: 65536, eta: 1, y0: 1e6, h: -1e6 }), start: zero, draws: inWindow(3) }, // large |y| (y = 1e6 u_hat - 1e6), the cap
    { cell: completeCell({ a: 5, gamma: 0, T: 1e-6, B: 9, eta: 0.5, y0: -3e5, h: 1e6 }), start: zero, draws: inWindow(4) },
    { cell: completeCell({ a: 3, gamma: 1, T: 1, B: 64, eta: 0.01, y0: 0 }), start: zero, draws: inWindow(32) }, // y = 0: N1 = x
    {
      cell: completeCell({ a: 3, gamma: 1, T: 1, B: 1, eta: 0.01, y0: 0.5 }),
      start: zero,
      draws: Array.from({ length: STEPS }, (_, j) => ({ x: 0, inWindow: j % 3 === 0 })),
    },
  ];
  const u = uniforms(99);
  const pick = (lo: number, hi: number) => lo + (hi - lo) * u();
  const logUniform = (lo: number, hi: number) => Math.exp(pick(Math.log(lo), Math.log(hi)));
  for (let i = 0; i < 2000; i++) {
    const B = i % 7 === 0 ? 65536 : 1 + Math.floor(logUniform(1, 65536));
    const cell = completeCell({
      a: pick(-10, 10),
      rho: u() < 0.5 ? 0 : pick(0, 5),
      T: logUniform(1e-3, 1e3),
      gamma: pick(0, 3),
      h: pick(-1, 1),
      eta: logUniform(1e-5, 1),
      B,
      y0: (u() < 0.5 ? -1 : 1) * logUniform(1e-6, i % 11 === 0 ? 1e6 : 50),
    });
    const big = () => Math.floor(u() * 2 ** 40);
    const draws = Array.from({ length: STEPS }, () => ({ x: Math.floor(u() * (Math.floor(B / 2) + 1)), inWindow: u() < 0.8 }));
    list.push({ cell, start: { sumN1: big(), sumAbs: big(), sumSq: big() }, draws });
  }
  return list;
}

/** One step as the GPU took it: y before, d = 2 N1 - B, the cell (as f32), y after. */
interface TakenStep {
  y: number;
  d: number;
  cell: RouterCell;
  next: number;
}

/** The evaluation orders under which the f32 twin gives every step's y after from its y before. */
function ordersExplaining(steps: readonly TakenStep[]): { orders: UpdateOrder[]; report: string } {
  const counts = UPDATE_ORDERS.map((o) => ({ o, n: steps.filter((s) => Object.is(routerUpdateF32(s.y, s.d, s.cell, o), s.next)).length }));
  counts.sort((x, y) => y.n - x.n);
  const orders = counts.filter((c) => c.n === steps.length).map((c) => c.o);
  const report = counts
    .slice(0, 3)
    .map((c) => `${updateOrderName(c.o)}: ${c.n} of ${steps.length} steps`)
    .join('; ');
  return { orders, report };
}

/** f32 values within `ulps` of 1/T: WGSL lets division be 2.5 ULP off. */
function reciprocals(T: number, ulps = 2): number[] {
  const exact = Math.fround(1 / T);
  const out = [exact];
  const bits = new Float32Array(1),
    word = new Uint32Array(bits.buffer);
  for (let k = 1; k <= ulps; k++)
    for (const sign of [1, -1]) {
      bits[0] = exact;
      word[0] += sign * k;
      out.push(bits[0]);
    }
  return out;
}

describe('the router step on the GPU, bit for bit against its f32 twin', async () => {
  const skip = await gpuSkip();
  after(releaseTestGpu);
  /** the orders that explained the test kernel's steps, for the router kernel's test */
  let kernelOrders: UpdateOrder[] | undefined;

  test('the WGSL constants are exactly the f32 of the TypeScript values', { skip }, async () => {
    const kernels = new CheckKernels((await testGpu())!.device);
    const got = await kernels.constantWords();
    const want = constantWords();
    let k = 0;
    for (const { name, value } of WGSL_CONSTANTS) {
      for (let j = 0; j < (typeof value === 'number' ? 1 : value.length); j++, k++) {
        assert.equal(got[k].toString(16), want[k].toString(16), `${name}${typeof value === 'number' ? '' : `[${j}]`}`);
      }
    }
  });

  test('y, logit and exact tallies over edge cases and 2000 random cases of 48 steps', { skip }, async (t) => {
    const list = cases();
    const gpu = await new UpdateKernel((await testGpu())!.device).run(list);
    const cells = list.map((c) => asF32(c.cell));
    // The adapter's evaluation order of the f32 update: one of those WGSL allows must explain every step.
    const taken = list.flatMap(({ draws }, i) =>
      draws.map(({ x }, j) => {
        const y = j === 0 ? cells[i].y0 : gpu[i][j - 1].y;
        return { y, d: 2 * reflectDraw(x, y, cells[i].B) - cells[i].B, cell: cells[i], next: gpu[i][j].y };
      }),
    );
    const { orders, report } = ordersExplaining(taken);
    assert.ok(orders.length > 0, `no evaluation order of the update explains every step: ${report}`);
    kernelOrders = orders;
    t.diagnostic(`this adapter's update: ${orders.map(updateOrderName).join(' or ')}`);
    // The twin under that order, on its own, step by step, bit for bit.
    let crossings = 0;
    list.forEach(({ start, draws }, i) => {
      const c = cells[i];
      const s: StateF32 = { y: c.y0, ...start };
      const logits: [number, number][] = [];
      draws.forEach(({ x, inWindow }, j) => {
        const out = gpu[i][j];
        const label = `case ${i} step ${j} (B ${c.B}, y ${s.y}, x ${x})`;
        logits.push([s.y, out.logit]);
        const q = 1 / (1 + Math.exp(out.logit));
        assert.ok(Math.abs(out.q - q) <= 1e-4 * q, `${label}: q ${out.q} vs ${q}`);
        const hiBefore = Math.floor(s.sumSq / TWO_32) + Math.floor(s.sumN1 / TWO_32);
        routerStepF32(s, x, c, inWindow, orders[0]);
        if (Math.floor(s.sumSq / TWO_32) + Math.floor(s.sumN1 / TWO_32) !== hiBefore) crossings++;
        if (!Object.is(out.y, s.y)) assert.fail(`${label}: y ${out.y} != ${s.y}`);
        for (const key of TALLY_FIELDS) {
          if (out[key] !== s[key]) assert.fail(`${label}: ${key} ${out[key]} != ${s[key]}`);
        }
      });
      const invT = reciprocals(c.T).find((r) => logits.every(([y, z]) => Object.is(routerLogitF32(y, r), z)));
      assert.ok(invT !== undefined, `case ${i} (T ${c.T}): no 1 / T within 2 ULP gives the logits ${logits.map(([, z]) => z).join(', ')}`);
    });
    assert.equal(gpu[0][STEPS - 1].sumSq, STEPS * TWO_32, 'full collapse: d^2 = 2^32 every step');
    assert.equal(gpu[1][STEPS - 1].sumN1, 0, 'N1 = 0 every step');
    assert.equal(gpu[6][0].logit, 80, 'the logit cap');
    assert.ok(crossings > 100, `tallies crossed a multiple of 2^32 ${crossings} times`);
  });

  test('the router kernel itself: the y after each step is the twin update of the draw it made, in the same order', { skip }, async (t) => {
    const u = uniforms(7);
    const pick = (lo: number, hi: number) => lo + (hi - lo) * u();
    const sizes = [9, 64, 301, 512, 1000, 4096, 65536];
    const plan: ScanPlan = {
      cells: Array.from({ length: 14 }, (_, i) =>
        completeCell({
          a: pick(-10, 10),
          rho: pick(0, 3),
          T: Math.exp(pick(-3, 3)),
          gamma: pick(0, 2.5),
          h: pick(-1, 1),
          eta: Math.exp(pick(-8, 0)),
          B: sizes[i % sizes.length],
          y0: pick(-30, 30),
          asym: 5,
        }),
      ),
      replicates: 64,
      steps: 24,
      window: 24,
      seed: 11,
    };
    const session = await (await testEngine({ stepsPerDispatch: 1 })).open(plan);
    const taken: TakenStep[] = [];
    try {
      await session.initialize();
      let before = await session.read();
      for (let step = 0; step < plan.steps; step++) {
        await session.advance({ stepBegin: step, stepEnd: step + 1, windowBegin: 0 });
        const now = await session.read();
        for (let r = 0; r < session.routers; r++) {
          const cell = asF32(plan.cells[Math.floor(r / plan.replicates)]);
          const d = 2 * (now.sumN1[r] - before.sumN1[r]) - cell.B; // this step's N1, from the exact tallies
          assert.equal(now.sumAbs[r] - before.sumAbs[r], Math.abs(d), `router ${r} step ${step}: |d|`);
          assert.equal(now.sumSq[r] - before.sumSq[r], d * d, `router ${r} step ${step}: d^2`);
          taken.push({ y: before.y[r], d, cell, next: now.y[r] });
        }
        before = now;
      }
    } finally {
      session.close();
    }
    const { orders, report } = ordersExplaining(taken);
    assert.ok(orders.length > 0, `no evaluation order of the update explains every step of the router kernel: ${report}`);
    t.diagnostic(`the router kernel's update: ${orders.map(updateOrderName).join(' or ')}`);
    if (kernelOrders) {
      assert.ok(
        orders.some((o) => kernelOrders!.includes(o)),
        `the router kernel (${orders.map(updateOrderName).join(' or ')}) and the test kernel (${kernelOrders.map(updateOrderName).join(' or ')}) evaluate the update differently`,
      );
    }
  });

  test('read and restore carry tallies beyond 2^32 exactly through the u64 words', { skip }, async () => {
    const engine = await testEngine();
    const session = await engine.open({
      cells: [completeCell({ a: 3, gamma: 1, T: 2, B: 512, eta: 0.002 })],
      replicates: 5,
      steps: 1,
      window: 1,
      seed: 1,
    });
    try {
      const readout = {
        y: Float64Array.of(1.5, -2, Math.fround(0.1), 0, -0),
        crossUp: Float64Array.of(Math.fround(1e38), 0.5, -0.25, Math.fround(0.3), 1),
        crossDown: Float64Array.of(-1, Math.fround(1e38), 0, Math.fround(-0.7), 2),
        sumN1: Float64Array.of(0, TWO_32 - 1, TWO_32, 2 ** 53 - 1, 12345),
        sumAbs: Float64Array.of(TWO_32 + 1, 0, 7, 2 ** 40, 1),
        sumSq: Float64Array.of(3 * TWO_32, 2 ** 52, 0, 1, TWO_32 - 1),
      };
      await session.restore!(readout);
      const back = await session.read();
      for (const key of READOUT_FIELDS) assert.deepEqual([...back[key]], [...readout[key]], key);
    } finally {
      session.close();
    }
  });
});
