// From protocol outcomes to what a researcher reads: estimates next to the theory's
// predictions, figures (with the analytic overlays) and tables, per preset; and a generic
// analysis for any user spec. f64, no Node-only imports.

import { extrapolateCriticalPoint } from '../analytics/estimators/critical-point.js';
import { finiteTimeOnset } from '../analytics/estimators/crossings.js';
import { meanWithError } from '../analytics/estimators/mean-with-error.js';
import { extrapolateSlowSweep } from '../analytics/estimators/slow-sweep.js';
import { linearFit } from '../analytics/regression/linear-fit.js';
import { weightsFromStandardErrors } from '../analytics/regression/weights.js';
import { criticalTemperature } from '../analytics/theory/critical-points.js';
import { equilibria } from '../analytics/theory/equilibria.js';
import { foldCurve, hysteresisHalfWidth, isBistable } from '../analytics/theory/folds.js';
import { linearNoiseVariance } from '../analytics/theory/linear-noise.js';
import { meanFieldLoadAt } from '../analytics/theory/mean-field-ode.js';
import { FIG9_A, FIG9_GAMMAS, type PresetId } from './presets.js';
import type {
  Estimate, ExpandedGrid, Figure, HeatmapFigure, LineFigure, ParamName, RelaxCell, ScanOutcome, Series, SweepLeg,
  Table, TraceCell,
} from './types.js';

export interface Analysis {
  estimates: Estimate[];
  figures: Figure[];
  tables: Table[];
  observables: unknown;
  predictions: unknown;
}

/** Onset level of fig. 9: final mean |u_hat| = 0.1. */
export const ONSET_LEVEL = 0.1;

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

function relaxCells(o: ScanOutcome, family = 0): RelaxCell[] {
  if (o.outcome.kind !== 'relax') throw new Error(`${o.spec.name}: expected a relax outcome, got ${o.outcome.kind}`);
  return o.outcome.cells[family];
}

function traceCells(o: ScanOutcome): TraceCell[] {
  if (o.outcome.kind !== 'trace') throw new Error(`${o.spec.name}: expected a trace outcome, got ${o.outcome.kind}`);
  return o.outcome.cells[0];
}

function sweepSpeeds(o: ScanOutcome) {
  if (o.outcome.kind !== 'sweep') throw new Error(`${o.spec.name}: expected a sweep outcome, got ${o.outcome.kind}`);
  return o.outcome.speeds;
}

/** Parameter `name` of grid cell i. */
const cellParam = (grid: ExpandedGrid, i: number, name: ParamName): number => grid.cells[i][name];

// ---------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------

/** Per-replicate widths h_up - h_down of one up-down sweep, with their statistics. */
export function sweepWidths(legs: SweepLeg[]) {
  const up = legs.find((l) => l.direction === 'up');
  const down = legs.find((l) => l.direction === 'down');
  const widths: number[] = [];
  let noSwitch = 0;
  if (up && down) {
    up.switching.forEach((hu, r) => {
      const hd = down.switching[r];
      if (hu === null || hd === null) noSwitch++;
      else widths.push(hu - hd);
    });
  }
  const upSw = up ? up.switching.filter((x): x is number => x !== null) : [];
  const downSw = down ? down.switching.filter((x): x is number => x !== null) : [];
  const stat = (xs: number[]) => (xs.length >= 2 ? meanWithError(xs) : { n: xs.length, mean: xs[0] ?? NaN, sd: NaN, se: NaN });
  return { widths, noSwitch, width: stat(widths), up: stat(upSw), down: stat(downSw) };
}

/** Mean-field stable branches u*(h) over an h range, for loop figures. */
function stableBranches(a: number, gamma: number, T: number, rho: number, hMin: number, hMax: number): Series[] {
  const hs = range(401, (i) => hMin + ((hMax - hMin) * i) / 400);
  const lower: (number | null)[] = [];
  const upper: (number | null)[] = [];
  for (const h of hs) {
    const stable = equilibria({ a, gamma, T, h, rho }).filter((e) => e.stable).map((e) => e.load);
    // Two stable states: one per branch; a single one belongs to the branch of its sign.
    const lo = stable.length > 1 ? Math.min(...stable) : stable.length === 1 && stable[0] < 0 ? stable[0] : null;
    const hi = stable.length > 1 ? Math.max(...stable) : stable.length === 1 && stable[0] >= 0 ? stable[0] : null;
    lower.push(lo);
    upper.push(hi);
  }
  return [
    { label: 'mean field: lower stable branch', x: hs, y: lower, style: 'dashed', color: '#555555' },
    { label: 'mean field: upper stable branch', x: hs, y: upper, style: 'dashed', color: '#888888' },
  ];
}

