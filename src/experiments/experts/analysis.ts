// The generic analysis of a user's N-expert spec: figures of the mean max load share (and
// the effective number of experts) over the spec's axes or sweep, and a table of every
// cell's statistics. Estimates are left to presets, which know what to predict.

import { nExpertCriticalTemperature, saddleNodeK } from '../../analytics/theory/n-experts.js';
import type { Analysis, Figure, Series, Table } from '../types.js';
import { expertSymbol, expertTitleSuffix } from './describe.js';
import type { ExpertScanOutcome } from './run.js';

export function analyzeExpertSpec(o: ExpertScanOutcome, id: string): Analysis {
  const figures: Figure[] = [];
  const tables: Table[] = [];
  const { axes, cells } = o.grid;
  const label = (c: (typeof cells)[number]) => axes.map((a) => `${expertSymbol(a.param)} = ${c[a.param]}`).join(', ');
  // every figure title names what is held fixed (the axes and the swept parameter vary)
  const fixed = expertTitleSuffix(o.spec);
  const sym = expertSymbol;
  if (o.relax) {
    const columns = [
      ...axes.map((a) => a.param),
      'family',
      'max_load',
      'max_load_sd',
      'effective_experts',
      'dead',
      'drop_fraction',
      'contrast',
      'collapsed',
    ];
    const rows: Table['rows'] = [];
    o.relax.forEach((family, f) =>
      family.forEach((s, c) =>
        rows.push([
          ...axes.map((a) => cells[c][a.param]),
          o.families[f],
          s.maxLoad,
          s.maxLoadSd,
          s.effectiveExperts,
          s.dead,
          s.dropFraction,
          s.contrast,
          s.collapsed,
        ]),
      ),
    );
    tables.push({ name: `${id}-cells`, columns, rows });
    if (axes.length === 2) {
      const [x, y] = axes;
      o.relax.forEach((family, f) =>
        figures.push({
          kind: 'heatmap',
          id: `${id}-max-load-${o.families[f]}`,
          title: `Mean max load share over (${sym(x.param)}, ${sym(y.param)}), ${o.families[f]} start${fixed}`,
          x: { label: sym(x.param), values: x.values },
          y: { label: sym(y.param), values: y.values },
          z: y.values.map((_, iy) => x.values.map((_, ix) => family[ix + x.values.length * iy].maxLoad)),
          zLabel: 'max_i l_i',
          overlays: [],
        }),
      );
    } else {
      const xs = axes.length === 1 ? axes[0].values : [0];
      const series: Series[] = o.relax.map((family, f) => ({
        label: `${o.families[f]} start`,
        x: xs,
        y: family.map((s) => s.maxLoad),
        lower: family.map((s) => s.maxLoad - s.maxLoadSd),
        upper: family.map((s) => s.maxLoad + s.maxLoadSd),
        role: f,
      }));
      figures.push({
        kind: 'lines',
        id: `${id}-max-load`,
        title: `Mean max load share (±1 s.d. over replicates)${axes.length ? ` vs ${sym(axes[0].param)}` : ''}${fixed}`,
        x: { label: axes.length ? sym(axes[0].param) : 'cell' },
        y: { label: 'max_i l_i', range: [0, 1] },
        series,
      });
    }
  }
  if (o.sweep) {
    const p = o.spec.protocol.kind === 'sweep' ? o.spec.protocol.param : 'value';
    const series: Series[] = [];
    const rows: Table['rows'] = [];
    o.sweep.slice(0, 8).forEach((legs, c) =>
      legs.forEach((leg) =>
        series.push({
          label: `${label(cells[c]) || 'cell'}: ${leg.direction}`,
          x: leg.values,
          y: leg.maxLoad,
          role: leg.direction === 'up' ? 'up' : 'down',
        }),
      ),
    );
    o.sweep.forEach((legs, c) =>
      legs.forEach((leg) =>
        leg.values.forEach((v, i) => rows.push([c, leg.direction, v, leg.maxLoad[i], leg.maxLoadSd[i], leg.effectiveExperts[i]])),
      ),
    );
    const N = cells[0].N;
    const c0 = cells[0];
    const vlines =
      p === 'T' && c0.gamma > 0
        ? [
            { x: nExpertCriticalTemperature(c0.a - c0.rho, N, c0.gamma), label: 'T_c = a_eff/(N gamma)', role: 'reference' as const },
            ...(N >= 3 ? [{ x: (c0.a - c0.rho) / (saddleNodeK(N).K * c0.gamma), label: 'T_sn', role: 'fold' as const }] : []),
          ]
        : [];
    figures.push({
      kind: 'lines',
      id: `${id}-sweep`,
      title: `Mean max load share along the sweep of ${p === 'value' ? p : sym(p)}${fixed}`,
      x: { label: p === 'value' ? p : sym(p) },
      y: { label: 'max_i l_i', range: [0, 1] },
      series,
      vlines,
    });
    tables.push({ name: `${id}-sweep`, columns: ['cell', 'leg', p, 'max_load', 'max_load_sd', 'effective_experts'], rows });
  }
  return { estimates: [], figures, tables, observables: {}, predictions: {} };
}
