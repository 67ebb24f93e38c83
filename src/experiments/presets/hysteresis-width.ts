// What figs. 10 and 11 share: ramped up/down sweeps of h at several rates along one parameter
// axis and over B, and their analysis: per axis value, B and rate the widths h_up - h_down
// over replicates, extrapolated to the slow-sweep limit (src/analytics/estimators/width-limit.ts)
// against 2 H(a - rho).
//
// Design. The biases of a measured width are known: finite sweep rate r (the fold is passed
// late by ~ r^(2/3), plus the O(r) transit to y = 0) and noise (finite B: escapes before the
// fold). The rate is handled by the extrapolation over rates; B costs nothing with the O(1)
// sampler, so the estimate is taken at B = 65536, and B = 512 and 8192 show the noise bias.
// Ramps (h moves every step) leave no grid quantisation: a switching point is where y crosses
// zero, interpolated within its step. eta = 0.05: the map's fixed points and folds are the
// ODE's (F(y) = 0), so the slow limit does not depend on eta; its delay constants do.
// Rates 3 / spp per unit time with spp = 192 .. 3072 (dh = 0.15): on the noise-free map these
// rates extrapolate to 2 H(a) within 2e-4 relative for a = 2.5..5.

import { fittedWidth, slowLimitWidth, type WidthLimit } from '../../analytics/estimators/width-limit.js';
import { hysteresisHalfWidth } from '../../analytics/theory/folds.js';
import { legTable, loopFigure, range } from '../figures.js';
import { finiteOrNull, legPairWidths, sweepSpeeds } from '../reductions.js';
import type { Analysis, AxisSpec, Estimate, LineFigure, ParamName, ScanOutcome, Series, Table, VLine } from '../types.js';
import type { PresetScan, Scale } from './index.js';
import { linspace, list, pick } from './shared.js';

/** eta of the ramped width sweeps. */
export const RAMP_ETA = 0.05;
/** Half-range of the h ramps: past every fold of a <= 5 (H(5) = 1.81) and the fastest ramp's overshoot. */
const H_MAX = 3;

/** The ramps of one width-vs-parameter experiment along `axis` (x) and B (y), the other parameters fixed. */
export function widthSweeps(name: string, description: string, scale: Scale, axis: AxisSpec, params: PresetScan['params']): PresetScan {
  // dh = 2 H_MAX / (points - 1) = 0.15 (0.3 quick); rate r = dh / (spp eta).
  const points = pick(scale, { quick: 21, paper: 41, large: 41 });
  const speeds = pick(scale, { quick: [96, 192, 384, 768], paper: [192, 384, 768, 1536, 3072], large: [192, 384, 768, 1536, 3072, 6144] });
  return {
    name,
    description,
    params: { ...params, eta: RAMP_ETA },
    axes: [axis, { param: 'B', values: list([512, 8192, 65536]) }],
    replicates: pick(scale, { quick: 8, paper: 64, large: 512 }),
    // Burn-in at h = -3 from y0 = -3: 20 time units on the lower branch (relaxation rate >= 0.5).
    steps: 400,
    window: Math.round(speeds[0] / 4),
    initial: { y0: -3, asym: 0, families: 'single' },
    protocol: { kind: 'sweep', param: 'h', values: linspace(-H_MAX, H_MAX, points), direction: 'up-down', stepsPerPoint: speeds, ramp: true },
  };
}

/** How one experiment shows its widths: the figure's title and x label, the theory curve. */
export interface WidthView {
  title: string;
  xLabel: string;
  theoryLabel: string;
  /** 2 H at axis value v, the other parameters those of grid cell 0 */
  theory(v: number, cell0: Record<ParamName, number>): number;
  vlines?: VLine[];
}

interface CellWidths {
  x: number;
  B: number;
  rates: number[];
  means: number[];
  se: number[];
  counts: number[];
  limit: WidthLimit | null;
}

/**
 * Widths per axis value, B and rate, and their slow-sweep limits. Estimate ids:
 * `<id>.width.<param>=<v>` (slow limit at the largest B), `<id>.raw-width.<param>=<v>` (slowest
 * rate, largest B), `<id>.beta.<param>=<v>` (leading exponent), `<id>.width.<param>=<v>.B=<B>`.
 */
