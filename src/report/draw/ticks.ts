// Axis ticks and their labels for draw.ts: round-number linear ticks, decades (with 2 and 5
// x 10^k on short ranges) and minor ticks on log axes, and labels with just the decimals the
// step needs ('\u2212' for minus, superscript powers of ten). Browser-safe, pure functions.

import { formatNumberText } from '../format.js';

/** One axis: its data range, scale and ticks. */
export interface AxisLayout {
  label: string;
  min: number;
  max: number;
  log: boolean;
  ticks: number[];
  tickLabels: string[];
  minorTicks: number[];
}

/** 1, 2 or 5 x 10^k, giving about `target` intervals over `span`. */
export function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

/** Round-number ticks inside [min, max], about `target` intervals apart (0.3, not 0.30000000000000004). */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (!(max > min)) return [min];
  const step = niceStep(max - min, target),
    eps = step * 1e-9,
    out: number[] = [];
  for (let k = Math.ceil((min - eps) / step); k * step <= max + eps; k++) out.push(Number((k * step).toPrecision(12)) || 0);
  return out;
}

/**
 * Log-axis ticks in [min, max] (min > 0): decades (every `stride`-th when there are many),
 * also 2 and 5 x 10^k when the range spans under ~1.5 decades; minor ticks at the other
 * m x 10^k. Ranges too short for two such ticks fall back to linear ticks.
 */
export function logTicks(min: number, max: number, target = 5): { major: number[]; minor: number[] } {
  if (!(min > 0) || !(max > min)) return { major: niceTicks(min, max, target), minor: [] };
  const lo = Math.floor(Math.log10(min) + 1e-9),
    hi = Math.ceil(Math.log10(max) - 1e-9);
  const mantissas = Math.log10(max / min) < 1.5 ? [1, 2, 5] : [1];
  const stride = Math.max(1, Math.ceil((hi - lo) / Math.max(1, target)));
  const major: number[] = [],
    minor: number[] = [];
  for (let e = lo; e <= hi; e++) {
    for (let m = 1; m <= 9; m++) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v < min * (1 - 1e-9) || v > max * (1 + 1e-9)) continue;
      if (stride > 1) {
        if (m === 1) (((e % stride) + stride) % stride === 0 ? major : minor).push(v);
      } else (mantissas.includes(m) ? major : minor).push(v);
    }
  }
  return major.length >= 2 ? { major, minor } : { major: niceTicks(min, max, target), minor: [] };
}

/** A linear tick label with as many decimals as the tick step needs; '−' for minus. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s: string;
  if (a >= 1e5 || a < 1e-4) {
    const digits = Math.max(0, Math.floor(Math.log10(a) + 1e-9) - Math.floor(Math.log10(step) + 1e-9));
    s = v
      .toExponential(Math.min(digits, 12))
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  } else s = v.toFixed(Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9))));
  return s.replace(/-/g, '\u2212');
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '\u207b',
  0: '\u2070',
  1: '\u00b9',
  2: '\u00b2',
  3: '\u00b3',
  4: '\u2074',
  5: '\u2075',
  6: '\u2076',
  7: '\u2077',
  8: '\u2078',
  9: '\u2079',
};

/** Log-axis labels: 10², 10³, ... when all ticks are decades over 3 or more; else plain numbers. */
export function logTickLabels(ticks: number[]): string[] {
  const powers = ticks.map((v) => Math.round(Math.log10(v)));
  const decades = ticks.length > 1 && ticks.every((v, i) => Math.abs(v / 10 ** powers[i] - 1) < 1e-9);
  if (decades && powers[powers.length - 1] - powers[0] >= 3) return powers.map((k) => '10' + [...String(k)].map((c) => SUPERSCRIPT[c]).join(''));
  return ticks.map((v) => formatNumberText(v, 6));
}

/** Ticks and their labels for an axis showing [min, max], about `target` intervals. */
export function axisTicks(min: number, max: number, log: boolean, target: number): { ticks: number[]; labels: string[]; minor: number[] } {
  if (log) {
    const { major, minor } = logTicks(min, max, target);
    return { ticks: major, labels: logTickLabels(major), minor };
  }
  const ticks = niceTicks(min, max, target);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.abs(ticks[0] ?? 1) || 1;
  return { ticks, labels: ticks.map((v) => formatTick(v, step)), minor: [] };
}

/** An axis showing [min, max]: its ticks and labels, about `target` intervals. */
export function axisLayout(label: string, min: number, max: number, log: boolean, target: number): AxisLayout {
  const { ticks, labels, minor } = axisTicks(min, max, log, target);
  return { label, min, max, log, ticks, tickLabels: labels, minorTicks: minor };
}
