// The generic analysis of a user's spec: figures and tables of what its protocol measured,
// with the theory drawn in (the pitchfork line and the fold curve over a heatmap, T_c on a
// T curve, the mean-field ODE on traces, stable branches and +-H(a) on h sweeps), and the
// estimates it supports. Estimate ids are `<spec name>.<quantity>[.<param>=<value>]...`
// (presets/index.ts). Titles say what was measured and at which fixed parameters
// (spec-describe.ts), so a figure read on its own (or as a PNG) describes its scan.
// f64, no Node-only imports.

import { criticalTemperature } from '../analytics/theory/critical-points.js';
import { hysteresisHalfWidth } from '../analytics/theory/folds.js';
import { linearNoiseVariance } from '../analytics/theory/linear-noise.js';
import { meanFieldLoadAt } from '../analytics/theory/mean-field-ode.js';
import { foldOverlay, gridMatrix, legTable, loopFigure, pitchforkOverlay, relaxTable } from './figures.js';
import { MAX_SPEC_FIGURES } from './limits.js';
import { cellText, fixedParamsText, measureText, PARAM_SYMBOLS } from './spec-describe.js';
import { branchSeparation, legPairWidths, onsetOf, relaxCells } from './reductions.js';
import type { Analysis, Estimate, Figure, ScanOutcome, Table } from './types.js';

