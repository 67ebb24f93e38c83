// nexp-bistability: where a collapse persists (MODEL.md sec. 5). A map over (K, N), K = a/(gamma T)
// at gamma = T = 1, from a balanced start and from a one-winner start (r0 = (a/gamma, 0, ...,
// 0): the winner's score when it takes every token). In mean field the balanced state is
// stable for K < N and the one-winner state exists and is stable from K_sn(N) < N on, so the
// band K_sn(N) < K < N is bistable; the lines K = N and K = K_sn(N) are drawn.
//
// Per (K, N): the fraction of replicates whose window mean max share is above
// collapseLevel(N). The measured boundaries per N are where that fraction crosses 1/2,
// interpolated in log K: from the winner start the fold (expected at K_sn(N); finite time
// lets a start just below it drift slowly, so the boundary can sit slightly below) and from
// the balanced start the collapse (expected at K = N; noise at finite B kicks routers over the
// shrinking barrier earlier, and the growth just above K = N is slow, so finite time pushes it
// later).

import { saddleNodeK } from '../../../analytics/theory/n-experts.js';
import { pick } from '../../presets/shared.js';
import type { Estimate, Figure, Table } from '../../types.js';
import { defineExpertPreset } from './shared.js';

const NS = { quick: [2, 3, 4, 8], paper: [2, 3, 4, 6, 8, 12, 16, 32, 64], large: [2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 48, 64, 128] };

/** Where the fraction ys (over ascending xs) first crosses 1/2, interpolated in log x; null if never. */
export function halfCrossing(xs: readonly number[], ys: readonly number[]): number | null {
  for (let i = 1; i < xs.length; i++) {
    if (ys[i - 1] < 0.5 && ys[i] >= 0.5) {
      const t = (0.5 - ys[i - 1]) / (ys[i] - ys[i - 1]);
      return Math.exp(Math.log(xs[i - 1]) + t * (Math.log(xs[i]) - Math.log(xs[i - 1])));
    }
  }
  return null;
}

export const nexpBistability = defineExpertPreset({
  id: 'nexp-bistability',
  title: 'N experts: bistability between K_sn(N) and K = N',
  description:
    'The fraction of collapsed routers over (K = a/(γT), N) from a balanced and from a one-winner start (γ = T = 1, B = 4096), with the balanced threshold K = N and the one-winner fold K = K_sn(N).',
  scans: (scale) => [
    {
      name: 'nexp-bistability',
      description: 'Relax from a balanced and a one-winner start over (K, N)',
      params: { T: 1, gamma: 1, B: 4096, eta: 0.02 },
      axes: [
        { param: 'a' as const, values: { logspace: { from: 1.5, to: 100, count: pick(scale, { quick: 16, paper: 40, large: 96 }) } } },
        { param: 'N' as const, values: { list: pick(scale, NS) } },
      ],
      replicates: pick(scale, { quick: 8, paper: 16, large: 256 }),
      steps: pick(scale, { quick: 1500, paper: 3000, large: 10000 }),
      window: 500,
      initial: { family: 'both' as const, asym: 0.01 },
      protocol: { kind: 'relax' as const },
    },
  ],
  analyze([o]) {
    const [xAxis, yAxis] = o.grid.axes;
    const Ks = xAxis.values;
    const Ns = yAxis.values;
    const nx = Ks.length;
    const [balanced, winner] = o.relax!;
    const z = (family: typeof balanced) => Ns.map((_, iy) => Ks.map((_, ix) => family[ix + nx * iy].collapsed));
    const lines = [
      { label: 'K = N (balanced threshold)', x: Ns, y: Ns, dashed: true, role: 'theory' as const },
      { label: 'K = K_sn(N) (one-winner fold)', x: Ns.map((N) => saddleNodeK(N).K), y: Ns, dashed: true, role: 'fold' as const },
    ];
    const heatmap = (id: string, title: string, zz: (number | null)[][], label: string): Figure => ({
      kind: 'heatmap',
      id,
      title,
      x: { label: 'K = a/(gamma T)', values: Ks },
      y: { label: 'N', values: Ns },
      z: zz,
      zLabel: label,
      zRange: [0, 1],
      overlays: lines,
    });
    const estimates: Estimate[] = [];
    const rows: Table['rows'] = [];
    Ns.forEach((N, iy) => {
      const fromWinner = Ks.map((_, ix) => winner[ix + nx * iy].collapsed);
      const fromBalanced = Ks.map((_, ix) => balanced[ix + nx * iy].collapsed);
      const fold = halfCrossing(Ks, fromWinner);
      const collapse = halfCrossing(Ks, fromBalanced);
      const ksn = saddleNodeK(N).K;
      estimates.push(
        {
          id: `nexp-bistability.fold.N=${N}`,
          name: `lowest K holding a collapse (winner start), N = ${N}`,
          value: fold ?? NaN,
          prediction: ksn,
          predictionLabel: 'K_sn(N)',
          note: `grid of ${nx} K values (log spaced): resolution ${(100 * (Ks[1] / Ks[0] - 1)).toFixed(0)}%; finite time can pull it below K_sn`,
        },
        {
          id: `nexp-bistability.collapse.N=${N}`,
          name: `lowest K collapsing a balanced start, N = ${N}`,
          value: collapse ?? NaN,
          prediction: N,
          predictionLabel: 'K = N',
          note: 'noise at finite B collapses earlier; the slow growth above K = N delays it within finite time',
        },
      );
      Ks.forEach((K, ix) => rows.push([N, K, fromBalanced[ix], fromWinner[ix], balanced[ix + nx * iy].maxLoad, winner[ix + nx * iy].maxLoad]));
    });
    const bistable = Ns.map((_, iy) => Ks.map((_, ix) => Math.max(0, winner[ix + nx * iy].collapsed - balanced[ix + nx * iy].collapsed)));
    return {
      estimates,
      figures: [
        heatmap('nexp-bistability-winner', 'Collapsed fraction from a one-winner start', z(winner), 'collapsed fraction'),
        heatmap('nexp-bistability-balanced', 'Collapsed fraction from a balanced start', z(balanced), 'collapsed fraction'),
        heatmap(
          'nexp-bistability-band',
          'Bistable: collapsed from the winner start, balanced from the balanced start',
          bistable,
          'winner − balanced',
        ),
      ],
      tables: [
        {
          name: 'nexp-bistability',
          columns: ['N', 'K', 'collapsed_from_balanced', 'collapsed_from_winner', 'max_load_balanced', 'max_load_winner'],
          rows,
        },
      ],
      observables: {},
      predictions: { Ksn: Ns.map((N) => ({ N, Ksn: saddleNodeK(N).K, winnerShare: saddleNodeK(N).winnerShare })) },
    };
  },
});
