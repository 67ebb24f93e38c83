// Every preset at `quick` scale on both engines: the outputs have the promised shape, the
// estimates land on the theory's side (onsets below T_c, widths growing with a, the fig. 8
// boundary along a = 2 gamma T), the same seed gives the same result, and the two engines
// agree within the statistical error the results state.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuEngine } from '../src/node/cpu-engine.js';
import type { Engine } from '../src/core/engine.js';
import { PRESET_IDS, presetSpecs, type PresetId } from '../src/experiments/presets/index.js';
import { runPreset } from '../src/experiments/run.js';
import { parseSpec } from '../src/experiments/spec.js';
import type { ExperimentResult, HeatmapFigure } from '../src/experiments/types.js';
import { gpuSkip, releaseTestGpu, testEngine } from './helpers/gpu.js';

/** An estimate by its id (never its display name). */
const estimate = (r: ExperimentResult, id: string) => {
  const e = r.estimates.find((x) => x.id === id);
  assert.ok(e, `${r.id}: no estimate with id "${id}" (have: ${r.estimates.map((x) => x.id).join(' | ')})`);
  return e;
};

/** Strips what legitimately differs between identical runs: timings. */
function withoutTimings(r: ExperimentResult): unknown {
  return JSON.parse(JSON.stringify({ ...r, provenance: r.provenance.map(({ startedAt, elapsedMs, routerStepsPerSecond, ...p }) => p) }));
}

function checkShape(r: ExperimentResult, id: PresetId): void {
  assert.equal(r.id, id);
  assert.equal(r.scale, 'quick');
  assert.ok(r.figures.length > 0 && r.tables.length > 0 && r.estimates.length > 0);
  assert.equal(r.specs.length, r.provenance.length);
  for (const s of r.specs) parseSpec(s); // every spec run is a valid user spec
  for (const t of r.tables) for (const row of t.rows) assert.equal(row.length, t.columns.length, `${t.name}: ragged row`);
  for (const e of r.estimates) {
    if (e.prediction !== undefined) assert.ok(Number.isFinite(e.prediction), `${e.id}: prediction ${e.prediction}`);
    // the id scheme of presets/index.ts: <preset>.<quantity>[.<param>=<value>]...
    assert.match(e.id, new RegExp(`^${id}\\.[a-z0-9]+(-[a-z0-9]+)*(\\.[A-Za-z]+=-?[0-9.e+-]+)*$`), `${e.id}: id scheme`);
  }
  assert.equal(new Set(r.estimates.map((e) => e.id)).size, r.estimates.length, `${id}: estimate ids are unique`);
  // colours are roles (src/report/colors.ts), never colours
  assert.ok(!/"color"\s*:/.test(JSON.stringify(r.figures)), `${id}: a figure carries a colour instead of a role`);
  for (const f of r.figures) {
    if (f.kind === 'heatmap') {
      assert.equal(f.z.length, f.y.values.length);
      for (const row of f.z) assert.equal(row.length, f.x.values.length);
      for (const o of f.overlays) {
        assert.ok(o.x.length > 1 && [...o.x, ...o.y].every(Number.isFinite), `${f.id}/${o.label}: overlay points must be finite`);
      }
    } else {
      for (const s of f.series) assert.equal(s.y.length, s.x.length, `${f.id}/${s.label}`);
    }
  }
}

