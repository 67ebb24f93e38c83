// The analysis of a training scan (the presets fig1..fig5 and a user's spec alike): figures of
// every observable with mean and +-1 s.d. over initialisations, tables of every point, and
// the estimates that make the figures quantitative, each with an interval over initialisations:
//   switch-up / switch-down / width   (sweeps of h) per model, the h where the hard load crosses
//                                     0 in the leg's direction on the last leg of that direction
//                                     (linear interpolation between points); the width is the paired difference up - down
//   accuracy-drop / mse-rise          (sweeps of h through 0) per model, the metric at h = 0 on
//                                     the first leg minus that at the largest h (paired)
//   balance-gain                      (a lambdaLb axis with 0) the accuracy gained (MSE saved) by the
//                                     largest lambda_lb over lambda_lb = 0, Welch s.e.
//   dead-fraction                     the fraction of runs where one expert gets under 1% of the
//                                     test inputs (|load| > 0.98), Wilson interval; at a sweep's
//                                     largest |h|, or at the end of a training
//   lambda-threshold                  (a lambdaLb axis) the lambda_lb above which the mean |load|
//                                     falls to a level (0.1 unless a preset says) or below, percentile
//                                     bootstrap over initialisations
// Estimate ids: <id>.<quantity>[.<param>=<value>] for the cell's axis values (presets/index.ts).

import { binomialProportionCI } from '../../analytics/estimators/binomial-proportion.js';
import { bootstrapInterval, firstFallTo } from '../../analytics/estimators/bootstrap.js';
import { crossings } from '../../analytics/estimators/crossings.js';
import { meanWithError } from '../../analytics/estimators/mean-with-error.js';
import type { Analysis, Estimate, Figure, LineFigure, Series, Table } from '../types.js';
import { fieldsOf, type TrainingField, type TrainingScanOutcome } from './run.js';
import type { TrainingParam } from './spec.js';

/** |load| above this: one expert receives under 1% of the inputs (load = 2 f_1 - 1). */
export const DEAD_LOAD = 0.98;
/** The mean |load| a balancing penalty must reach for lambda-threshold, unless the analysis is given another. */
export const BALANCE_LEVEL = 0.1;

export interface TrainingAnalysisOptions {
  /** the mean |load| of lambda-threshold (default BALANCE_LEVEL) */
  balanceLevel?: number;
}

export const FIELD_LABELS: Record<TrainingField | 'absLoad', string> = {
  mse: 'test MSE',
  accuracy: 'test accuracy',
  loss: 'test cross-entropy',
  load: 'hard load imbalance 2f₁ − 1',
  importance: 'soft importance 2E p₁ − 1',
  boundary: 'decision boundary x*',
  absLoad: 'mean |load imbalance|',
};

const SYMBOL: Record<TrainingParam, string> = { h: 'h', T: 'T', lambdaLb: 'λ_lb', routerL2: 'L2', lr: 'lr' };

/** Finite values of one point's field. */
export function finite(values: readonly (number | null)[] | undefined): number[] {
  return (values ?? []).filter((v): v is number => v !== null && Number.isFinite(v));
}

function meanSd(values: readonly (number | null)[] | undefined): { mean: number | null; sd: number | null } {
  const v = finite(values);
  if (v.length === 0) return { mean: null, sd: null };
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1)) : 0;
  return { mean: m, sd };
}

/** A cell's axis values as an id suffix and as a label. */
function cellNames(o: TrainingScanOutcome, c: number): { suffix: string; label: string } {
  const cell = o.grid.cells[c];
  return {
    suffix: o.grid.axes.map((a) => `.${a.param}=${String(cell[a.param])}`).join(''),
    label: o.grid.axes.map((a) => `${SYMBOL[a.param]} = ${cell[a.param]}`).join(', '),
  };
}

function estimateFromMean(id: string, name: string, xs: number[], note: string): Estimate | null {
  if (xs.length === 0) return null;
  const m = meanWithError(xs);
  return {
    id,
    name,
    value: m.mean,
    ...(Number.isFinite(m.se) && { se: m.se, ci: [m.ci.lower, m.ci.upper] as [number, number] }),
    note: `${note}; mean over ${m.n} initialisations (s.d. ${Number.isFinite(m.sd) ? m.sd.toPrecision(3) : 'n/a'}), 95% Student-t interval`,
  };
}

/** The points of the last leg of a direction along the sweep path (a listed path may have several). */
function lastLeg(o: TrainingScanOutcome, leg: 'up' | 'down'): number[] {
  const segs = o.points.filter((p) => p.leg === leg).map((p) => p.segment!);
  if (segs.length === 0) return [];
  const last = Math.max(...segs);
  return o.points.flatMap((p, k) => (p.segment === last ? [k] : []));
}

