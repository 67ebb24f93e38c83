// Figure and table pieces shared by the presets (presets/*.ts) and the generic spec analysis
// (spec-analysis.ts): the mean-field stable branches and the hysteresis loop of an h sweep,
// the pitchfork line and the fold curve over a heatmap, the z matrix of a 2-axis grid, and
// the CSV tables of sweep legs and relax grids. Series and overlays carry colour roles
// (types.ts ColorRole), never colours. f64, no Node-only imports.

import { equilibria } from '../analytics/theory/equilibria.js';
import { foldCurve, hysteresisHalfWidth } from '../analytics/theory/folds.js';
import { finiteOrNull, relaxCells } from './reductions.js';
import type { ExpandedGrid, HeatmapFigure, LineFigure, ParamName, ScanOutcome, Series, SweepLeg, Table } from './types.js';

export const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

/** Parameter `name` of grid cell i. */
export const cellParam = (grid: ExpandedGrid, i: number, name: ParamName): number => grid.cells[i][name];

const minOf = (xs: number[]) => xs.reduce((m, v) => Math.min(m, v), Infinity);
const maxOf = (xs: number[]) => xs.reduce((m, v) => Math.max(m, v), -Infinity);

/** Mean-field stable branches u*(h) over an h range, for loop figures. */
export function stableBranches(a: number, gamma: number, T: number, rho: number, hMin: number, hMax: number): Series[] {
  const hs = range(401, (i) => hMin + ((hMax - hMin) * i) / 400);
  const lower: (number | null)[] = [];
  const upper: (number | null)[] = [];
  for (const h of hs) {
    const stable = equilibria({ a, gamma, T, h, rho })
      .filter((e) => e.stable)
      .map((e) => e.load);
    // Two stable states: one per branch; a single one belongs to the branch of its sign.
    const lo = stable.length > 1 ? Math.min(...stable) : stable.length === 1 && stable[0] < 0 ? stable[0] : null;
    const hi = stable.length > 1 ? Math.max(...stable) : stable.length === 1 && stable[0] >= 0 ? stable[0] : null;
    lower.push(lo);
    upper.push(hi);
  }
  return [
    { label: 'mean field: lower stable branch', x: hs, y: lower, style: 'dashed', role: 'theory' },
    { label: 'mean field: upper stable branch', x: hs, y: upper, style: 'dashed', role: 'theory-alt' },
  ];
}

/** The loop of one cell's h sweep: each leg's mean u_hat +-1 s.d., the stable branches, +-H(a). */
export function loopFigure(id: string, title: string, legs: SweepLeg[], p: { a: number; gamma: number; T: number; rho: number }): LineFigure {
  const all = legs.flatMap((l) => l.values);
  const H = hysteresisHalfWidth(p.a, p.gamma, p.T, p.rho);
  const series: Series[] = legs.map((l) => ({
    label: `${l.direction} sweep: mean u_hat +-1 s.d.`,
    x: l.values,
    y: l.meanLoad,
    lower: l.meanLoad.map((m, i) => m - l.sdLoad[i]),
    upper: l.meanLoad.map((m, i) => m + l.sdLoad[i]),
    role: l.direction,
  }));
  series.push(...stableBranches(p.a, p.gamma, p.T, p.rho, minOf(all), maxOf(all)));
  return {
    kind: 'lines',
    id,
    title,
    x: { label: 'h (skew)' },
    y: { label: 'u_hat', range: [-1.05, 1.05] },
    series,
    vlines:
      H > 0
        ? [
            { x: -H, label: '-H(a)', role: 'fold' },
            { x: H, label: '+H(a)', role: 'fold' },
          ]
        : [],
  };
}

/** The legs of one cell's sweep as a table (optional leading constant columns). */
export function legTable(name: string, legs: SweepLeg[], extra: Record<string, number> = {}): Table {
  const keys = Object.keys(extra);
  return {
    name,
    columns: [...keys, 'leg', 'h', 'mean_u', 'sd_u'],
    rows: legs.flatMap((l) => l.values.map((h, i) => [...keys.map((k) => extra[k]), l.direction, h, l.meanLoad[i], l.sdLoad[i]])),
  };
}

/** One family's relax statistics per grid cell, with the axis parameters. */
export function relaxTable(name: string, o: ScanOutcome, family = 0): Table {
  const params = o.grid.axes.map((a) => a.param);
  const cells = relaxCells(o, family);
  return {
    name,
    columns: [
      ...params,
      'final_abs_mean_u',
      'final_abs_mean_u_se',
      'mean_abs_u',
      'mean_abs_u_se',
      'mean_u',
      'mean_u2',
      'mean_final_y',
      'var_final_y',
      'fraction_positive',
    ],
    rows: cells.map((c, i) => [
      ...params.map((p) => cellParam(o.grid, i, p)),
      c.absMeanLoad,
      c.absMeanLoadSE,
      c.meanAbsLoad,
      c.meanAbsLoadSE,
      c.meanLoad,
      c.meanSqLoad,
      c.meanFinalY,
      finiteOrNull(c.varFinalY),
      c.fractionPositive,
    ]),
  };
}

/** z[iy][ix] of a 2-axis grid. */
export function gridMatrix(grid: ExpandedGrid, value: (i: number) => number | null): (number | null)[][] {
  const nx = grid.axes[0].values.length;
  const ny = grid.axes[1].values.length;
  return range(ny, (iy) => iy).map((iy) => range(nx, (ix) => ix).map((ix) => value(ix + nx * iy)));
}

/** The pitchfork line a - rho = 2 gamma T drawn when both axes are among (a, T, gamma). */
export function pitchforkOverlay(grid: ExpandedGrid): HeatmapFigure['overlays'] {
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
  return [{ label: 'a - rho = 2 gamma T', x: fine.map(xOf), y: fine, dashed: true, role: 'theory' }];
}

/** The fold curve (16) in an (a, h) plane (either order). */
export function foldOverlay(grid: ExpandedGrid): HeatmapFigure['overlays'] {
  const [ax, ay] = grid.axes;
  const names = [ax.param, ay.param];
  if (!(names.includes('a') && names.includes('h'))) return [];
  const { gamma, T, rho } = grid.cells[0];
  const aMax = maxOf(grid.axes.find((g) => g.param === 'a')!.values) - rho;
  const qMax = Math.acosh(Math.sqrt(Math.max(1, aMax / (2 * gamma * T))));
  const pts = foldCurve(
    gamma,
    T,
    range(201, (i) => -qMax + (2 * qMax * i) / 200),
  );
  const as = pts.map((p) => p.a + rho);
  const hs = pts.map((p) => p.h);
  return [{ label: 'fold curve (16)', x: ax.param === 'a' ? as : hs, y: ax.param === 'a' ? hs : as, dashed: true, role: 'theory' }];
}