/** Theory checks that hold at quick scale already. */
function checkTheory(r: ExperimentResult, id: PresetId): void {
  switch (id) {
    case 'fig6': {
      const e = estimate(r, 'fig6.final-load');
      assert.ok(Math.abs(e.value - e.prediction!) < 0.05, `final mean u_hat ${e.value} vs mean field ${e.prediction}`);
      break;
    }
    case 'fig7': {
      const w = estimate(r, 'fig7.width');
      // Finite speed widens the loop, noise narrows it; at quick scale both stay within 25%.
      assert.ok(Math.abs(w.value / w.prediction! - 1) < 0.25, `width ${w.value} vs 2H = ${w.prediction}`);
      break;
    }
    case 'fig8': {
      // At quick scale (t = 40) the finite-time onset lags most at small gamma (slope ~ -0.85);
      // the paper scale's t = 100 brings it to ~ -0.95.
      const slope = estimate(r, 'fig8.slope');
      assert.ok(slope.value < -0.7 && slope.value > -1.3, `boundary slope ${slope.value}, expected near -1`);
      assert.ok(estimate(r, 'fig8.side-agreement').value > 0.95);
      // T_c from 1/Var(y) on 3 rows (4 temperatures x 64 replicates each, s.e. ~1%): the
      // slope of log T_c against log gamma within 4 s.e. (~0.01 at quick) and 5% of -1.
      const tcSlope = estimate(r, 'fig8.tc-slope');
      assert.ok(Math.abs(tcSlope.value + 1) < 4 * tcSlope.se! && Math.abs(tcSlope.value + 1) < 0.05, `T_c slope ${tcSlope.value} +- ${tcSlope.se}`);
      break;
    }
    case 'fig9': {
      for (const gamma of [0.5, 0.75, 1, 1.5]) {
        const onset = estimate(r, `fig9.onset.gamma=${gamma}`);
        assert.ok(onset.value < onset.prediction! && onset.value > 0.6 * onset.prediction!, `onset ${onset.value} vs T_c ${onset.prediction}`);
        const tc = estimate(r, `fig9.tc.gamma=${gamma}`);
        // 4 temperatures x 128 replicates near T_c: the s.e. of T_c is ~1% (test/coverage-tc checks the interval).
        assert.ok(Math.abs(tc.value / tc.prediction! - 1) < 0.1, `T_c fit ${tc.value} vs ${tc.prediction}`);
        assert.ok(Math.abs(tc.value - tc.prediction!) < 4 * tc.se!, `T_c fit ${tc.value} +- ${tc.se} vs ${tc.prediction}`);
      }
      break;
    }
    case 'fig10': {
      const widths = [3, 4, 5].map((a) => estimate(r, `fig10.raw-width.a=${a}`).value);
      assert.ok(widths[0] < widths[1] && widths[1] < widths[2], `widths ${widths} must grow with a`);
      // Slower ramps come closer to 2 H(a) (the switch overshoots each fold by ~ r^(2/3)), and
      // the extrapolation to r -> 0 lands on it: within 3 of its s.e. (model error included),
      // and within 3% (quick scale's interval is ~2% wide).
      const table = r.tables.find((t) => t.name === 'fig10-width')!;
      const col = (name: string) => table.columns.indexOf(name);
      for (const a of [3, 4, 5]) {
        const rows = table.rows.filter((row) => row[0] === a && row[col('B')] === 65536);
        rows.sort((x, y) => (x[col('rate_dh_dt')] as number) - (y[col('rate_dh_dt')] as number));
        const gaps = rows.map((row) => (row[col('width_mean')] as number) - (row[col('prediction_2H')] as number));
        for (let k = 1; k < gaps.length; k++) assert.ok(gaps[k] > gaps[k - 1] && gaps[k - 1] > 0, `a=${a}: gaps to 2H by rising rate ${gaps}`);
        const w0 = estimate(r, `fig10.width.a=${a}`);
        assert.ok(Math.abs(w0.value / w0.prediction! - 1) < 0.03, `a=${a}: extrapolated ${w0.value} vs 2H ${w0.prediction}`);
        assert.ok(Math.abs(w0.value - w0.prediction!) < 3 * w0.se!, `a=${a}: extrapolated ${w0.value} +- ${w0.se} vs 2H ${w0.prediction}`);
      }
      break;
    }
    case 'fig11': {
      const w0 = estimate(r, 'fig11.raw-width.rho=0').value;
      const w2 = estimate(r, 'fig11.raw-width.rho=2').value;
      assert.ok(w0 > w2, `width must shrink with rho: ${w0} at rho=0, ${w2} at rho=2`);
      // a - rho = 1.5 < 2 gamma T: no hysteresis, a width of 0 that is never negative
      const none = estimate(r, 'fig11.width.rho=3.5');
      assert.ok(none.value >= 0 && none.value < 0.01 && none.ci![0] >= 0, `rho=3.5: ${none.value} [${none.ci}]`);
      assert.match(none.name, /no hysteresis/);
      break;
    }
    case 'cusp': {
      assert.ok(estimate(r, 'cusp.agreement').value > 0.85);
      // The agreement at each resolution (sub-grids of the map; the finest is the map itself).
      const byRes = r.estimates.filter((e) => e.id.startsWith('cusp.agreement.cells='));
      assert.ok(byRes.length >= 2, `agreement at ${byRes.length} resolutions`);
      for (const e of byRes) assert.ok(e.value > 0.85 && e.value <= 1, `${e.id}: ${e.value}`);
      const fig = r.figures.find((f) => f.kind === 'heatmap') as HeatmapFigure;
      assert.ok(
        fig.overlays.some((o) => o.label.includes('fold')),
        'the fold curve is drawn',
      );
      break;
    }
  }
}