/** Per model, the value where the load crosses 0 in the leg's direction (first crossing on its last leg), or null. */
function switchPoints(o: TrainingScanOutcome, c: number, leg: 'up' | 'down'): (number | null)[] {
  const idx = lastLeg(o, leg);
  const values = idx.map((k) => o.points[k].value!);
  const I = o.spec.initialisations;
  return Array.from({ length: I }, (_, r) => {
    const loads = idx.map((k) => o.cells[c].points[k].load?.[r] ?? null);
    if (idx.length < 2 || loads.some((v) => v === null)) return null;
    const hit = crossings(values, loads as number[], 0, leg);
    return hit.length > 0 ? hit[0].x : null;
  });
}

function sweepEstimates(o: TrainingScanOutcome, id: string): Estimate[] {
  const out: Estimate[] = [];
  const p = o.spec.protocol;
  if (p.kind !== 'sweep') return out;
  const hasLoad = fieldsOf(o.spec).includes('load');
  const metric: TrainingField = o.spec.kind === 'digits' ? 'accuracy' : 'mse';
  const values = o.points.map((pt) => pt.value!);
  const top = o.points.reduce((best, pt, k) => (Math.abs(pt.value!) > Math.abs(values[best]) ? k : best), 0);
  const zero = o.points.findIndex((pt) => pt.value === 0);
  o.cells.forEach((cell, c) => {
    const { suffix, label } = cellNames(o, c);
    const at = label ? ` (${label})` : '';
    if (hasLoad && p.param === 'h') {
      const up = switchPoints(o, c, 'up');
      const down = switchPoints(o, c, 'down');
      const I = up.length;
      const both = up.flatMap((u, r) => (u !== null && down[r] !== null ? [u - down[r]!] : []));
      const legNote = (v: (number | null)[]) => `${v.filter((x) => x !== null).length} of ${I} runs cross load 0 on this leg`;
      for (const [q, v, words] of [
        ['switch-up', up, 'h where the load switches, up sweep'],
        ['switch-down', down, 'h where the load switches, down sweep'],
      ] as const) {
        const e = estimateFromMean(`${id}.${q}${suffix}`, `${words}${at}`, finite(v), `${legNote(v)}; interpolated between sweep points`);
        if (e) out.push({ ...e, bias: `finite sweep speed (${p.stepsPerPoint} SGD steps per point)` });
      }
      const w = estimateFromMean(`${id}.width${suffix}`, `hysteresis width in training${at}`, both, 'paired up − down per run');
      if (w) out.push({ ...w, bias: `finite sweep speed (${p.stepsPerPoint} SGD steps per point)` });
    }
    if (zero >= 0 && top !== zero) {
      const a = cell.points[zero][metric] ?? [];
      const b = cell.points[top][metric] ?? [];
      const diffs = a.flatMap((x, r) => (x !== null && b[r] !== null && b[r] !== undefined ? [metric === 'accuracy' ? x - b[r]! : b[r]! - x] : []));
      const q = metric === 'accuracy' ? 'accuracy-drop' : 'mse-rise';
      const words = metric === 'accuracy' ? 'test accuracy drop' : 'test MSE rise';
      const e = estimateFromMean(`${id}.${q}${suffix}`, `${words} from h = 0 to h = ${values[top]}${at}`, diffs, 'paired per run');
      if (e) out.push(e);
    }
    if (hasLoad) out.push(deadEstimate(`${id}.dead-fraction${suffix}`, `dead-router fraction at h = ${values[top]}${at}`, cell.points[top].load));
  });
  if (zero >= 0) out.push(...balanceGain(o, id, zero, `at h = 0 (first visit) of the sweep`));
  return out;
}

/**
 * What balancing buys: with a lambdaLb axis holding 0, the metric of the largest lambda_lb
 * minus that of lambda_lb = 0 at point k (per value of the other axis), unpaired (independent
 * models): difference of means with the Welch s.e. and a normal 95% interval.
 */
