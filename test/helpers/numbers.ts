// The numeric content of an experiment's result, for hashing: specs, estimates (value, s.e.,
// CI, prediction), the figures' numbers (axes, data, bands, vertical lines), the tables,
// observables and predictions. Labels, ids, notes, colour roles and the specs' names and
// descriptions are left out, so a change of wording or styling leaves the hash alone and a
// change of any number does not.

import { createHash } from 'node:crypto';
import type { ExperimentResult } from '../../src/experiments/types.js';

export function numericContent(result: ExperimentResult): unknown {
  const r = JSON.parse(JSON.stringify(result)) as ExperimentResult;
  return {
    specs: r.specs.map(({ name: _n, description: _d, ...spec }) => spec),
    estimates: r.estimates.map((e) => [e.value, e.se, e.ci, e.prediction]),
    figures: r.figures.map((f) =>
      f.kind === 'heatmap'
        ? [f.kind, f.x.values, f.y.values, f.z, f.zRange, f.overlays.map((o) => [o.x, o.y, !!o.dashed])]
        : [
            f.kind,
            f.x.range,
            f.y.range,
            !!f.x.log,
            !!f.y.log,
            f.series.map((s) => [s.x, s.y, s.lower, s.upper, s.style]),
            (f.vlines ?? []).map((v) => v.x),
          ],
    ),
    tables: r.tables.map((t) => [t.name, t.columns, t.rows]),
    observables: r.observables,
    predictions: r.predictions,
  };
}

/** SHA-256 of the numeric content, hex. */
export function numericHash(result: ExperimentResult): string {
  return createHash('sha256')
    .update(JSON.stringify(numericContent(result)))
    .digest('hex');
}