describe('presets at quick scale', () => {
  let cpu: Engine;
  const cpuResults = new Map<PresetId, ExperimentResult>();
  before(() => {
    cpu = new CpuEngine();
  });
  after(async () => {
    await cpu.dispose();
    await releaseTestGpu();
  });

  for (const id of PRESET_IDS) {
    test(`${id} on the CPU engine: shape and theory`, async () => {
      const r = await runPreset(cpu, id, 'quick', 7);
      checkShape(r, id);
      checkTheory(r, id);
      cpuResults.set(id, r);
    });
  }

  test('same seed, same result (bit-identical apart from timings); another seed differs', async () => {
    const again = await runPreset(cpu, 'fig7', 'quick', 7);
    assert.deepEqual(withoutTimings(again), withoutTimings(cpuResults.get('fig7')!));
    const other = await runPreset(cpu, 'fig7', 'quick', 8);
    assert.notDeepEqual(withoutTimings(other), withoutTimings(again));
  });

  test('scan i of an experiment uses seed + i', () => {
    assert.deepEqual(
      presetSpecs('fig9', 'quick', 10).map((s) => s.seed),
      Array.from({ length: 20 }, (_, i) => 10 + i),
    );
  });

  for (const id of PRESET_IDS) {
    test(`${id} on WebGPU: shape, theory, and agreement with the CPU engine`, async (t) => {
      const skip = await gpuSkip();
      if (skip) return t.skip(skip);
      const engine = await testEngine();
      const r = await runPreset(engine, id, 'quick', 7);
      checkShape(r, id);
      checkTheory(r, id);
      // Same streams, f32 vs f64 arithmetic: estimates agree within their stated errors
      // (5 combined s.e.; estimates without an s.e. are compared through the theory checks).
      // The CPU half comes from the CPU test above: without it there is nothing to compare
      // with, and that is a failure, not a pass.
      const c = cpuResults.get(id);
      assert.ok(c, `${id}: no CPU result to compare with (the CPU test of ${id} failed or did not run; run the whole file)`);
      assert.deepEqual(r.estimates.map((e) => e.id).sort(), c.estimates.map((e) => e.id).sort(), `${id}: the same estimates on both engines`);
      let compared = 0;
      for (const e of r.estimates) {
        const o = c.estimates.find((x) => x.id === e.id)!;
        if (!e.se || !o.se || !Number.isFinite(e.value) || !Number.isFinite(o.value)) continue;
        const z = Math.abs(e.value - o.value) / Math.hypot(e.se, o.se);
        assert.ok(z < 5, `${id}/${e.id}: webgpu ${e.value} +- ${e.se} vs cpu ${o.value} +- ${o.se}`);
        compared++;
      }
      // every preset with s.e.s on the CPU (all but cusp) compares at least one estimate
      const withSe = c.estimates.filter((o) => o.se && Number.isFinite(o.value)).length;
      assert.ok(withSe === 0 || compared > 0, `${id}: ${withSe} CPU estimates have an s.e. but none was compared with WebGPU`);
    });
  }

  test('fig9 at paper scale on WebGPU: onsets below T_c, T_c from 1/Var(y) within 0.2% and 4 s.e. of a/(2 gamma)', async (t) => {
    const skip = await gpuSkip();
    if (skip) return t.skip(skip);
    // 6 temperatures in [1.005, 1.2] T_c x 512 replicates, B = 65536, eta gamma = 0.02: the
    // s.e. of T_c is 0.033-0.038% (seeds 1 and 11: the eight fits 0.1-1.2 s.e. off). 0.2% is the
    // issue's bar (more than 5 s.e.); 4 s.e. is a test at the 0.15% level per fit, and the
    // known biases (transient, nonlinearity, all < 5e-5 relative, tc-variance.ts) are far below it.
    const r = await runPreset(await testEngine(), 'fig9', 'paper', 11);
    for (const gamma of [0.5, 0.75, 1, 1.5]) {
      const onset = estimate(r, `fig9.onset.gamma=${gamma}`);
      assert.ok(onset.value < onset.prediction!, `onset ${onset.value} vs T_c ${onset.prediction}`);
      const tc = estimate(r, `fig9.tc.gamma=${gamma}`);
      const gap = Math.abs(tc.value - tc.prediction!);
      assert.ok(tc.se! < 0.0006 * tc.prediction!, `gamma=${gamma}: s.e. ${tc.se} larger than designed`);
      assert.ok(gap < 4 * tc.se! && gap < 0.002 * tc.prediction!, `gamma=${gamma}: T_c fit ${tc.value} +- ${tc.se} vs ${tc.prediction}`);
    }
    // The onset extrapolated to t -> infinity: the mean-field limit 0.1/atanh(0.1) within
    // 1% (its s.e. is ~0.15% inflated by the poor fit of the model; the model's own bias is
    // of that order, onset-convergence.ts).
    const lim = estimate(r, 'fig9.onset-limit');
    assert.ok(Math.abs(lim.value - lim.prediction!) < 0.01, `onset limit ${lim.value} vs ${lim.prediction}`);
  });

  test('fig8 at paper scale on WebGPU: the slope of log T_c (from 1/Var(y)) against log gamma is -1 within 0.5%', async (t) => {
    const skip = await gpuSkip();
    if (skip) return t.skip(skip);
    // Five gamma rows in [0.2, 2] at ~0.07% each: the slope's s.e. is ~0.04% (seed 1:
    // -1.00000 +- 0.00041). 0.5% is the issue's bar (> 10 s.e.); the rows' relative biases are
    // equal by design (eta gamma fixed, T at fixed T/T_c) and cancel in the slope, so 4 s.e.
    // also holds. The onset's slope (fig8.slope) carries the finite-time bias instead.
    const r = await runPreset(await testEngine(), 'fig8', 'paper', 1);
    const s = estimate(r, 'fig8.tc-slope');
    assert.ok(Math.abs(s.value + 1) < 0.005 && Math.abs(s.value + 1) < 4 * s.se!, `T_c slope ${s.value} +- ${s.se}`);
    assert.ok(s.se! < 0.001, `slope s.e. ${s.se} larger than designed`);
  });
});