function balanceGain(o: TrainingScanOutcome, id: string, k: number, where: string): Estimate[] {
  const axis = o.grid.axes.findIndex((a) => a.param === 'lambdaLb');
  if (axis < 0) return [];
  const lambdas = o.grid.axes[axis].values;
  const i0 = lambdas.indexOf(0);
  const i1 = lambdas.indexOf(Math.max(...lambdas));
  if (i0 < 0 || i1 === i0) return [];
  const metric: TrainingField = o.spec.kind === 'digits' ? 'accuracy' : 'mse';
  const other = o.grid.axes[1 - axis];
  const n0 = o.grid.axes[0].values.length;
  const out: Estimate[] = [];
  for (let j = 0; j < (other ? other.values.length : 1); j++) {
    const cellOf = (i: number) => (axis === 0 ? i + n0 * j : j + n0 * i);
    const a = finite(o.cells[cellOf(i0)].points[k][metric]);
    const b = finite(o.cells[cellOf(i1)].points[k][metric]);
    if (a.length < 2 || b.length < 2) continue;
    const ma = meanWithError(a);
    const mb = meanWithError(b);
    const sign = metric === 'accuracy' ? 1 : -1;
    const value = sign * (mb.mean - ma.mean);
    const se = Math.hypot(ma.se, mb.se);
    const suffix = other ? `.${other.param}=${String(other.values[j])}` : '';
    out.push({
      id: `${id}.balance-gain${suffix}`,
      name: `${metric === 'accuracy' ? 'test accuracy gained' : 'test MSE saved'} by λ_lb = ${lambdas[i1]} over λ_lb = 0 ${where}${other ? ` (${SYMBOL[other.param]} = ${other.values[j]})` : ''}`,
      value,
      se,
      ci: [value - 1.96 * se, value + 1.96 * se],
      note: `difference of means over ${ma.n} and ${mb.n} initialisations, Welch s.e., normal 95% interval`,
    });
  }
  return out;
}

function deadEstimate(id: string, name: string, loads: readonly (number | null)[] | undefined): Estimate {
  const v = finite(loads);
  const k = v.filter((x) => Math.abs(x) > DEAD_LOAD).length;
  const ci = binomialProportionCI(k, Math.max(1, v.length));
  return {
    id,
    name,
    value: v.length ? k / v.length : NaN,
    ci: [ci.lower, ci.upper],
    note: `${k} of ${v.length} runs with one expert under 1% of the test inputs (|load| > ${DEAD_LOAD}); Wilson 95% interval`,
  };
}

function trainEstimates(o: TrainingScanOutcome, id: string, level: number): Estimate[] {
  const out: Estimate[] = [];
  if (o.spec.protocol.kind !== 'train' || !fieldsOf(o.spec).includes('load')) return out;
  const last = o.points.length - 1;
  o.cells.forEach((cell, c) => {
    const { suffix, label } = cellNames(o, c);
    out.push(
      deadEstimate(`${id}.dead-fraction${suffix}`, `dead-router fraction after training${label ? ` (${label})` : ''}`, cell.points[last].load),
    );
  });
  out.push(...balanceGain(o, id, last, 'after training'));
  const axis = o.grid.axes.findIndex((a) => a.param === 'lambdaLb');
  if (axis < 0) return out;
  const lambdas = o.grid.axes[axis].values;
  const other = o.grid.axes[1 - axis];
  const n0 = o.grid.axes[0].values.length;
  for (let j = 0; j < (other ? other.values.length : 1); j++) {
    const cellOf = (i: number) => (axis === 0 ? i + n0 * j : j + n0 * i);
    const groups = lambdas.map((_, i) => finite(o.cells[cellOf(i)].points[last].load).map(Math.abs));
    if (groups.some((g) => g.length === 0)) continue;
    const stat = (gs: readonly (readonly number[])[]) =>
      firstFallTo(
        lambdas,
        gs.map((g) => g.reduce((s, x) => s + x, 0) / g.length),
        level,
      );
    const b = bootstrapInterval(groups, stat, { seed: o.spec.seed });
    const suffix = other ? `.${other.param}=${String(other.values[j])}` : '';
    out.push({
      id: `${id}.lambda-threshold${suffix}`,
      name: `λ_lb above which the mean |load| ≤ ${level}${other ? ` (${SYMBOL[other.param]} = ${other.values[j]})` : ''}`,
      value: b.estimate,
      ...(Number.isFinite(b.se) && { se: b.se }),
      ci: [b.lower, b.upper],
      note: `interpolated in log λ between grid points; percentile bootstrap over initialisations (1000 draws, ${(100 * b.undefinedFraction).toFixed(1)}% never reach the level)`,
      bias: 'grid interpolation and finite training time',
    });
  }
  return out;
}

/** Series of mean +- s.d. of `field` (|load| for absLoad) over points `idx`, at x = xs. */
function band(
  o: TrainingScanOutcome,
  c: number,
  field: TrainingField | 'absLoad',
  idx: number[],
  xs: number[],
): Pick<Series, 'x' | 'y' | 'lower' | 'upper'> {
  const stats = idx.map((k) => {
    const raw = o.cells[c].points[k][field === 'absLoad' ? 'load' : field];
    return meanSd(field === 'absLoad' ? raw?.map((v) => (v === null ? null : Math.abs(v))) : raw);
  });
  return {
    x: xs,
    y: stats.map((s) => s.mean),
    lower: stats.map((s) => (s.mean === null ? null : s.mean - s.sd!)),
    upper: stats.map((s) => (s.mean === null ? null : s.mean + s.sd!)),
  };
}