function loopFigure(id: string, title: string, legs: SweepLeg[], p: { a: number; gamma: number; T: number; rho: number }): LineFigure {
  const all = legs.flatMap((l) => l.values);
  const H = hysteresisHalfWidth(p.a, p.gamma, p.T, p.rho);
  const series: Series[] = legs.map((l) => ({
    label: `${l.direction} sweep: mean u_hat +-1 s.d.`,
    x: l.values, y: l.meanLoad,
    lower: l.meanLoad.map((m, i) => m - l.sdLoad[i]), upper: l.meanLoad.map((m, i) => m + l.sdLoad[i]),
    color: l.direction === 'up' ? '#d62728' : '#1f77b4',
  }));
  series.push(...stableBranches(p.a, p.gamma, p.T, p.rho, all.reduce((m, v) => Math.min(m, v), Infinity), all.reduce((m, v) => Math.max(m, v), -Infinity)));
  return {
    kind: 'lines', id, title,
    x: { label: 'h (skew)' }, y: { label: 'u_hat', range: [-1.05, 1.05] }, series,
    vlines: H > 0 ? [{ x: -H, label: '-H(a)', color: '#2ca02c' }, { x: H, label: '+H(a)', color: '#2ca02c' }] : [],
  };
}

function legTable(name: string, legs: SweepLeg[], extra: Record<string, number> = {}): Table {
  const keys = Object.keys(extra);
  return {
    name, columns: [...keys, 'leg', 'h', 'mean_u', 'sd_u'],
    rows: legs.flatMap((l) => l.values.map((h, i) => [...keys.map((k) => extra[k]), l.direction, h, l.meanLoad[i], l.sdLoad[i]])),
  };
}

function relaxTable(name: string, o: ScanOutcome, family = 0): Table {
  const params = o.grid.axes.map((a) => a.param);
  const cells = relaxCells(o, family);
  return {
    name,
    columns: [...params, 'final_abs_mean_u', 'final_abs_mean_u_se', 'mean_abs_u', 'mean_abs_u_se', 'mean_u', 'mean_u2',
      'mean_final_y', 'var_final_y', 'fraction_positive'],
    rows: cells.map((c, i) => [...params.map((p) => cellParam(o.grid, i, p)), c.absMeanLoad, c.absMeanLoadSE, c.meanAbsLoad,
      c.meanAbsLoadSE, c.meanLoad, c.meanSqLoad, c.meanFinalY, finiteOrNull(c.varFinalY), c.fractionPositive]),
  };
}

/** z[iy][ix] of a 2-axis relax grid. */
function gridMatrix(grid: ExpandedGrid, value: (i: number) => number | null): (number | null)[][] {
  const nx = grid.axes[0].values.length;
  const ny = grid.axes[1].values.length;
  return range(ny, (iy) => iy).map((iy) => range(nx, (ix) => ix).map((ix) => value(ix + nx * iy)));
}

/** The pitchfork line a - rho = 2 gamma T drawn when both axes are among (a, T, gamma). */
function pitchforkOverlay(grid: ExpandedGrid): HeatmapFigure['overlays'] {
  const [ax, ay] = grid.axes;
  const trio: ParamName[] = ['a', 'T', 'gamma'];
  if (!trio.includes(ax.param) || !trio.includes(ay.param)) return [];
  const f = grid.cells[0];
  // The line solved for the x parameter at a given y value.
  const xOf = (y: number): number => {
    const v = { a: f.a, T: f.T, gamma: f.gamma, [ay.param]: y };
    if (ax.param === 'a') return 2 * v.gamma * v.T + f.rho;
    return ax.param === 'T' ? (v.a - f.rho) / (2 * v.gamma) : (v.a - f.rho) / (2 * v.T);
  };
  const ys = ay.values;
  const fine = range(200, (i) => ys[0] + ((ys[ys.length - 1] - ys[0]) * i) / 199);
  return [{ label: 'a - rho = 2 gamma T', x: fine.map(xOf), y: fine, dashed: true, color: '#ffffff' }];
}

/** The fold curve (16) in an (a, h) plane (either order). */
function foldOverlay(grid: ExpandedGrid): HeatmapFigure['overlays'] {
  const [ax, ay] = grid.axes;
  const names = [ax.param, ay.param];
  if (!(names.includes('a') && names.includes('h'))) return [];
  const { gamma, T, rho } = grid.cells[0];
  const aMax = grid.axes.find((g) => g.param === 'a')!.values.reduce((m, v) => Math.max(m, v), -Infinity) - rho;
  const qMax = Math.acosh(Math.sqrt(Math.max(1, aMax / (2 * gamma * T))));
  const pts = foldCurve(gamma, T, range(201, (i) => -qMax + (2 * qMax * i) / 200));
  const as = pts.map((p) => p.a + rho);
  const hs = pts.map((p) => p.h);
  return [{ label: 'fold curve (16)', x: ax.param === 'a' ? as : hs, y: ax.param === 'a' ? hs : as, dashed: true, color: '#ffffff' }];
}

// ---------------------------------------------------------------------------------------
// Presets
// ---------------------------------------------------------------------------------------

