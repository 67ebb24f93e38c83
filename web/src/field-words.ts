// The spec's errors in words for the page: an InputError names a JSON path and says, in the
// command line's terms, what is allowed ("params.T: must be a number in [1e-30, 1000000], got
// 0"); a person at the form reads "T must be greater than 0; you entered 0." The field's
// name comes from the form's labels, the rule from the value given, and JSON paths inside a
// message become the names of the fields they refer to.

import type { InputError } from '../../src/core/model.js';

const NAMES: [RegExp, string | ((...m: string[]) => string)][] = [
  [/^params\.(\w+)$/, (_, p) => p],
  [/^protocol\.values(\.(linspace|logspace))?\.from$/, 'Sweep from'],
  [/^protocol\.values(\.(linspace|logspace))?\.to$/, 'Sweep to'],
  [/^protocol\.values(\.(linspace|logspace))?\.count$/, 'Sweep points'],
  [/^protocol\.values.*$/, 'Sweep values'],
  [/^protocol\.stepsPerPoint.*$/, 'Steps per point'],
  [/^protocol\.every$/, 'Record every'],
  [/^protocol\.param$/, 'Swept parameter'],
  [/^protocol\.direction$/, 'Direction'],
  [/^protocol\.ramp$/, 'Ramp'],
  [/^protocol(\.kind)?$/, 'Protocol'],
  [/^replicates$/, 'Replicates'],
  [/^steps$/, 'Steps'],
  [/^window$/, 'Window'],
  [/^seed$/, 'Seed'],
  [/^initial\.y0$/, 'Initial y0'],
  [/^initial\.asym$/, 'Random initial asymmetry'],
  [/^initial\.families$/, 'Start'],
  [/^initial\.family$/, 'Start'],
  [/^initial\.winnerGap$/, 'Winner gap'],
  [/^initial\.r0(\[\d+\])?$/, 'Initial scores r0'],
  [/^b(\[\d+\])?$/, 'Per-expert drift b'],
  [/^bias$/, 'Loss-free bias'],
  [/^model$/, 'Model'],
  [/^initial$/, 'Initial state'],
  [/^sampler$/, 'Sampler'],
  [/^name$/, 'Name'],
  [/^description$/, 'Description'],
];

const AXIS_PART: Record<string, string> = { from: 'from', to: 'to', count: 'points' };

/** The form's name of a spec field: `axes[0].values.linspace.count` of a T axis is "T axis points". */
export function fieldName(path: string, axisParams: readonly string[] = []): string {
  const axis = /^axes\[(\d+)\](?:\.values(?:\.(?:linspace|logspace))?(?:\.(from|to|count))?|\.values\.list(?:\[\d+\])?|\.param)?/.exec(path);
  if (axis && axis[0] === path) {
    const k = Number(axis[1]);
    const name = axisParams[k] ? `${axisParams[k]} axis` : k === 0 ? 'x axis' : 'y axis';
    return axis[2] ? `${name} ${AXIS_PART[axis[2]]}` : /\.list/.test(path) ? `${name} values` : name;
  }
  if (path === 'axes') return 'Axes';
  for (const [re, name] of NAMES) {
    const m = re.exec(path);
    if (m) return typeof name === 'string' ? name : name(...m);
  }
  return path === 'spec' ? 'The scan' : path;
}

/** 1000000 as 1,000,000 (long integers only), the rest as written. */
function shownNumber(text: string): string {
  const v = Number(text);
  return Number.isInteger(v) && Math.abs(v) >= 10_000 ? v.toLocaleString('en-US') : text;
}

