// The cusp map: two replicate families started on opposite branches (y0 = +-4) over (a, h);
// a cell is bistable where they stay apart. Against the exact fold curve (16), and the
// agreement with eq. (18) against the grid resolution: on the sub-grids of every 2nd and
// 4th point of the map. A cell's classification depends on its own routers only, so a
// sub-grid is in distribution exactly a coarser scan of the same extents (and costs
// nothing). Misclassified cells lie in a band along the fold curve (finite run time, the
// separation threshold), so the agreement tends to 1 minus the band's share of the map, not
// to 1, as the grid is refined; the trend shows whether the grid or the band limits it.

import { hysteresisHalfWidth, isBistable } from '../../analytics/theory/folds.js';
import { foldOverlay, gridMatrix } from '../figures.js';
import { branchSeparation, relaxCells } from '../reductions.js';
import type { Estimate } from '../types.js';
import { definePreset, linspace, pick, SWEEP_ETA, TOKENS } from './shared.js';

/** Separation above which a cell counts as bistable. */
export const BISTABLE_SEPARATION = 0.25;

const description =
  'Two replicate families started on opposite branches (y0 = ±4); a cell is bistable where they stay apart. Against the exact fold curve (16).';

export const cusp = definePreset({
  id: 'cusp',
  title: 'Cusp: bistability over (a, h)',
  description,
  scans: (scale) => {
    const [nA, nH] = pick(scale, { quick: [11, 13], paper: [41, 49], large: [161, 193] });
    const steps = pick(scale, { quick: 1500, paper: 3000, large: 10000 });
    return {
      map: {
        name: 'cusp',
        description,
        params: { gamma: 1, T: 1, B: TOKENS, eta: SWEEP_ETA },
        axes: [
          { param: 'a', values: linspace(1, 5, nA) },
          { param: 'h', values: linspace(-1.5, 1.5, nH) },
        ],
        replicates: pick(scale, { quick: 8, paper: 32, large: 256 }),
        steps,
        window: steps / 10,
        initial: { y0: 4, asym: 0, families: 'opposite' },
        protocol: { kind: 'relax' },
      },
    };
  },
  analyze({ map: o }) {
    const b = branchSeparation(o);
    const [aAxis, hAxis] = o.grid.axes;
    const nx = aAxis.values.length;
    const ny = hAxis.values.length;
    const agrees = b.map((v, i) => {
      const c = o.grid.cells[i];
      return v > BISTABLE_SEPARATION === isBistable({ a: c.a, gamma: c.gamma, T: c.T, h: c.h, rho: c.rho });
    });
    const agree = agrees.filter(Boolean).length;
    // Sub-grids of every k-th point in a and h (k where it divides both grid steps' counts).
    const byResolution = [4, 2, 1]
      .filter((k) => (nx - 1) % k === 0 && (ny - 1) % k === 0 && (nx - 1) / k >= 2)
      .map((k) => {
        let n = 0,
          ok = 0;
        for (let iy = 0; iy < ny; iy += k) {
          for (let ix = 0; ix < nx; ix += k) {
            n++;
            if (agrees[ix + nx * iy]) ok++;
          }
        }
        return { every: k, cells: n, na: (nx - 1) / k + 1, nh: (ny - 1) / k + 1, aStep: k * (aAxis.values[1] - aAxis.values[0]), agree: ok };
      });
    const c0 = o.grid.cells[0];
    // Per a: half the h-extent of the bistable cells vs H(a).
    const halfWidths = aAxis.values.map((a, ix) => {
      const hs = hAxis.values.filter((_, iy) => b[ix + nx * iy] > BISTABLE_SEPARATION);
      const extent = hs.length ? hs.reduce((m, v) => Math.max(m, v), -Infinity) - hs.reduce((m, v) => Math.min(m, v), Infinity) : 0;
      return { a, measured: hs.length ? extent / 2 : 0, H: hysteresisHalfWidth(a, c0.gamma, c0.T, c0.rho) };
    });
    const firstBistable = halfWidths.find((r) => r.measured > 0);
    const estimates: Estimate[] = [
      {
        id: 'cusp.agreement',
        name: 'cells where simulation and eq. (18) agree on bistability',
        value: agree / b.length,
        prediction: 1,
        predictionLabel: 'bistable iff a - rho > 2 gamma T and |h| < H(a)',
        bias: 'cells along the fold curve (finite run time, separation threshold, grid step)',
        note: `${agree} of ${b.length} cells; the grid step limits agreement at the fold curve`,
      },
      ...byResolution.map((r) => ({
        id: `cusp.agreement.cells=${r.cells}`,
        name: `cells where simulation and eq. (18) agree on bistability, ${r.na} x ${r.nh} (sub-)grid`,
        value: r.agree / r.cells,
        prediction: 1,
        predictionLabel: 'bistable iff a - rho > 2 gamma T and |h| < H(a)',
        bias: 'cells along the fold curve (finite run time, separation threshold, grid step)',
        note: `${r.agree} of ${r.cells} cells: every ${r.every === 1 ? '' : r.every === 2 ? '2nd ' : `${r.every}th `}point of the map, a step ${r.aStep.toFixed(3)}`,
      })),
    ];
    if (firstBistable) {
      estimates.push({
        id: 'cusp.first-bistable-a',
        name: 'smallest a with a bistable cell',
        value: firstBistable.a,
        prediction: 2 * c0.gamma * c0.T + c0.rho,
        predictionLabel: 'cusp at a = 2 gamma T + rho',
        note: `the separation exceeds ${BISTABLE_SEPARATION} once a > 2.07 gamma T; a grid step ${(aAxis.values[1] - aAxis.values[0]).toFixed(3)}`,
      });
    }
    const plus = relaxCells(o, 0),
      minus = relaxCells(o, 1);
    return {
      estimates,
      figures: [
        {
          kind: 'heatmap',
          id: 'cusp-map',
          title: 'Cusp: branch separation (u₊ − u₋)/2 of families started at y0 = ±4, over (a, h)',
          x: { label: 'a (reinforcement)', values: aAxis.values },
          y: { label: 'h (skew)', values: hAxis.values },
          z: gridMatrix(o.grid, (i) => b[i]),
          zLabel: 'branch separation',
          zRange: [0, 1],
          overlays: foldOverlay(o.grid),
        },
        {
          kind: 'lines',
          id: 'cusp-agreement',
          title: 'Cells where simulation and eq. (18) agree on bistability vs grid resolution (sub-grids of the map)',
          x: { label: 'grid cells', log: true },
          y: { label: 'fraction of cells agreeing' },
          series: [
            {
              label: 'simulation vs eq. (18)',
              x: byResolution.map((r) => r.cells),
              y: byResolution.map((r) => r.agree / r.cells),
              style: 'points',
              role: 'measured',
            },
            { label: 'full agreement', x: byResolution.map((r) => r.cells), y: byResolution.map(() => 1), style: 'dashed', role: 'reference' },
          ],
        },
        {
          kind: 'lines',
          id: 'cusp-halfwidth',
          title: 'Half-width in h of the bistable region vs H(a)',
          x: { label: 'a' },
          y: { label: 'half-width in h' },
          series: [
            { label: 'H(a) (18)', x: halfWidths.map((r) => r.a), y: halfWidths.map((r) => r.H), style: 'dashed', role: 'theory' },
            {
              label: `simulation (cells with separation > ${BISTABLE_SEPARATION})`,
              x: halfWidths.map((r) => r.a),
              y: halfWidths.map((r) => r.measured),
              style: 'points',
              role: 'measured',
            },
          ],
        },
      ],
      tables: [
        {
          name: 'cusp-grid',
          columns: [
            'a',
            'h',
            'branch_separation',
            'fraction_positive_plus',
            'fraction_positive_minus',
            'mean_u_plus',
            'mean_u_minus',
            'theory_bistable',
          ],
          rows: b.map((v, i) => {
            const c = o.grid.cells[i];
            return [
              c.a,
              c.h,
              v,
              plus[i].fractionPositive,
              minus[i].fractionPositive,
              plus[i].meanLoad,
              minus[i].meanLoad,
              isBistable({ a: c.a, gamma: c.gamma, T: c.T, h: c.h, rho: c.rho }) ? 1 : 0,
            ];
          }),
        },
        { name: 'cusp-halfwidth', columns: ['a', 'measured_half_width', 'H'], rows: halfWidths.map((r) => [r.a, r.measured, r.H]) },
        {
          name: 'cusp-agreement',
          columns: ['every_kth_point', 'cells', 'a_values', 'h_values', 'a_step', 'agreeing_cells', 'fraction'],
          rows: byResolution.map((r) => [r.every, r.cells, r.na, r.nh, r.aStep, r.agree, r.agree / r.cells]),
        },
      ],
      observables: { halfWidths, agreementByResolution: byResolution },
      predictions: { cusp: { a: 2 * c0.gamma * c0.T + c0.rho, h: 0 } },
    };
  },
});