function analyzeFig6(o: ScanOutcome): Analysis {
  const trace = traceCells(o)[0];
  const p = o.grid.cells[0];
  const every = o.spec.protocol.kind === 'trace' ? o.spec.protocol.every : 1;
  // The router draws step n with y_n ~ y(n eta): average the ODE's load over each interval.
  const begin = trace.steps.map((s, i) => (i === 0 ? 0 : trace.steps[i - 1]));
  const times = trace.steps.flatMap((s, i) => range(s - begin[i], (k) => (begin[i] + k) * p.eta));
  const loads = meanFieldLoadAt({ a: p.a, gamma: p.gamma, T: p.T, h: p.h, rho: p.rho }, o.spec.initial.y0, times);
  let at = 0;
  const meanField = trace.steps.map((s, i) => {
    const n = s - begin[i];
    let sum = 0;
    for (let k = 0; k < n; k++) sum += loads[at + k];
    at += n;
    return sum / n;
  });
  const R = o.spec.replicates;
  const t = trace.steps.map((s) => s * p.eta);
  const last = trace.steps.length - 1;
  const gaps = trace.meanLoad.map((m, i) => Math.abs(m - meanField[i]));
  const maxGap = gaps.reduce((m, v) => Math.max(m, v), -Infinity);
  const maxGapAt = gaps.indexOf(maxGap);
  const stable = equilibria({ a: p.a, gamma: p.gamma, T: p.T, h: p.h, rho: p.rho }).filter((e) => e.stable);
  return {
    estimates: [
      { name: 'final mean u_hat', value: trace.meanLoad[last], se: trace.sdLoad[last] / Math.sqrt(R),
        prediction: meanField[last], predictionLabel: 'mean-field ODE (6) at the same time' },
      { name: 'largest |mean u_hat - mean field| over the trace', value: maxGap,
        se: trace.sdLoad[maxGapAt] / Math.sqrt(R), prediction: 0,
        note: `at t = ${t[maxGapAt].toFixed(2)}; finite eta and B bias the mean, the band is +-1 s.d. of single runs` },
    ],
    figures: [{
      kind: 'lines', id: 'fig6-trace', title: 'Fig. 6: u_hat(t), mean over runs +-1 s.d., and the mean-field ODE',
      x: { label: 't = step * eta' }, y: { label: 'u_hat' },
      series: [
        { label: `mean u_hat over ${R} runs +-1 s.d.`, x: t, y: trace.meanLoad, color: '#1f77b4',
          lower: trace.meanLoad.map((m, i) => m - trace.sdLoad[i]), upper: trace.meanLoad.map((m, i) => m + trace.sdLoad[i]) },
        { label: 'mean-field ODE: tanh(y(t)/2T)', x: t, y: meanField, style: 'dashed', color: '#d62728' },
      ],
    }],
    tables: [{
      name: 'fig6-trace', columns: ['step', 't', 'mean_u', 'sd_u', 'mean_abs_u', 'mean_y', 'sd_y', 'meanfield_u'],
      rows: trace.steps.map((s, i) => [s, t[i], trace.meanLoad[i], trace.sdLoad[i], trace.meanAbsLoad[i], trace.meanY[i],
        trace.sdY[i], meanField[i]]),
    }],
    observables: { every, trace },
    predictions: { meanField, stableLoads: stable.map((e) => e.load) },
  };
}

function analyzeFig7(o: ScanOutcome): Analysis {
  const p = o.grid.cells[0];
  const { stepsPerPoint, cells } = sweepSpeeds(o)[0];
  const legs = cells[0];
  const H = hysteresisHalfWidth(p.a, p.gamma, p.T, p.rho);
  const w = sweepWidths(legs);
  const est = (name: string, s: { mean: number; se: number; n: number }, prediction: number, label: string): Estimate =>
    ({ name, value: s.mean, se: finiteOrNull(s.se) ?? undefined, prediction, predictionLabel: label,
      note: `${s.n} of ${o.spec.replicates} replicates switched; ${stepsPerPoint} steps per h point` });
  return {
    estimates: [
      est('up-sweep switching h', w.up, H, '+H(a) (18)'),
      est('down-sweep switching h', w.down, -H, '-H(a) (18)'),
      est('hysteresis width', w.width, 2 * H, '2 H(a)'),
    ],
    figures: [loopFigure('fig7-loop', `Fig. 7: hysteresis loop at a = ${p.a} (${stepsPerPoint} steps per point)`, legs, p)],
    tables: [legTable('fig7-loop', legs)],
    observables: { stepsPerPoint, legs, widths: w.widths },
    predictions: { H, folds: [-H, H] },
  };
}

/** Onset per row of a T axis: the T where final mean |u_hat| falls through the level. */
function onsetOf(Ts: number[], values: number[]): number | null {
  return finiteTimeOnset(Ts, values, ONSET_LEVEL, { direction: 'down' });
}