/** Figures and tables for a user's spec: what each protocol measured, with the theory drawn in. */
export function analyzeSpec(o: ScanOutcome): Analysis {
  const name = o.spec.name ?? 'scan';
  const out = o.outcome;
  const axes = o.grid.axes;
  const figures: Figure[] = [];
  const tables: Table[] = [];
  const estimates: Estimate[] = [];
  const families = o.grid.families;
  const fixed = fixedParamsText(o.spec);
  /** A title: what, where (a cell's varied parameters), more about it, then the fixed parameters. */
  const titled = (what: string, where = '', more = '') => {
    const head = [what + (where ? ` at ${where}` : ''), more].filter(Boolean).join(', ');
    return fixed ? `${head}${where || more ? ';' : ' at'} ${fixed}` : head;
  };
  const sym = (i: number) => PARAM_SYMBOLS[axes[i].param];
  if (out.kind === 'relax') {
    for (let f = 0; f < families; f++) tables.push(relaxTable(families > 1 ? `${name}-family${f}` : name, o, f));
    const cells = relaxCells(o);
    if (axes.length === 2) {
      const value = families > 1 ? branchSeparation(o) : cells.map((c) => c.absMeanLoad);
      figures.push({
        kind: 'heatmap',
        id: `${name}-heatmap`,
        title: titled(families > 1 ? `branch separation (u₊ − u₋)/2 of the two families over (${sym(0)}, ${sym(1)})` : measureText(o.spec)),
        x: { label: sym(0), values: axes[0].values },
        y: { label: sym(1), values: axes[1].values },
        z: gridMatrix(o.grid, (i) => value[i]),
        zLabel: families > 1 ? 'branch separation' : 'final |û|',
        zRange: [0, 1],
        overlays: [...pitchforkOverlay(o.grid), ...foldOverlay(o.grid)],
      });
    } else if (axes.length === 1) {
      const xs = axes[0].values;
      const tc = axes[0].param === 'T' ? criticalTemperature(o.grid.cells[0]) : NaN;
      figures.push({
        kind: 'lines',
        id: `${name}-curve`,
        title: titled(measureText(o.spec)),
        x: { label: sym(0) },
        y: { label: 'û' },
        series: [
          {
            label: 'final |û| (mean over replicates of |window mean|), ±1 s.e.',
            x: xs,
            y: cells.map((c) => c.absMeanLoad),
            lower: cells.map((c) => c.absMeanLoad - c.absMeanLoadSE),
            upper: cells.map((c) => c.absMeanLoad + c.absMeanLoadSE),
            role: 'measured',
          },
          { label: 'mean |û| over the window', x: xs, y: cells.map((c) => c.meanAbsLoad), style: 'dashed', role: 'secondary' },
        ],
        ...(Number.isFinite(tc) && { vlines: [{ x: tc, label: 'T_c = (a − ρ)/(2γ)', role: 'reference' }] }),
      });
      if (axes[0].param === 'T') {
        const onset = onsetOf(
          xs,
          cells.map((c) => c.absMeanLoad),
        );
        if (onset !== null) {
          estimates.push({
            id: `${name}.onset`,
            name: 'finite-time onset T',
            value: onset,
            prediction: tc,
            predictionLabel: 'T_c = (a − ρ)/(2γ)',
          });
        }
      }
    } else {
      const c = cells[0];
      estimates.push({ id: `${name}.final-abs-load`, name: 'final |û|', value: c.absMeanLoad, se: c.absMeanLoadSE });
      const p = o.grid.cells[0];
      const v = linearNoiseVariance(p, p.B, p.eta);
      if (Number.isFinite(v) && o.spec.replicates > 1) {
        estimates.push({
          id: `${name}.var-final-y`,
          name: 'Var(final y)',
          value: c.varFinalY,
          se: c.varFinalY * Math.sqrt(2 / (o.spec.replicates - 1)),
          prediction: v,
          predictionLabel: 'linear-noise variance',
        });
      }
    }
  } else if (out.kind === 'sweep') {
    out.speeds.forEach((s) =>
      s.cells.forEach((legs, i) => {
        const label = axes.map((a) => `${a.param}${o.grid.cells[i][a.param]}`).join('-') || 'cell';
        const where = cellText(o.spec, o.grid.cells[i]);
        const what = `${PARAM_SYMBOLS[out.param]} swept ${legs.map((l) => l.direction).join(' then ')}`;
        tables.push(legTable(`${name}-${label}-spp${s.stepsPerPoint}`, legs));
        if (out.param === 'h' && legs.length === 2) {
          const w = legPairWidths(legs);
          const c = o.grid.cells[i];
          const at = axes.map((a) => `.${a.param}=${c[a.param]}`).join('');
          estimates.push({
            id: `${name}.width${at}.spp=${s.stepsPerPoint}`,
            name: `width${where ? ` at ${where}` : ''}, ${s.stepsPerPoint} steps per point`,
            value: w.mean,
            ...(Number.isFinite(w.se) && { se: w.se }),
            prediction: 2 * hysteresisHalfWidth(c.a, c.gamma, c.T, c.rho),
            predictionLabel: '2 H(a − ρ)',
          });
        }
        if (figures.length < MAX_SPEC_FIGURES) {
          figures.push(
            out.param === 'h'
              ? loopFigure(`${name}-loop-${figures.length}`, titled(what, where, `${s.stepsPerPoint} steps per point`), legs, o.grid.cells[i])
              : {
                  kind: 'lines',
                  id: `${name}-sweep-${figures.length}`,
                  title: titled(what, where, `${s.stepsPerPoint} steps per point`),
                  x: { label: PARAM_SYMBOLS[out.param] },
                  y: { label: 'mean û', range: [-1.05, 1.05] },
                  series: legs.map((l) => ({
                    label: `${l.direction} sweep`,
                    x: l.values,
                    y: l.meanLoad,
                    role: l.direction,
                    lower: l.meanLoad.map((m, k) => m - l.sdLoad[k]),
                    upper: l.meanLoad.map((m, k) => m + l.sdLoad[k]),
                  })),
                },
          );
        }
      }),
    );
  } else {
    out.cells.forEach((famCells, f) =>
      famCells.forEach((tr, i) => {
        const c = o.grid.cells[i];
        const label = [...axes.map((a) => `${a.param}${c[a.param]}`), families > 1 ? `family${f}` : ''].filter(Boolean).join('-') || 'cell';
        const t = tr.steps.map((s) => s * c.eta);
        const where = cellText(o.spec, c);
        const family = families > 1 ? `family started at ${f === 0 ? '+' : '−'}y0` : '';
        const y0 = f === 0 ? o.spec.initial.y0 : -o.spec.initial.y0;
        const mf = meanFieldLoadAt(c, y0, t);
        tables.push({
          name: `${name}-${label}`,
          columns: ['step', 't', 'mean_u', 'sd_u', 'mean_abs_u', 'mean_y', 'sd_y', 'meanfield_u_at_end'],
          rows: tr.steps.map((s, k) => [s, t[k], tr.meanLoad[k], tr.sdLoad[k], tr.meanAbsLoad[k], tr.meanY[k], tr.sdY[k], mf[k]]),
        });
        if (figures.length < MAX_SPEC_FIGURES) {
          figures.push({
            kind: 'lines',
            id: `${name}-trace-${figures.length}`,
            title: titled('û(t)', where, family),
            x: { label: 't = step × η' },
            y: { label: 'û' },
            series: [
              {
                label: 'mean û ±1 s.d.',
                x: t,
                y: tr.meanLoad,
                lower: tr.meanLoad.map((m, k) => m - tr.sdLoad[k]),
                upper: tr.meanLoad.map((m, k) => m + tr.sdLoad[k]),
                role: 'measured',
              },
              { label: 'mean-field ODE', x: t, y: Array.from(mf), style: 'dashed', role: 'theory' },
            ],
          });
        }
      }),
    );
  }
  return { estimates, figures, tables, observables: out, predictions: {} };
}