function panels(o: TrainingScanOutcome): (TrainingField | 'absLoad')[] {
  const f = fieldsOf(o.spec).filter((x) => x !== 'loss');
  return o.spec.protocol.kind === 'train' && f.includes('load') ? [...f, 'absLoad'] : f;
}

function figuresOf(o: TrainingScanOutcome, id: string, title: string): Figure[] {
  const figures: LineFigure[] = [];
  const p = o.spec.protocol;
  const n = o.grid.cells.length;
  for (const field of panels(o)) {
    const series: Series[] = [];
    let x: LineFigure['x'];
    if (p.kind === 'sweep') {
      x = { label: SYMBOL[p.param] };
      for (let c = 0; c < n; c++) {
        const { label } = cellNames(o, c);
        const segments = [...new Set(o.points.map((pt) => pt.segment!))];
        for (const seg of segments) {
          const idx = o.points.flatMap((pt, k) => (pt.segment === seg ? [k] : []));
          // a leg starts where the previous one turned, so that the loop is drawn closed
          if (seg > 0) idx.unshift(idx[0] - 1);
          const leg = o.points[idx[idx.length - 1]].leg!;
          const which = segments.length > 2 ? ` (leg ${seg + 1})` : '';
          series.push({
            label: `${leg}${which}${label ? `, ${label}` : ''}`,
            ...band(
              o,
              c,
              field,
              idx,
              idx.map((k) => o.points[k].value!),
            ),
            role: leg,
            ...(c > 0 && { style: 'dashed' as const }),
          });
        }
      }
    } else if (o.grid.axes.length > 0) {
      const [ax, ay] = o.grid.axes;
      const last = o.points.length - 1;
      const logX = ax.values.every((v) => v > 0) && ax.values[ax.values.length - 1] / ax.values[0] > 20;
      x = { label: SYMBOL[ax.param], ...(logX && { log: true }) };
      for (let j = 0; j < (ay ? ay.values.length : 1); j++) {
        const cells = ax.values.map((_, i) => i + ax.values.length * j);
        const s = cells.map((c) => band(o, c, field, [last], [0]));
        series.push({
          label: ay ? `${SYMBOL[ay.param]} = ${ay.values[j]}` : 'mean ± s.d.',
          x: ax.values,
          y: s.map((b) => b.y[0]),
          lower: s.map((b) => b.lower![0]),
          upper: s.map((b) => b.upper![0]),
          role: ay ? j : 'measured',
        });
      }
    } else {
      x = { label: 'SGD step' };
      series.push({
        label: 'mean ± s.d.',
        ...band(
          o,
          0,
          field,
          o.points.map((_, k) => k),
          o.points.map((pt) => pt.step),
        ),
        role: 'measured',
      });
    }
    figures.push({ kind: 'lines', id: `${id}-${field}`, title: `${title}: ${FIELD_LABELS[field]}`, x, y: { label: FIELD_LABELS[field] }, series });
  }
  return figures;
}

function pointsTable(o: TrainingScanOutcome, id: string): Table {
  const fields = fieldsOf(o.spec);
  const columns = [...o.grid.axes.map((a) => a.param), 'step', 'param', 'value', 'leg', 'runs', ...fields.flatMap((f) => [`${f}_mean`, `${f}_sd`])];
  if (fields.includes('load')) columns.push('dead_fraction');
  const rows: Table['rows'] = [];
  o.cells.forEach((cell, c) =>
    o.points.forEach((pt, k) => {
      const row: Table['rows'][number] = [
        ...o.grid.axes.map((a) => o.grid.cells[c][a.param]),
        pt.step,
        pt.param ?? null,
        pt.value ?? null,
        pt.leg ?? null,
        finite(cell.points[k][fields[0]]).length,
      ];
      for (const f of fields) {
        const s = meanSd(cell.points[k][f]);
        row.push(s.mean, s.sd);
      }
      if (fields.includes('load')) {
        const v = finite(cell.points[k].load);
        row.push(v.length ? v.filter((x) => Math.abs(x) > DEAD_LOAD).length / v.length : null);
      }
      rows.push(row);
    }),
  );
  return { name: `${id}-points`, columns, rows };
}

/** Estimates, figures and tables of one training scan; `title` heads its figures. */
export function analyzeTrainingScan(o: TrainingScanOutcome, id: string, title: string, options: TrainingAnalysisOptions = {}): Analysis {
  return {
    estimates: [...sweepEstimates(o, id), ...trainEstimates(o, id, options.balanceLevel ?? BALANCE_LEVEL)],
    figures: figuresOf(o, id, title),
    tables: [pointsTable(o, id)],
    observables: { points: o.points, models: o.grid.cells.length * o.spec.initialisations },
    predictions: {},
  };
}