export function analyzeWidths(o: ScanOutcome, id: string, view: WidthView): Analysis {
  const speeds = sweepSpeeds(o);
  const [axis, tokenAxis] = o.grid.axes;
  const nx = axis.values.length;
  const hValues = speeds[0].cells[0][0].values;
  const dh = Math.abs(hValues[1] - hValues[0]);
  const eta = o.grid.cells[0].eta;
  const rates = speeds.map((s) => dh / (s.stepsPerPoint * eta));
  const slowest = rates.indexOf(Math.min(...rates));
  const cellOf = (i: number, j: number) => o.grid.cells[i + nx * j];
  const predicted = (i: number) => {
    const c = cellOf(i, 0);
    return 2 * hysteresisHalfWidth(c.a, c.gamma, c.T, c.rho);
  };
  const bistable = (i: number) => {
    const c = cellOf(i, 0);
    return c.a - c.rho > 2 * c.gamma * c.T;
  };
  const cells: CellWidths[][] = axis.values.map((x, i) =>
    tokenAxis.values.map((B, j) => {
      const stats = speeds.map((s) => legPairWidths(s.cells[i + nx * j]));
      const ok = stats.map((st, k) => ({ st, r: rates[k] })).filter((v) => v.st.count >= 2 && v.st.se > 0);
      const limit =
        ok.length >= 4
          ? slowLimitWidth(
              ok.map((v) => v.r),
              ok.map((v) => v.st.mean),
              ok.map((v) => v.st.se),
              { bistable: bistable(i) },
            )
          : null;
      return { x, B, rates, means: stats.map((s) => s.mean), se: stats.map((s) => s.se), counts: stats.map((s) => s.count), limit };
    }),
  );
  const top = tokenAxis.values.length - 1;
  const estimates: Estimate[] = [];
  axis.values.forEach((x, i) => {
    const best = cells[i][top];
    const label = `${axis.param} = ${x}`;
    estimates.push({
      id: `${id}.raw-width.${axis.param}=${x}`,
      name: `raw width at ${label} (slowest ramp, B = ${best.B})`,
      value: best.means[slowest],
      ...(Number.isFinite(best.se[slowest]) && { se: best.se[slowest] }),
      prediction: predicted(i),
      predictionLabel: '2 H(a - rho)',
      bias: `finite sweep rate r = ${rates[slowest].toPrecision(3)}`,
      note: `${best.counts[slowest]} of ${o.spec.replicates} replicates switched both ways`,
    });
    const lim = best.limit;
    if (!lim) return;
    estimates.push({
      id: `${id}.width.${axis.param}=${x}`,
      name: `slow-sweep width at ${label}${lim.established ? '' : ' (no hysteresis)'}`,
      value: lim.width,
      se: lim.seTotal,
      ci: [lim.ci.lower, lim.ci.upper],
      prediction: predicted(i),
      predictionLabel: '2 H(a - rho)',
      note: widthNote(lim, best.B, bistable(i)),
    });
    if (lim.beta) {
      estimates.push({
        id: `${id}.beta.${axis.param}=${x}`,
        name: `leading exponent of w(r) - w0 at ${label}`,
        value: lim.beta.value,
        ci: [lim.beta.lower, lim.beta.upper],
        prediction: 2 / 3,
        predictionLabel: 'fold delay r^(2/3)',
        bias: 'the O(r^(4/3)) terms beyond the fitted model shift it at finite rates',
        note: `${lim.beta.model}, profile interval`,
      });
    }
    cells[i].slice(0, top).forEach((c) => {
      if (!c.limit) return;
      estimates.push({
        id: `${id}.width.${axis.param}=${x}.B=${c.B}`,
        name: `slow-sweep width at ${label}, B = ${c.B}`,
        value: c.limit.width,
        se: c.limit.seTotal,
        ci: [c.limit.ci.lower, c.limit.ci.upper],
        prediction: predicted(i),
        predictionLabel: '2 H(a - rho)',
        bias: 'finite B: noise switches early',
      });
    });
  });
  const slow = speeds[slowest];
  const loops = axis.values.map((x, i) =>
    loopFigure(
      `${id}-loop-${i}`,
      `${axis.param} = ${x}: loop at r = ${rates[slowest].toPrecision(3)}, B = ${tokenAxis.values[top]}`,
      slow.cells[i + nx * top],
      cellOf(i, top),
    ),
  );
  return {
    estimates,
    figures: [
      widthFigure(o, id, view, cells, top, slowest),
      rateFigure(id, axis.param, cells, top, predicted),
      tokenFigure(id, axis.param, cells, predicted),
      ...loops,
    ],
    tables: widthTables(
      id,
      axis.param,
      cells,
      predicted,
      loops.length ? axis.values.map((x, i) => legTable(`${id}-loops-${axis.param}${x}`, slow.cells[i + nx * top])) : [],
    ),
    observables: {
      rates,
      widths: cells.map((row) => row.map(({ limit, ...c }) => ({ ...c, limit: limit && { ...limit, ci: [limit.ci.lower, limit.ci.upper] } }))),
    },
    predictions: { width: axis.values.map((x, i) => ({ [axis.param]: x, width: predicted(i) })) },
  };
}

function widthNote(lim: WidthLimit, B: number, bistable: boolean): string {
  const fit = `w0 + c r^(2/3)${lim.terms.length > 1 ? ' + c r' : ''}${lim.terms.length > 2 ? ' + c r^(4/3)' : ''} at B = ${B}; fit w0 = ${lim.w0.toPrecision(4)}, s.e. ${lim.se.toPrecision(2)} + model error ${lim.modelError.toPrecision(2)}; chi2 ${lim.chi2.toFixed(1)} on ${lim.dof} dof`;
  if (lim.established) return fit;
  return `${bistable ? 'no hysteresis established (interval reaches 0)' : 'no hysteresis: a - rho <= 2 gamma T'}; width clamped at 0; ${fit}`;
}