function analyzeFig8(o: ScanOutcome): Analysis {
  const cells = relaxCells(o);
  const [tAxis, gAxis] = o.grid.axes;
  const a = o.grid.cells[0].a;
  const nx = tAxis.values.length;
  const onsets = gAxis.values.map((gamma, iy) => ({
    gamma, tc: a / (2 * gamma),
    onset: onsetOf(tAxis.values, range(nx, (ix) => cells[ix + nx * iy].absMeanLoad)),
  }));
  // Rows whose crossing lies inside the T range.
  const found = onsets.filter((r): r is { gamma: number; tc: number; onset: number } => r.onset !== null);
  const ratios = found.map((r) => r.onset / r.tc);
  const estimates: Estimate[] = [];
  if (ratios.length >= 2) {
    const m = meanWithError(ratios);
    estimates.push({ name: 'onset / T_c along the boundary (mean over gamma rows)', value: m.mean, se: m.se, prediction: 1,
      predictionLabel: 'a = 2 gamma T (finite time puts the onset below)', note: `${ratios.length} rows with a crossing` });
    const fit = linearFit(found.map((r) => Math.log(r.gamma)), found.map((r) => Math.log(r.onset)));
    estimates.push({ name: 'slope of log T_onset vs log gamma', value: fit.slope, se: Math.sqrt(fit.cov[1][1]), prediction: -1,
      predictionLabel: 'T_c = a/(2 gamma)' });
  }
  // Cells well away from the line (|T/T_c - 1| > 20%): collapsed (final |u_hat| > 0.1) iff T < T_c.
  let agree = 0, total = 0;
  cells.forEach((c, i) => {
    const T = cellParam(o.grid, i, 'T');
    const tc = a / (2 * cellParam(o.grid, i, 'gamma'));
    if (Math.abs(T / tc - 1) <= 0.2) return;
    total++;
    if ((c.absMeanLoad > ONSET_LEVEL) === (T < tc)) agree++;
  });
  if (total > 0) {
    estimates.push({ name: 'cells on the predicted side (|T/T_c - 1| > 0.2)', value: agree / total, prediction: 1,
      predictionLabel: 'collapsed iff a > 2 gamma T', note: `${agree} of ${total} cells` });
  }
  const heat: HeatmapFigure = {
    kind: 'heatmap', id: 'fig8-heatmap', title: `Fig. 8: final |u_hat| over (T, gamma), a = ${a}`,
    x: { label: 'T (temperature)', values: tAxis.values }, y: { label: 'gamma (forgetting)', values: gAxis.values },
    z: gridMatrix(o.grid, (i) => cells[i].absMeanLoad), zLabel: 'final |u_hat|', zRange: [0, 1],
    overlays: [
      ...pitchforkOverlay(o.grid),
      { label: `onset (final |u_hat| = ${ONSET_LEVEL})`, x: found.map((r) => r.onset), y: found.map((r) => r.gamma), color: '#ff7f0e' },
    ],
  };
  return {
    estimates,
    figures: [heat],
    tables: [relaxTable('fig8-grid', o), { name: 'fig8-onset', columns: ['gamma', 'T_c', 'onset_T'],
      rows: onsets.map((r) => [r.gamma, r.tc, r.onset]) }],
    observables: { onsets },
    predictions: { line: 'a = 2 gamma T', tc: onsets.map((r) => ({ gamma: r.gamma, tc: r.tc })) },
  };
}

