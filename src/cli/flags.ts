// Parsing and checking of command-line flag values. Every failure is an InputError that
// names the flag and the allowed range, so the CLI can print `moe-cusp: --flag: problem`
// and exit with code 2. The value is echoed quoted and cut to ~200 characters (a pasted
// megabyte comes back as `"aaaa…" (1048576 characters)`).

import { InputError, shownValue } from '../core/model.js';

function shown(raw: string): string {
  return shownValue(raw);
}

/** An integer flag in [min, max]; accepts decimal integers and exponent forms such as 1e4. */
export function parseIntegerFlag(flag: string, raw: string, min: number, max: number): number {
  const text = raw.trim();
  const value = text === '' ? NaN : Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(flag, `must be an integer in [${min}, ${max}], got ${shown(raw)}`);
  }
  return value;
}

/** A number flag in [min, max] (or (min, max] when minOpen). */
export function parseNumberFlag(flag: string, raw: string, min: number, max: number, minOpen = false): number {
  const text = raw.trim();
  const value = text === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || (minOpen ? value <= min : value < min) || value > max) {
    throw new InputError(flag, `must be a number in ${minOpen ? '(' : '['}${min}, ${max}], got ${shown(raw)}`);
  }
  return value;
}

/** One of a fixed list of words. */
export function parseChoiceFlag<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) {
    throw new InputError(flag, `must be one of ${choices.join(', ')}, got ${shown(raw)}`);
  }
  return raw as T;
}

/** A comma-separated list of words from a fixed list, without repeats, in the order given. */
export function parseChoiceListFlag<T extends string>(flag: string, raw: string, choices: readonly T[]): T[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new InputError(flag, `must be a comma-separated list of ${choices.join(', ')}, got ${shown(raw)}`);
  const out = new Set<T>();
  for (const item of items) {
    if (!(choices as readonly string[]).includes(item)) {
      throw new InputError(flag, `each entry must be one of ${choices.join(', ')}, got ${shown(item)}`);
    }
    out.add(item as T);
  }
  return [...out];
}

/** A comma-separated list of integers in [min, max], without repeats, in the order given. */
export function parseIntegerListFlag(flag: string, raw: string, min: number, max: number): number[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new InputError(flag, `must be a comma-separated list of integers in [${min}, ${max}], got ${shown(raw)}`);
  // A Set keeps the first occurrence's order, and a long list linear rather than quadratic.
  const out = new Set<number>();
  for (const item of items) {
    const value = Number(item);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InputError(flag, `each entry must be an integer in [${min}, ${max}], got ${shown(item)}`);
    }
    out.add(value);
  }
  return [...out];
}
