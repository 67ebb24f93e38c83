// What a user's N-expert scan is, in words (as spec-describe.ts does for two experts): the
// title, description and figure titles of its result come from the spec itself (what it
// measures, its fixed parameters, the balancing, the run settings), never from a preset's
// text it was copied from. Display text (γ, ρ, η, ±). No Node-only imports.

import { titleNumber } from '../spec-describe.js';
import type { ExpertParam, ExpertScanSpec } from './spec.js';

const SYMBOLS: Record<ExpertParam, string> = { N: 'N', a: 'a', T: 'T', gamma: 'γ', rho: 'ρ', B: 'B', eta: 'η', u: 'u', cf: 'cf' };
const ORDER: ExpertParam[] = ['N', 'a', 'T', 'gamma', 'rho', 'B', 'eta', 'u', 'cf'];

/** How an N-expert parameter is written in titles. */
export const expertSymbol = (p: ExpertParam): string => SYMBOLS[p];

/** The parameters the spec holds fixed (not on an axis, not swept), as `N = 8, a = 3, γ = 1, ...`; u only with the bias on, cf only when set. */
export function expertFixedText(spec: ExpertScanSpec): string {
  const varied = new Set<ExpertParam>(spec.axes.map((a) => a.param));
  if (spec.protocol.kind === 'sweep') varied.add(spec.protocol.param);
  const shown = ORDER.filter((p) => !varied.has(p) && !(p === 'u' && spec.bias === 'off') && !(p === 'cf' && spec.params.cf === 0));
  const text = shown.map((p) => `${SYMBOLS[p]} = ${titleNumber(spec.params[p])}`);
  if (spec.bias !== 'off') text.push(`${spec.bias} loss-free bias`);
  return text.join(', ');
}

/** What the scan measures: `mean max load share over (a, u)`, `T swept down then up`. */
export function expertMeasureText(spec: ExpertScanSpec): string {
  const p = spec.protocol;
  if (p.kind === 'sweep') return `${SYMBOLS[p.param]} swept ${p.direction === 'down-up' ? 'down then up' : 'up then down'}`;
  const names = spec.axes.map((a) => SYMBOLS[a.param]);
  if (names.length === 0) return 'mean max load share at one cell';
  return names.length > 1 ? `mean max load share over (${names.join(', ')})` : `mean max load share vs ${names[0]}`;
}

/** `at N = 8, a = 3, ...` or '' (nothing fixed). */
const atFixed = (spec: ExpertScanSpec) => {
  const fixed = expertFixedText(spec);
  return fixed ? ` at ${fixed}` : '';
};

/** The title of a custom N-expert scan's result: its name, what it measures and its fixed parameters. */
export function expertCustomTitle(spec: ExpertScanSpec): string {
  return `${spec.name ?? 'experts'} (custom N-expert scan): ${expertMeasureText(spec)}${atFixed(spec)}`;
}

/** One sentence with the rest a reader needs: replicates, steps, window, the start, the seed. */
export function expertCustomDescription(spec: ExpertScanSpec): string {
  const p = spec.protocol;
  const i = spec.initial;
  const start =
    i.r0 !== undefined
      ? `start r0 = (${i.r0.map(titleNumber).join(', ')})`
      : i.family === 'both'
        ? 'a balanced and a one-winner start'
        : `${i.family === 'winner' ? 'one-winner' : 'balanced'} start`;
  const parts = [
    `${spec.replicates} replicate${spec.replicates === 1 ? '' : 's'}`,
    p.kind === 'sweep' ? `${spec.steps} burn-in steps, ${p.stepsPerPoint} steps per point` : `${spec.steps} steps`,
    `window ${spec.window}`,
    `${start}${i.asym ? ` ± ${titleNumber(i.asym)} (uniform)` : ''}`,
    `seed ${spec.seed}`,
  ];
  return `${expertMeasureText(spec)}${atFixed(spec)}; ${parts.join(', ')}.`;
}

/** A figure title's suffix with the fixed parameters: `; N = 8, a = 3, ...` or ''. */
export function expertTitleSuffix(spec: ExpertScanSpec): string {
  const fixed = expertFixedText(spec);
  return fixed ? `; ${fixed}` : '';
}