function analyzeFig9(outcomes: ScanOutcome[]): Analysis {
  const estimates: Estimate[] = [];
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2'];
  const curves: Series[] = [];
  const invVarSeries: Series[] = [];
  const rows: { gamma: number; tc: number; onset: number | null; tcFit: number; tcSe: number; ci: [number, number] }[] = [];
  const fitRows: Table['rows'] = [];
  FIG9_GAMMAS.forEach((gamma, g) => {
    const onsetRun = outcomes[2 * g];
    const varRun = outcomes[2 * g + 1];
    const tc = criticalTemperature({ a: FIG9_A, gamma, T: 1 });
    const Ts = onsetRun.grid.axes[0].values;
    const final = relaxCells(onsetRun).map((c) => c.absMeanLoad);
    const onset = onsetOf(Ts, final);
    curves.push({ label: `gamma = ${gamma}`, x: Ts.map((T) => T / tc), y: final, color: colors[g] });
    estimates.push({ name: `onset T at gamma = ${gamma}`, value: onset ?? NaN, prediction: tc, predictionLabel: 'T_c = a/(2 gamma)',
      note: onset === null ? 'final |u_hat| never crossed 0.1 in the scanned range' : 'finite time: expected below T_c' });
    // 1/Var(y) on the balanced side from the variance of the final y across replicates;
    // for normal data se(1/s^2) = sqrt(2/(n-1)) / s^2 (inverseVarianceWithError's default).
    const vTs = varRun.grid.axes[0].values;
    const R = varRun.spec.replicates;
    const inv = relaxCells(varRun).map((c) => ({ variance: c.varFinalY, value: 1 / c.varFinalY, se: Math.sqrt(2 / (R - 1)) / c.varFinalY }));
    const fit = extrapolateCriticalPoint(vTs, inv.map((v) => v.value), weightsFromStandardErrors(inv.map((v) => v.se)));
    rows.push({ gamma, tc, onset, tcFit: fit.tc, tcSe: fit.se, ci: [fit.ci.lower, fit.ci.upper] });
    estimates.push({ name: `T_c from 1/Var(y) at gamma = ${gamma}`, value: fit.tc, se: fit.se,
      ci: fit.ci.bounded ? [fit.ci.lower, fit.ci.upper] : undefined, prediction: tc, predictionLabel: 'T_c = a/(2 gamma)',
      note: `${vTs.length} temperatures x ${R} replicates; fit warnings: ${fit.warnings.join('; ') || 'none'}` });
    const eta = varRun.grid.cells[0].eta;
    const B = varRun.grid.cells[0].B;
    invVarSeries.push(
      { label: `gamma = ${gamma}: 1/Var(y) +-1 s.e.`, x: vTs.map((T) => 1 / T), y: inv.map((v) => v.value), style: 'points',
        lower: inv.map((v) => v.value - v.se), upper: inv.map((v) => v.value + v.se), color: colors[g] },
      { label: `gamma = ${gamma}: linear-noise prediction`, x: vTs.map((T) => 1 / T),
        y: vTs.map((T) => 1 / linearNoiseVariance({ a: FIG9_A, gamma, T }, B, eta)), style: 'dashed', color: colors[g] },
    );
    vTs.forEach((T, i) => fitRows.push([gamma, T, 1 / T, inv[i].variance, inv[i].value, inv[i].se,
      linearNoiseVariance({ a: FIG9_A, gamma, T }, B, eta)]));
  });
  const tcs = rows.map((r) => r.tc);
  const figures: Figure[] = [
    { kind: 'lines', id: 'fig9-final', title: 'Fig. 9: final mean |u_hat| vs T / T_c', x: { label: 'T / T_c' },
      y: { label: 'final |u_hat|', range: [0, 1] }, series: curves,
      vlines: [{ x: 1, label: 'T = T_c' }] },
    { kind: 'lines', id: 'fig9-onset', title: 'Onset and extrapolated T_c vs T_c = a/(2 gamma)', x: { label: 'T_c = a/(2 gamma)' },
      y: { label: 'estimated T' },
      series: [
        { label: 'y = T_c', x: tcs, y: tcs, style: 'dashed', color: '#555555' },
        { label: `finite-time onset (|u_hat| = ${ONSET_LEVEL})`, x: tcs, y: rows.map((r) => r.onset), style: 'points', color: '#d62728' },
        { label: 'T_c from 1/Var(y), 95% CI', x: tcs, y: rows.map((r) => r.tcFit), style: 'points', color: '#1f77b4',
          lower: rows.map((r) => finiteOrNull(r.ci[0])), upper: rows.map((r) => finiteOrNull(r.ci[1])) },
      ] },
    { kind: 'lines', id: 'fig9-inverse-variance', title: '1/Var(y) on the balanced side vs 1/T (zero at 1/T_c)',
      x: { label: '1 / T' }, y: { label: '1 / Var(y)' }, series: invVarSeries },
  ];
  return {
    estimates, figures,
    tables: [
      { name: 'fig9-onset', columns: ['gamma', 'T_c', 'onset_T', 'T_c_fit', 'T_c_fit_se', 'T_c_fit_ci_lo', 'T_c_fit_ci_hi'],
        rows: rows.map((r) => [r.gamma, r.tc, r.onset, r.tcFit, r.tcSe, finiteOrNull(r.ci[0]), finiteOrNull(r.ci[1])]) },
      { name: 'fig9-final', columns: ['gamma', 'T', 'final_abs_mean_u', 'se'],
        rows: FIG9_GAMMAS.flatMap((gamma, g) => relaxCells(outcomes[2 * g]).map((c, i) =>
          [gamma, outcomes[2 * g].grid.axes[0].values[i], c.absMeanLoad, c.absMeanLoadSE])) },
      { name: 'fig9-variance', columns: ['gamma', 'T', 'inv_T', 'var_y', 'inv_var_y', 'inv_var_y_se', 'linear_noise_var_y'], rows: fitRows },
    ],
    observables: { rows },
    predictions: { tc: rows.map((r) => ({ gamma: r.gamma, tc: r.tc })) },
  };
}

