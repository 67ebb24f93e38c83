// Scan grids and counts: the values an axis or a sweep visits, the grid cells of a spec, and
// the routers and router-steps it runs (spec.ts parses and checks specs; it re-exports these).
// No Node-only imports: this runs in the browser too.

import { InputError, MAX_ROUTERS } from '../core/model.js';
import { type ExpandedGrid, PARAM_NAMES, type ParamName, type ScanSpec, type SweepProtocol, type ValueGrid } from './types.js';

// ---------------------------------------------------------------------------------------
// Grids
// ---------------------------------------------------------------------------------------

/** Values of a grid: linspace evenly, logspace geometrically between from and to (both included), list as given. */
export function gridValues(g: ValueGrid): number[] {
  if ('list' in g) return [...g.list];
  const { from, to, count } = 'linspace' in g ? g.linspace : g.logspace;
  if (count === 1) return [from];
  const log = 'logspace' in g;
  const [a, b] = log ? [Math.log10(from), Math.log10(to)] : [from, to];
  return Array.from({ length: count }, (_, i) => {
    if (i === 0) return from;
    if (i === count - 1) return to;
    const x = a + ((b - a) * i) / (count - 1);
    return log ? 10 ** x : x; // base 10: decade grids hit powers of ten exactly
  });
}

/** The legs of a sweep in the order run: 'up' visits the grid's values increasing, 'down' decreasing. */
export function sweepLegs(p: SweepProtocol): { direction: 'up' | 'down'; values: number[] }[] {
  const up = gridValues(p.values).sort((x, y) => x - y);
  const down = [...up].reverse();
  const leg = (direction: 'up' | 'down') => ({ direction, values: direction === 'up' ? up : down });
  return (p.direction === 'up-down' ? (['up', 'down'] as const) : p.direction === 'down-up' ? (['down', 'up'] as const) : [p.direction]).map(leg);
}

/**
 * Grid cells of a parsed spec, index i0 + n0 * i1 (axis 0 fastest). A swept parameter holds
 * its first visited value (the burn-in value).
 */
export function expandGrid(spec: ScanSpec): ExpandedGrid {
  const axes = spec.axes.map((a) => ({ param: a.param, values: gridValues(a.values) }));
  const base = { ...spec.params } as Record<ParamName, number>;
  if (spec.protocol.kind === 'sweep') base[spec.protocol.param] = sweepLegs(spec.protocol)[0].values[0];
  const [n0, n1] = [axes[0]?.values.length ?? 1, axes[1]?.values.length ?? 1];
  const cells: Record<ParamName, number>[] = [];
  for (let i1 = 0; i1 < n1; i1++) {
    for (let i0 = 0; i0 < n0; i0++) {
      const cell = { ...base };
      if (axes[0]) cell[axes[0].param] = axes[0].values[i0];
      if (axes[1]) cell[axes[1].param] = axes[1].values[i1];
      cells.push(Object.fromEntries(PARAM_NAMES.map((p) => [p, cell[p]])) as Record<ParamName, number>);
    }
  }
  return { axes, cells, families: spec.initial.families === 'opposite' ? 2 : 1 };
}

export function gridSize(spec: ScanSpec): number {
  return spec.axes.reduce((n, a) => n * gridCount(a.values), 1);
}

export function gridCount(g: ValueGrid): number {
  return 'list' in g ? g.list.length : ('linspace' in g ? g.linspace : g.logspace).count;
}

// ---------------------------------------------------------------------------------------
// Counting: routers per session and router-steps in all
// ---------------------------------------------------------------------------------------

/**
 * Routers of the largest session: grid cells x families x replicates for relax and trace;
 * grid cells x replicates for a sweep (each sweep speed runs in its own session).
 */
export function specRouters(spec: ScanSpec): number {
  const families = spec.initial.families === 'opposite' ? 2 : 1;
  return gridSize(spec) * families * spec.replicates;
}

/** Steps one sweep session runs: burn-in plus every point of every leg. */
export function sweepSteps(spec: ScanSpec, stepsPerPoint: number): number {
  if (spec.protocol.kind !== 'sweep') return spec.steps;
  const points = sweepLegs(spec.protocol).reduce((n, leg) => n + leg.values.length, 0);
  return spec.steps + points * stepsPerPoint;
}

/** Router-steps the protocol runs in all, or over grid cells [begin, end) (progress and ETA). */
export function specRouterSteps(spec: ScanSpec, cells?: [number, number]): number {
  const routers = cells ? (specRouters(spec) / gridSize(spec)) * (cells[1] - cells[0]) : specRouters(spec);
  if (spec.protocol.kind !== 'sweep') return routers * spec.steps;
  return spec.protocol.stepsPerPoint.reduce((n, spp) => n + routers * sweepSteps(spec, spp), 0);
}

/**
 * Checks that the scan can run on an engine holding `maxRouters` routers per session. Scans
 * larger than that run in passes over consecutive grid cells, so one grid cell (its
 * families x replicates) must fit; the whole scan must stay within 2^32 router indices.
 */
export function validateSpecFor(spec: ScanSpec, maxRouters: number = MAX_ROUTERS): void {
  const families = spec.initial.families === 'opposite' ? 2 : 1;
  const perCell = families * spec.replicates;
  const limit = Math.min(maxRouters, MAX_ROUTERS);
  const fam = families > 1 ? ' x 2 families' : '';
  if (perCell > limit) {
    throw new InputError(
      'replicates',
      `one grid cell needs ${perCell} routers (${spec.replicates} replicates${fam}); this engine holds at most ${limit} ` +
        'in one pass: use fewer replicates',
    );
  }
  const routers = specRouters(spec);
  if (routers > MAX_ROUTERS) {
    throw new InputError(
      'replicates',
      `the scan has ${routers} routers (${gridSize(spec)} grid cells${fam} x ${spec.replicates} replicates); ` +
        `at most ${MAX_ROUTERS} (2^32 - 1) router indices: use fewer cells or replicates`,
    );
  }
}
