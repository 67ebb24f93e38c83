// What a user's scan is, in words: the title, figure titles and description of a custom
// spec's result are built from the spec itself (its protocol, axes, fixed parameters and
// run settings), never from a description it may carry over from the preset it started
// from. Display text (Unicode: γ, ρ, η, û, ×, →). f64, no Node-only imports.

import type { ParamName, ScanSpec } from './types.js';

/** How a parameter is written in titles. */
export const PARAM_SYMBOLS: Record<ParamName, string> = { a: 'a', T: 'T', gamma: 'γ', h: 'h', rho: 'ρ', B: 'B', eta: 'η' };

const ORDER: ParamName[] = ['a', 'T', 'gamma', 'h', 'rho', 'B', 'eta'];

/** A number as a title writes it: at most 6 significant digits, no float noise. */
export function titleNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6))).replace('e+', 'e');
}

/** `γ = 0.5`, `ρ = 0`. */
export const paramText = (p: ParamName, v: number): string => `${PARAM_SYMBOLS[p]} = ${titleNumber(v)}`;

/** The parameters a spec holds fixed (not on an axis, not swept), as `a = 3, h = 0, ...`. */
export function fixedParamsText(spec: ScanSpec): string {
  const varied = new Set<ParamName>(spec.axes.map((a) => a.param));
  if (spec.protocol.kind === 'sweep') varied.add(spec.protocol.param);
  return ORDER.filter((p) => !varied.has(p) && spec.params[p] !== undefined)
    .map((p) => paramText(p, spec.params[p]!))
    .join(', ');
}

/** The axes as `(T, γ)`, `T` or '' (no axes). */
export function axesText(spec: ScanSpec): string {
  const names = spec.axes.map((a) => PARAM_SYMBOLS[a.param]);
  return names.length > 1 ? `(${names.join(', ')})` : (names[0] ?? '');
}

/** A grid cell's varied parameters as `T = 1, γ = 0.5` (the axes only). */
export function cellText(spec: ScanSpec, cell: Record<ParamName, number>): string {
  return spec.axes.map((a) => paramText(a.param, cell[a.param])).join(', ');
}

const DIRECTION: Record<string, string> = { up: 'up', down: 'down', 'up-down': 'up then down', 'down-up': 'down then up' };

/** What the scan measures, without its fixed parameters: `final |û| over (T, γ)`, `h swept up then down`. */
export function measureText(spec: ScanSpec): string {
  const p = spec.protocol;
  const axes = axesText(spec);
  if (p.kind === 'relax') return axes ? `final |û| ${spec.axes.length > 1 ? 'over' : 'vs'} ${axes}` : 'final |û| at one cell';
  if (p.kind === 'sweep') return `${PARAM_SYMBOLS[p.param]} swept ${DIRECTION[p.direction]}${p.ramp ? ' (ramped)' : ''}`;
  return `û(t) every ${p.every} steps`;
}

/** `; one for each ρ` where a sweep or trace runs once per grid cell of its axes. */
function perCellText(spec: ScanSpec): string {
  return spec.protocol.kind !== 'relax' && spec.axes.length ? `; one ${spec.protocol.kind} for each ${axesText(spec)}` : '';
}

/** The title of a custom scan's result: its name, what it measures and its fixed parameters. */
export function customTitle(spec: ScanSpec): string {
  const fixed = fixedParamsText(spec);
  return `${spec.name ?? 'scan'} (custom scan): ${measureText(spec)}${fixed ? ` at ${fixed}` : ''}${perCellText(spec)}`;
}

/** One sentence with everything else a reader needs: replicates, steps, window, start, seed, sampler. */
export function runText(spec: ScanSpec): string {
  const p = spec.protocol;
  const parts = [`${spec.replicates} replicate${spec.replicates === 1 ? '' : 's'}`];
  if (p.kind === 'sweep') {
    parts.push(`${spec.steps} burn-in steps`, `${p.stepsPerPoint.join(', ')} steps per point`, `window ${spec.window}`);
  } else {
    parts.push(`${spec.steps} steps`);
    if (p.kind === 'relax') parts.push(`window ${spec.window}`);
  }
  const i = spec.initial;
  parts.push(
    `start y0 = ${i.families === 'opposite' ? '±' : ''}${titleNumber(i.y0)}${i.asym ? ` ± ${titleNumber(i.asym)} (uniform)` : ''}`,
    `seed ${spec.seed}`,
  );
  if (spec.sampler === 'tokens') parts.push('token-by-token sampler');
  return parts.join(', ');
}

/** The description of a custom scan's result: the title's content and the run settings. */
export function customDescription(spec: ScanSpec): string {
  const fixed = fixedParamsText(spec);
  return `${measureText(spec)}${fixed ? ` at ${fixed}` : ''}${perCellText(spec)}; ${runText(spec)}.`;
}