/** Figs. 10 and 11: widths per axis value and speed, extrapolated to the slow-sweep limit. */
function analyzeWidths(o: ScanOutcome, id: 'fig10' | 'fig11'): Analysis {
  const speeds = sweepSpeeds(o);
  const axis = o.grid.axes[0];
  const hValues = speeds[0].cells[0][0].values;
  // Switching points are interpolated between grid points dh apart: that, not the s.e.,
  // limits their accuracy when all replicates switch at the same grid step.
  const dh = Math.abs(hValues[1] - hValues[0]);
  const eta = o.grid.cells[0].eta;
  const predicted = (i: number) => {
    const c = o.grid.cells[i];
    return 2 * hysteresisHalfWidth(c.a, c.gamma, c.T, c.rho);
  };
  const estimates: Estimate[] = [];
  const rows: Table['rows'] = [];
  const extrapolated: { x: number; w0: number | null; lo: number | null; hi: number | null }[] = [];
  const perSpeed: Series[] = speeds.map((s, k) => ({ label: `raw width, ${s.stepsPerPoint} steps per point`, x: axis.values,
    y: axis.values.map(() => null as number | null), style: 'points', color: ['#fdae6b', '#fd8d3c', '#e6550d', '#a63603', '#7f2704'][k % 5] }));
  axis.values.forEach((x, i) => {
    const stats = speeds.map((s) => sweepWidths(s.cells[i]).width);
    stats.forEach((st, k) => {
      perSpeed[k].y[i] = finiteOrNull(st.mean);
      rows.push([x, speeds[k].stepsPerPoint, dh / (speeds[k].stepsPerPoint * eta), st.mean, st.se, st.n, predicted(i)]);
    });
    // Rate of change of h per unit time, and the slow-sweep limit w(r) = w0 + c r^(2/3).
    const ok = stats.map((st, k) => ({ st, r: dh / (speeds[k].stepsPerPoint * eta) })).filter((v) => v.st.n >= 2 && v.st.se > 0);
    let w0: number | null = null, lo: number | null = null, hi: number | null = null, se: number | undefined;
    if (ok.length >= 3) {
      const fit = extrapolateSlowSweep(ok.map((v) => v.r), ok.map((v) => v.st.mean), 2 / 3, weightsFromStandardErrors(ok.map((v) => v.st.se)));
      w0 = fit.w0; se = fit.se.w0; lo = fit.ci.lower; hi = fit.ci.upper;
    }
    extrapolated.push({ x, w0, lo, hi });
    const slowest = stats[stats.length - 1];
    estimates.push({ name: `raw width at ${axis.param} = ${x} (slowest sweep)`, value: slowest.mean, se: finiteOrNull(slowest.se) ?? undefined,
      prediction: predicted(i), predictionLabel: '2 H(a - rho)',
      note: `${slowest.n} of ${o.spec.replicates} replicates switched both ways; h grid step ${dh.toPrecision(3)}` });
    if (w0 !== null) {
      estimates.push({ name: `slow-sweep width at ${axis.param} = ${x}`, value: w0, se, ci: lo !== null && hi !== null ? [lo, hi] : undefined,
        prediction: predicted(i), predictionLabel: '2 H(a - rho)', note: 'w(r) = w0 + c r^(2/3) over the sweep speeds' });
    }
  });
  const fine = range(200, (k) => axis.values[0] + ((axis.values[axis.values.length - 1] - axis.values[0]) * k) / 199);
  const c0 = o.grid.cells[0];
  const theory = fine.map((v) => 2 * hysteresisHalfWidth(id === 'fig10' ? v : c0.a, c0.gamma, c0.T, id === 'fig11' ? v : c0.rho));
  const widthFig: LineFigure = {
    kind: 'lines', id: `${id}-width`, title: id === 'fig10' ? 'Fig. 10: hysteresis width vs a' : 'Fig. 11: hysteresis width vs rho',
    x: { label: id === 'fig10' ? 'a (reinforcement)' : 'rho (negative feedback)' }, y: { label: 'width h_up - h_down' },
    series: [
      { label: id === 'fig10' ? '2 H(a)' : '2 H(a - rho)', x: fine, y: theory, style: 'dashed', color: '#555555' },
      ...perSpeed,
      { label: 'slow-sweep extrapolation, 95% CI', x: axis.values, y: extrapolated.map((e) => e.w0), style: 'points', color: '#1f77b4',
        lower: extrapolated.map((e) => e.lo), upper: extrapolated.map((e) => e.hi) },
    ],
    vlines: id === 'fig11' ? [{ x: c0.a - 2 * c0.gamma * c0.T, label: 'a - rho = 2 gamma T' }] : undefined,
  };
  const slow = speeds[speeds.length - 1];
  const loops = axis.values.map((x, i) => loopFigure(`${id}-loop-${i}`, `${axis.param} = ${x}: loop at ${slow.stepsPerPoint} steps per point`,
    slow.cells[i], o.grid.cells[i]));
  return {
    estimates,
    figures: [widthFig, ...loops],
    tables: [
      { name: `${id}-width`, columns: [axis.param, 'steps_per_point', 'rate_dh_dt', 'width_mean', 'width_se', 'replicates_switched', 'prediction_2H'], rows },
      { name: `${id}-extrapolated`, columns: [axis.param, 'width_slow_limit', 'ci_lo', 'ci_hi', 'prediction_2H'],
        rows: extrapolated.map((e, i) => [e.x, e.w0, e.lo, e.hi, predicted(i)]) },
      ...axis.values.map((x, i) => legTable(`${id}-loops-${axis.param}${x}`, slow.cells[i])),
    ],
    observables: { widths: rows, extrapolated },
    predictions: { width: axis.values.map((x, i) => ({ [axis.param]: x, width: predicted(i) })) },
  };
}

/**
 * Branch separation of a two-family cell: half the gap between the families' mean u_hat,
 * (u+ - u-)/2, clipped to [0, 1]. About |u*| >= 0.25 where the families stay on opposite
 * stable branches (bistable; |u*| > 0.25 once a > 2.07 gamma T), 0 where they merge. Near
 * the pitchfork the merge is slow (relaxation rate |a/2T - gamma|), so short runs leave
 * a finite-time sliver along h = 0 below a = 2 gamma T.
 */
function branchSeparation(o: ScanOutcome): number[] {
  const plus = relaxCells(o, 0);
  const minus = relaxCells(o, 1);
  return plus.map((c, i) => Math.min(1, Math.max(0, (c.meanLoad - minus[i].meanLoad) / 2)));
}

/** Separation above which a cell counts as bistable. */
export const BISTABLE_SEPARATION = 0.25;