function widthFigure(o: ScanOutcome, id: string, view: WidthView, cells: CellWidths[][], top: number, slowest: number): LineFigure {
  const axis = o.grid.axes[0];
  const fine = range(200, (k) => axis.values[0] + ((axis.values[axis.values.length - 1] - axis.values[0]) * k) / 199);
  const c0 = o.grid.cells[0];
  const best = cells.map((row) => row[top]);
  return {
    kind: 'lines',
    id: `${id}-width`,
    title: view.title,
    x: { label: view.xLabel },
    y: { label: 'width h_up - h_down' },
    series: [
      { label: view.theoryLabel, x: fine, y: fine.map((v) => view.theory(v, c0)), style: 'dashed', role: 'theory' },
      {
        label: `raw width, slowest ramp (B = ${best[0].B})`,
        x: axis.values,
        y: best.map((c) => finiteOrNull(c.means[slowest])),
        style: 'points',
        role: 'secondary',
      },
      {
        label: 'slow-sweep limit, 95% CI',
        x: axis.values,
        y: best.map((c) => c.limit?.width ?? null),
        style: 'points',
        role: 'fit',
        lower: best.map((c) => c.limit?.ci.lower ?? null),
        upper: best.map((c) => c.limit?.ci.upper ?? null),
      },
    ],
    ...(view.vlines && { vlines: view.vlines }),
  };
}

/** Convergence in the rate: w(r) - 2H against r at the largest B, with the fitted expansions. */
function rateFigure(id: string, param: string, cells: CellWidths[][], top: number, predicted: (i: number) => number): LineFigure {
  const series: Series[] = cells.flatMap((row, i) => {
    const c = row[top];
    const p = predicted(i);
    const out: Series[] = [{ label: `${param} = ${c.x}`, x: c.rates, y: c.means.map((m) => finiteOrNull(m - p)), style: 'points', role: i }];
    if (c.limit) {
      const lim = c.limit;
      const fine = range(40, (k) => Math.min(...c.rates) * (Math.max(...c.rates) / Math.min(...c.rates)) ** (k / 39));
      out.push({
        label: `${param} = ${c.x}: slow-limit width at r = 0`,
        x: [Math.min(...c.rates) / 4],
        y: [lim.width - p],
        style: 'points',
        role: i,
      });
      out.push({ label: '', x: fine, y: fine.map((r) => fittedWidth(lim, r) - p), style: 'dashed', role: i });
    }
    return out;
  });
  return {
    kind: 'lines',
    id: `${id}-rate`,
    title: `Width minus 2 H against the sweep rate (B = ${cells[0][top].B}), and the fitted expansion`,
    x: { label: 'rate r = dh/dt (log)', log: true },
    y: { label: 'w(r) - 2 H(a - rho)' },
    series,
  };
}

/** Convergence in B: slow-limit width minus 2H against B, per axis value (noise-induced early switching). */
function tokenFigure(id: string, param: string, cells: CellWidths[][], predicted: (i: number) => number): LineFigure {
  return {
    kind: 'lines',
    id: `${id}-tokens`,
    title: 'Slow-sweep width minus 2 H against B (noise switches early at small B)',
    x: { label: 'B (tokens per step, log)', log: true },
    y: { label: 'w0 - 2 H(a - rho)' },
    series: cells.map((row, i) => ({
      label: `${param} = ${row[0].x}`,
      x: row.map((c) => c.B),
      y: row.map((c) => (c.limit ? c.limit.width - predicted(i) : null)),
      lower: row.map((c) => (c.limit ? c.limit.ci.lower - predicted(i) : null)),
      upper: row.map((c) => (c.limit ? c.limit.ci.upper - predicted(i) : null)),
      style: 'points',
      role: i,
    })),
  };
}

function widthTables(id: string, param: string, cells: CellWidths[][], predicted: (i: number) => number, loops: Table[]): Table[] {
  return [
    {
      name: `${id}-width`,
      columns: [param, 'B', 'rate_dh_dt', 'width_mean', 'width_se', 'replicates_switched', 'prediction_2H'],
      rows: cells.flatMap((row, i) => row.flatMap((c) => c.rates.map((r, k) => [c.x, c.B, r, c.means[k], c.se[k], c.counts[k], predicted(i)]))),
    },
    {
      name: `${id}-extrapolated`,
      columns: [param, 'B', 'width_slow_limit', 'ci_lo', 'ci_hi', 'fit_w0', 'se_stat', 'model_error', 'hysteresis', 'beta', 'prediction_2H'],
      rows: cells.flatMap((row, i) =>
        row.map((c) => {
          const l = c.limit;
          return [
            c.x,
            c.B,
            l?.width ?? null,
            l?.ci.lower ?? null,
            l?.ci.upper ?? null,
            l?.w0 ?? null,
            l?.se ?? null,
            l?.modelError ?? null,
            l ? String(l.established) : null,
            l?.beta?.value ?? null,
            predicted(i),
          ];
        }),
      ),
    },
    ...loops,
  ];
}
