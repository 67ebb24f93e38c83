// Fig. 8: the average final |u_hat| over (T, gamma) at a = 3, h = 0, from a small random
// asymmetry, against the pitchfork line a = 2 gamma T; the onset per gamma row.

import { meanWithError } from '../../analytics/estimators/mean-with-error.js';
import { linearFit } from '../../analytics/regression/linear-fit.js';
import { cellParam, gridMatrix, pitchforkOverlay, range, relaxTable } from '../figures.js';
import { ONSET_LEVEL, onsetOf, relaxCells } from '../reductions.js';
import type { Estimate, HeatmapFigure } from '../types.js';
import { definePreset, linspace, ONSET, pick, TOKENS } from './shared.js';

const description = 'Heatmap of the average final |u_hat| at a=3, h=0, small random initial asymmetry, with the pitchfork line a = 2 gamma T.';

export const fig8 = definePreset({
  id: 'fig8',
  title: 'Fig. 8: final |u_hat| over (T, gamma)',
  description,
  scans: (scale) => {
    // The finite-time onset runs shared with fig. 9 (ONSET, shared.ts).
    const steps = ONSET.steps[scale];
    const [nT, nG] = pick(scale, { quick: [12, 10], paper: [41, 37], large: [121, 91] });
    return {
      grid: {
        name: 'fig8',
        description,
        params: { a: 3, h: 0, B: TOKENS, eta: ONSET.eta },
        axes: [
          { param: 'T', values: linspace(0.5, 3, nT) },
          { param: 'gamma', values: linspace(0.2, 2, nG) },
        ],
        replicates: pick(scale, { quick: 8, paper: 64, large: 1024 }),
        steps,
        window: steps / 10,
        initial: { y0: 0, asym: ONSET.asym, families: 'single' },
        protocol: { kind: 'relax' },
      },
    };
  },
  analyze({ grid: o }) {
    const cells = relaxCells(o);
    const [tAxis, gAxis] = o.grid.axes;
    const a = o.grid.cells[0].a;
    const nx = tAxis.values.length;
    const onsets = gAxis.values.map((gamma, iy) => ({
      gamma,
      tc: a / (2 * gamma),
      onset: onsetOf(
        tAxis.values,
        range(nx, (ix) => cells[ix + nx * iy].absMeanLoad),
      ),
    }));
    // Rows whose crossing lies inside the T range.
    const found = onsets.filter((r): r is { gamma: number; tc: number; onset: number } => r.onset !== null);
    const ratios = found.map((r) => r.onset / r.tc);
    const estimates: Estimate[] = [];
    if (ratios.length >= 2) {
      const m = meanWithError(ratios);
      estimates.push({
        id: 'fig8.onset-ratio',
        name: 'onset / T_c along the boundary (mean over gamma rows)',
        value: m.mean,
        se: m.se,
        prediction: 1,
        predictionLabel: 'a = 2 gamma T (finite time puts the onset below)',
        note: `${ratios.length} rows with a crossing`,
      });
      const fit = linearFit(
        found.map((r) => Math.log(r.gamma)),
        found.map((r) => Math.log(r.onset)),
      );
      estimates.push({
        id: 'fig8.slope',
        name: 'slope of log T_onset vs log gamma',
        value: fit.slope,
        se: Math.sqrt(fit.cov[1][1]),
        prediction: -1,
        predictionLabel: 'T_c = a/(2 gamma)',
      });
    }
    // Cells well away from the line (|T/T_c - 1| > 20%): collapsed (final |u_hat| > 0.1) iff T < T_c.
    let agree = 0,
      total = 0;
    cells.forEach((c, i) => {
      const T = cellParam(o.grid, i, 'T');
      const tc = a / (2 * cellParam(o.grid, i, 'gamma'));
      if (Math.abs(T / tc - 1) <= 0.2) return;
      total++;
      if (c.absMeanLoad > ONSET_LEVEL === T < tc) agree++;
    });
    if (total > 0) {
      estimates.push({
        id: 'fig8.side-agreement',
        name: 'cells on the predicted side (|T/T_c - 1| > 0.2)',
        value: agree / total,
        prediction: 1,
        predictionLabel: 'collapsed iff a > 2 gamma T',
        note: `${agree} of ${total} cells`,
      });
    }
    const heat: HeatmapFigure = {
      kind: 'heatmap',
      id: 'fig8-heatmap',
      title: `Fig. 8: final |u_hat| over (T, gamma), a = ${a}`,
      x: { label: 'T (temperature)', values: tAxis.values },
      y: { label: 'gamma (forgetting)', values: gAxis.values },
      z: gridMatrix(o.grid, (i) => cells[i].absMeanLoad),
      zLabel: 'final |u_hat|',
      zRange: [0, 1],
      overlays: [
        ...pitchforkOverlay(o.grid),
        { label: `onset (final |u_hat| = ${ONSET_LEVEL})`, x: found.map((r) => r.onset), y: found.map((r) => r.gamma), role: 'onset' },
      ],
    };
    return {
      estimates,
      figures: [heat],
      tables: [
        relaxTable('fig8-grid', o),
        { name: 'fig8-onset', columns: ['gamma', 'T_c', 'onset_T'], rows: onsets.map((r) => [r.gamma, r.tc, r.onset]) },
      ],
      observables: { onsets },
      predictions: { line: 'a = 2 gamma T', tc: onsets.map((r) => ({ gamma: r.gamma, tc: r.tc })) },
    };
  },
});