function analyzeCusp(o: ScanOutcome): Analysis {
  const b = branchSeparation(o);
  const [aAxis, hAxis] = o.grid.axes;
  let agree = 0;
  b.forEach((v, i) => {
    const c = o.grid.cells[i];
    if ((v > BISTABLE_SEPARATION) === isBistable({ a: c.a, gamma: c.gamma, T: c.T, h: c.h, rho: c.rho })) agree++;
  });
  const nx = aAxis.values.length;
  const c0 = o.grid.cells[0];
  // Per a: half the h-extent of the bistable cells vs H(a).
  const halfWidths = aAxis.values.map((a, ix) => {
    const hs = hAxis.values.filter((_, iy) => b[ix + nx * iy] > BISTABLE_SEPARATION);
    return { a, measured: hs.length ? (hs.reduce((m, v) => Math.max(m, v), -Infinity) - hs.reduce((m, v) => Math.min(m, v), Infinity)) / 2 : 0, H: hysteresisHalfWidth(a, c0.gamma, c0.T, c0.rho) };
  });
  const firstBistable = halfWidths.find((r) => r.measured > 0);
  const estimates: Estimate[] = [
    { name: 'cells where simulation and eq. (18) agree on bistability', value: agree / b.length, prediction: 1,
      predictionLabel: 'bistable iff a - rho > 2 gamma T and |h| < H(a)', note: `${agree} of ${b.length} cells; the grid step limits agreement at the fold curve` },
  ];
  if (firstBistable) {
    estimates.push({ name: 'smallest a with a bistable cell', value: firstBistable.a, prediction: 2 * c0.gamma * c0.T + c0.rho,
      predictionLabel: 'cusp at a = 2 gamma T + rho', note: `the separation exceeds ${BISTABLE_SEPARATION} once a > 2.07 gamma T; a grid step ${(aAxis.values[1] - aAxis.values[0]).toFixed(3)}` });
  }
  return {
    estimates,
    figures: [{
      kind: 'heatmap', id: 'cusp-map', title: 'Cusp: branch separation (u+ - u-)/2 of families started at y0 = +-4, over (a, h)',
      x: { label: 'a (reinforcement)', values: aAxis.values }, y: { label: 'h (skew)', values: hAxis.values },
      z: gridMatrix(o.grid, (i) => b[i]), zLabel: 'branch separation', zRange: [0, 1], overlays: foldOverlay(o.grid),
    }, {
      kind: 'lines', id: 'cusp-halfwidth', title: 'Half-width in h of the bistable region vs H(a)',
      x: { label: 'a' }, y: { label: 'half-width in h' },
      series: [
        { label: 'H(a) (18)', x: halfWidths.map((r) => r.a), y: halfWidths.map((r) => r.H), style: 'dashed', color: '#555555' },
        { label: `simulation (cells with separation > ${BISTABLE_SEPARATION})`, x: halfWidths.map((r) => r.a), y: halfWidths.map((r) => r.measured), style: 'points', color: '#d62728' },
      ],
    }],
    tables: [
      { name: 'cusp-grid', columns: ['a', 'h', 'branch_separation', 'fraction_positive_plus', 'fraction_positive_minus', 'mean_u_plus', 'mean_u_minus', 'theory_bistable'],
        rows: b.map((v, i) => {
          const c = o.grid.cells[i];
          return [c.a, c.h, v, relaxCells(o, 0)[i].fractionPositive, relaxCells(o, 1)[i].fractionPositive, relaxCells(o, 0)[i].meanLoad, relaxCells(o, 1)[i].meanLoad,
            isBistable({ a: c.a, gamma: c.gamma, T: c.T, h: c.h, rho: c.rho }) ? 1 : 0];
        }) },
      { name: 'cusp-halfwidth', columns: ['a', 'measured_half_width', 'H'], rows: halfWidths.map((r) => [r.a, r.measured, r.H]) },
    ],
    observables: { halfWidths },
    predictions: { cusp: { a: 2 * c0.gamma * c0.T + c0.rho, h: 0 } },
  };
}

export function analyzePreset(id: PresetId, outcomes: ScanOutcome[]): Analysis {
  switch (id) {
    case 'fig6': return analyzeFig6(outcomes[0]);
    case 'fig7': return analyzeFig7(outcomes[0]);
    case 'fig8': return analyzeFig8(outcomes[0]);
    case 'fig9': return analyzeFig9(outcomes);
    case 'fig10': return analyzeWidths(outcomes[0], 'fig10');
    case 'fig11': return analyzeWidths(outcomes[0], 'fig11');
    case 'cusp': return analyzeCusp(outcomes[0]);
  }
}

// ---------------------------------------------------------------------------------------
// Any spec
// ---------------------------------------------------------------------------------------

