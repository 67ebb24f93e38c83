// What figs. 10 and 11 share: up/down h sweeps at several speeds along one parameter axis,
// and their analysis: per axis value and speed the widths h_up - h_down over replicates,
// extrapolated to the slow-sweep limit w0 + c r^(2/3), against 2 H(a - rho).

import { extrapolateSlowSweep } from '../../analytics/estimators/slow-sweep.js';
import { weightsFromStandardErrors } from '../../analytics/regression/weights.js';
import { hysteresisHalfWidth } from '../../analytics/theory/folds.js';
import { legTable, loopFigure, range } from '../figures.js';
import { finiteOrNull, legPairWidths, sweepSpeeds } from '../reductions.js';
import type { Analysis, AxisSpec, Estimate, LineFigure, ParamName, ScanOutcome, Series, Table, VLine } from '../types.js';
import type { PresetScan, Scale } from './index.js';
import { hGrid, pick, sweepSpeeds as speedsAt, SWEEP_ETA, TOKENS } from './shared.js';

/** The sweeps of one width-vs-parameter experiment along `axis`, the other parameters fixed. */
export function widthSweeps(name: string, description: string, scale: Scale, axis: AxisSpec, params: PresetScan['params']): PresetScan {
  const speeds = speedsAt(scale);
  return {
    name,
    description,
    params: { ...params, B: TOKENS, eta: SWEEP_ETA },
    axes: [axis],
    replicates: pick(scale, { quick: 8, paper: 64, large: 1024 }),
    steps: 500,
    window: Math.round(speeds[0] / 2),
    initial: { y0: 0, asym: 0, families: 'single' },
    // H(5) = 1.81 at gamma = T = 1: the grid +-3 covers every fold plus the fastest sweep's overshoot.
    protocol: { kind: 'sweep', param: 'h', values: hGrid(scale, 3), direction: 'up-down', stepsPerPoint: speeds },
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

/** Widths per axis value and speed, extrapolated to the slow-sweep limit (estimate ids `<id>.raw-width.<param>=<v>`, `<id>.width.<param>=<v>`). */
export function analyzeWidths(o: ScanOutcome, id: string, view: WidthView): Analysis {
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
  // Raw widths per speed, fastest light to slowest dark.
  const perSpeed: Series[] = speeds.map((s, k) => ({
    label: `raw width, ${s.stepsPerPoint} steps per point`,
    x: axis.values,
    y: axis.values.map(() => null as number | null),
    style: 'points',
    role: { ramp: k },
  }));
  axis.values.forEach((x, i) => {
    const stats = speeds.map((s) => {
      const w = legPairWidths(s.cells[i]);
      return { mean: w.mean, se: w.se, n: w.count };
    });
    stats.forEach((st, k) => {
      perSpeed[k].y[i] = finiteOrNull(st.mean);
      rows.push([x, speeds[k].stepsPerPoint, dh / (speeds[k].stepsPerPoint * eta), st.mean, st.se, st.n, predicted(i)]);
    });
    // Rate of change of h per unit time, and the slow-sweep limit w(r) = w0 + c r^(2/3).
    const ok = stats.map((st, k) => ({ st, r: dh / (speeds[k].stepsPerPoint * eta) })).filter((v) => v.st.n >= 2 && v.st.se > 0);
    let w0: number | null = null,
      lo: number | null = null,
      hi: number | null = null,
      se: number | undefined;
    if (ok.length >= 3) {
      const fit = extrapolateSlowSweep(
        ok.map((v) => v.r),
        ok.map((v) => v.st.mean),
        2 / 3,
        weightsFromStandardErrors(ok.map((v) => v.st.se)),
      );
      w0 = fit.w0;
      se = fit.se.w0;
      lo = fit.ci.lower;
      hi = fit.ci.upper;
    }
    extrapolated.push({ x, w0, lo, hi });
    const slowest = stats[stats.length - 1];
    estimates.push({
      id: `${id}.raw-width.${axis.param}=${x}`,
      name: `raw width at ${axis.param} = ${x} (slowest sweep)`,
      value: slowest.mean,
      ...(Number.isFinite(slowest.se) && { se: slowest.se }),
      prediction: predicted(i),
      predictionLabel: '2 H(a - rho)',
      note: `${slowest.n} of ${o.spec.replicates} replicates switched both ways; h grid step ${dh.toPrecision(3)}`,
    });
    if (w0 !== null) {
      estimates.push({
        id: `${id}.width.${axis.param}=${x}`,
        name: `slow-sweep width at ${axis.param} = ${x}`,
        value: w0,
        ...(se !== undefined && { se }),
        ...(lo !== null && hi !== null && { ci: [lo, hi] }),
        prediction: predicted(i),
        predictionLabel: '2 H(a - rho)',
        note: 'w(r) = w0 + c r^(2/3) over the sweep speeds',
      });
    }
  });
  const fine = range(200, (k) => axis.values[0] + ((axis.values[axis.values.length - 1] - axis.values[0]) * k) / 199);
  const c0 = o.grid.cells[0];
  const theory = fine.map((v) => view.theory(v, c0));
  const widthFig: LineFigure = {
    kind: 'lines',
    id: `${id}-width`,
    title: view.title,
    x: { label: view.xLabel },
    y: { label: 'width h_up - h_down' },
    series: [
      { label: view.theoryLabel, x: fine, y: theory, style: 'dashed', role: 'theory' },
      ...perSpeed,
      {
        label: 'slow-sweep extrapolation, 95% CI',
        x: axis.values,
        y: extrapolated.map((e) => e.w0),
        style: 'points',
        role: 'fit',
        lower: extrapolated.map((e) => e.lo),
        upper: extrapolated.map((e) => e.hi),
      },
    ],
    ...(view.vlines && { vlines: view.vlines }),
  };
  const slow = speeds[speeds.length - 1];
  const loops = axis.values.map((x, i) =>
    loopFigure(`${id}-loop-${i}`, `${axis.param} = ${x}: loop at ${slow.stepsPerPoint} steps per point`, slow.cells[i], o.grid.cells[i]),
  );
  return {
    estimates,
    figures: [widthFig, ...loops],
    tables: [
      {
        name: `${id}-width`,
        columns: [axis.param, 'steps_per_point', 'rate_dh_dt', 'width_mean', 'width_se', 'replicates_switched', 'prediction_2H'],
        rows,
      },
      {
        name: `${id}-extrapolated`,
        columns: [axis.param, 'width_slow_limit', 'ci_lo', 'ci_hi', 'prediction_2H'],
        rows: extrapolated.map((e, i) => [e.x, e.w0, e.lo, e.hi, predicted(i)]),
      },
      ...axis.values.map((x, i) => legTable(`${id}-loops-${axis.param}${x}`, slow.cells[i])),
    ],
    observables: { widths: rows, extrapolated },
    predictions: { width: axis.values.map((x, i) => ({ [axis.param]: x, width: predicted(i) })) },
  };
}
