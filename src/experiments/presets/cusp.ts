// The cusp map: two replicate families started on opposite branches (y0 = +-4) over (a, h);
// a cell is bistable where they stay apart. Against the exact fold curve (16).

import { hysteresisHalfWidth, isBistable } from '../../analytics/theory/folds.js';
import { foldOverlay, gridMatrix } from '../figures.js';
import { branchSeparation, relaxCells } from '../reductions.js';
import type { Estimate } from '../types.js';
import { definePreset, linspace, pick, SWEEP_ETA, TOKENS } from './shared.js';

/** Separation above which a cell counts as bistable. */
export const BISTABLE_SEPARATION = 0.25;

const description =
  'Two replicate families started on opposite branches (y0 = +-4); a cell is bistable where they stay apart. Against the exact fold curve (16).';

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
    let agree = 0;
    b.forEach((v, i) => {
      const c = o.grid.cells[i];
      if (v > BISTABLE_SEPARATION === isBistable({ a: c.a, gamma: c.gamma, T: c.T, h: c.h, rho: c.rho })) agree++;
    });
    const nx = aAxis.values.length;
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
        note: `${agree} of ${b.length} cells; the grid step limits agreement at the fold curve`,
      },
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
          title: 'Cusp: branch separation (u+ - u-)/2 of families started at y0 = +-4, over (a, h)',
          x: { label: 'a (reinforcement)', values: aAxis.values },
          y: { label: 'h (skew)', values: hAxis.values },
          z: gridMatrix(o.grid, (i) => b[i]),
          zLabel: 'branch separation',
          zRange: [0, 1],
          overlays: foldOverlay(o.grid),
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
      ],
      observables: { halfWidths },
      predictions: { cusp: { a: 2 * c0.gamma * c0.T + c0.rho, h: 0 } },
    };
  },
});