/** Figures and tables for a user's spec: what each protocol measured, with the theory drawn in. */
export function analyzeSpec(o: ScanOutcome): Analysis {
  const name = o.spec.name ?? 'scan';
  const out = o.outcome;
  const axes = o.grid.axes;
  const figures: Figure[] = [];
  const tables: Table[] = [];
  const estimates: Estimate[] = [];
  const families = o.grid.families;
  if (out.kind === 'relax') {
    for (let f = 0; f < families; f++) tables.push(relaxTable(families > 1 ? `${name}-family${f}` : name, o, f));
    const cells = relaxCells(o);
    if (axes.length === 2) {
      const value = families > 1 ? branchSeparation(o) : cells.map((c) => c.absMeanLoad);
      figures.push({
        kind: 'heatmap', id: `${name}-heatmap`, title: families > 1 ? 'branch separation (u+ - u-)/2 of the two families' : 'final |u_hat|',
        x: { label: axes[0].param, values: axes[0].values }, y: { label: axes[1].param, values: axes[1].values },
        z: gridMatrix(o.grid, (i) => value[i]), zLabel: families > 1 ? 'branch separation' : 'final |u_hat|', zRange: [0, 1],
        overlays: [...pitchforkOverlay(o.grid), ...foldOverlay(o.grid)],
      });
    } else if (axes.length === 1) {
      const xs = axes[0].values;
      const tc = axes[0].param === 'T' ? criticalTemperature(o.grid.cells[0]) : NaN;
      figures.push({
        kind: 'lines', id: `${name}-curve`, title: `final |u_hat| vs ${axes[0].param}`, x: { label: axes[0].param },
        y: { label: 'u_hat' },
        series: [
          { label: 'final |u_hat| (mean over replicates of |window mean|), +-1 s.e.', x: xs, y: cells.map((c) => c.absMeanLoad),
            lower: cells.map((c) => c.absMeanLoad - c.absMeanLoadSE), upper: cells.map((c) => c.absMeanLoad + c.absMeanLoadSE), color: '#1f77b4' },
          { label: 'mean |u_hat| over the window', x: xs, y: cells.map((c) => c.meanAbsLoad), style: 'dashed', color: '#d62728' },
        ],
        vlines: Number.isFinite(tc) ? [{ x: tc, label: 'T_c = (a - rho)/(2 gamma)' }] : undefined,
      });
      if (axes[0].param === 'T') {
        const onset = onsetOf(xs, cells.map((c) => c.absMeanLoad));
        if (onset !== null) estimates.push({ name: 'finite-time onset T', value: onset, prediction: tc, predictionLabel: 'T_c = (a - rho)/(2 gamma)' });
      }
    } else {
      const c = cells[0];
      estimates.push({ name: 'final |u_hat|', value: c.absMeanLoad, se: c.absMeanLoadSE });
      const p = o.grid.cells[0];
      const v = linearNoiseVariance(p, p.B, p.eta);
      if (Number.isFinite(v) && o.spec.replicates > 1) {
        estimates.push({ name: 'Var(final y)', value: c.varFinalY, se: c.varFinalY * Math.sqrt(2 / (o.spec.replicates - 1)),
          prediction: v, predictionLabel: 'linear-noise variance (MODEL.md section 4)' });
      }
    }
  } else if (out.kind === 'sweep') {
    out.speeds.forEach((s) => s.cells.forEach((legs, i) => {
      const label = axes.map((a) => `${a.param}${o.grid.cells[i][a.param]}`).join('-') || 'cell';
      tables.push(legTable(`${name}-${label}-spp${s.stepsPerPoint}`, legs));
      if (out.param === 'h' && legs.length === 2) {
        const w = sweepWidths(legs);
        const c = o.grid.cells[i];
        estimates.push({ name: `width at ${label}, ${s.stepsPerPoint} steps per point`, value: w.width.mean,
          se: finiteOrNull(w.width.se) ?? undefined, prediction: 2 * hysteresisHalfWidth(c.a, c.gamma, c.T, c.rho), predictionLabel: '2 H(a - rho)' });
      }
      if (figures.length < 12) {
        figures.push(out.param === 'h'
          ? loopFigure(`${name}-loop-${figures.length}`, `${label}, ${s.stepsPerPoint} steps per point`, legs, o.grid.cells[i])
          : { kind: 'lines', id: `${name}-sweep-${figures.length}`, title: `${label}, ${s.stepsPerPoint} steps per point`,
            x: { label: out.param }, y: { label: 'mean u_hat', range: [-1.05, 1.05] },
            series: legs.map((l) => ({ label: `${l.direction} sweep`, x: l.values, y: l.meanLoad,
              lower: l.meanLoad.map((m, k) => m - l.sdLoad[k]), upper: l.meanLoad.map((m, k) => m + l.sdLoad[k]) })) });
      }
    }));
  } else {
    out.cells.forEach((famCells, f) => famCells.forEach((tr, i) => {
      const c = o.grid.cells[i];
      const label = [...axes.map((a) => `${a.param}${c[a.param]}`), families > 1 ? `family${f}` : ''].filter(Boolean).join('-') || 'cell';
      const t = tr.steps.map((s) => s * c.eta);
      const y0 = f === 0 ? o.spec.initial.y0 : -o.spec.initial.y0;
      const mf = meanFieldLoadAt(c, y0, t);
      tables.push({ name: `${name}-${label}`, columns: ['step', 't', 'mean_u', 'sd_u', 'mean_abs_u', 'mean_y', 'sd_y', 'meanfield_u_at_end'],
        rows: tr.steps.map((s, k) => [s, t[k], tr.meanLoad[k], tr.sdLoad[k], tr.meanAbsLoad[k], tr.meanY[k], tr.sdY[k], mf[k]]) });
      if (figures.length < 12) {
        figures.push({ kind: 'lines', id: `${name}-trace-${figures.length}`, title: `u_hat(t), ${label}`, x: { label: 't = step * eta' },
          y: { label: 'u_hat' }, series: [
            { label: 'mean u_hat +-1 s.d.', x: t, y: tr.meanLoad, lower: tr.meanLoad.map((m, k) => m - tr.sdLoad[k]),
              upper: tr.meanLoad.map((m, k) => m + tr.sdLoad[k]), color: '#1f77b4' },
            { label: 'mean-field ODE', x: t, y: Array.from(mf), style: 'dashed', color: '#d62728' },
          ] });
      }
    }));
  }
  return { estimates, figures, tables, observables: out, predictions: {} };
}