/** "must be an integer in [1, 200] (steps)" and a value, as the one rule the value breaks. */
function rangeInWords(integer: boolean, open: boolean, lo: string, hi: string, tail: string, got: string | undefined): string {
  const min = Number(lo);
  const max = Number(hi);
  const value = got !== undefined && /^-?[\d.]+(e[-+]?\d+)?$/i.test(got) ? Number(got) : undefined;
  const whole = integer ? 'a whole number' : 'a number';
  const above = min === 1e-30 || (open && min === 0) ? 'greater than 0' : open ? `greater than ${shownNumber(lo)}` : `at least ${shownNumber(lo)}`;
  let rule: string;
  if (got !== undefined && value === undefined) rule = `must be ${whole}`;
  else if (value !== undefined && integer && !Number.isInteger(value)) rule = 'must be a whole number';
  else if (value !== undefined && (open ? value <= min : value < min)) rule = `must be ${above}`;
  else if (value !== undefined && value > max) rule = `must be at most ${shownNumber(hi)}`;
  else if (max >= 1e6) rule = `must be ${whole}, ${above}`;
  else rule = open ? `must be ${whole} greater than ${lo} and at most ${hi}` : `must be ${whole} from ${shownNumber(lo)} to ${shownNumber(hi)}`;
  return `${rule}${tail}`;
}

/** The problem of an InputError in words, without the field's name. */
export function problemInWords(problem: string, axisParams: readonly string[] = []): string {
  let p = problem;
  let got: string | undefined;
  const gotMatch = /, got (.*)$/.exec(p);
  if (gotMatch) {
    got = gotMatch[1];
    p = p.slice(0, gotMatch.index);
  }
  // "T must be a number in ..." of a grid value: the field's name says which parameter
  p = p.replace(/^(a|T|gamma|h|rho|B|eta|N|u|cf) (?=must be )/, '');
  if (p.startsWith('is required unless on an axis or swept') || /^is required \(or make \w+ an axis\)$/.test(p))
    return 'is needed: give it a value or put it on an axis';
  const required = p.startsWith('is required; ');
  if (required) p = p.slice('is required; '.length);
  const range = /^must be (an integer|a number) in ([[(])(\S+), (\S+)\](.*)$/.exec(p);
  const lower = /^must be a finite (integer|number) (>=?) (\S+)(.*)$/.exec(p);
  if (range) p = rangeInWords(range[1] === 'an integer', range[2] === '(', range[3], range[4], range[5], required ? undefined : got);
  else if (lower) p = rangeInWords(lower[1] === 'integer', lower[2] === '>', lower[3], 'Infinity', lower[4], required ? undefined : got);
  else if (/^must be a finite (number|integer)$/.test(p)) p = `must be ${p.endsWith('integer') ? 'a whole number' : 'a number'}`;
  if (required) p = `is required: ${p.replace(/^must be /, '')}`;
  // the N-expert spec's window: "must be at most steps (400)"
  p = p.replace(/^must be at most (steps|protocol\.stepsPerPoint) \((\d+)\)$/, (_, f: string, n: string) =>
    f === 'steps' ? `must be at most ${n} (the steps)` : `must be at most ${n} (the steps per point)`,
  );
  // JSON paths inside the sentence, as the fields' names
  p = p
    .replace(/\b(axes\[\d+\](?:\.values)?|protocol\.\w+(?:\[\d+\])?|params\.\w+|initial\.\w+)/g, (m) =>
      m.startsWith('axes') ? `the ${fieldName(m, axisParams)}` : `“${fieldName(m, axisParams)}”`,
    )
    .replace(/\((steps|window|replicates)\)/g, (_, f: string) => `(the ${f})`)
    .replace('fix it in params or scan it, not both', 'give it a value or put it on an axis, not both');
  const shown = got !== undefined && !required ? `; you entered ${got}` : '';
  return `${p}${shown}`;
}

/** The whole message for the form: "T must be greater than 0; you entered 0." */
export function errorInWords(error: Pick<InputError, 'field' | 'problem'>, axisParams: readonly string[] = []): string {
  const name = fieldName(error.field, axisParams);
  const problem = problemInWords(error.problem, axisParams);
  const sentence = /^(must|is|gives|holds|has|needs|would|sets)\b/.test(problem)
    ? `${name} ${problem}`
    : problem.charAt(0).toUpperCase() + problem.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
