// The building blocks of the part and checkpoint schemas (part-schema.ts for the routers,
// part-envelope.ts for what every model's parts share, experts/ and training/part-schema.ts):
// zod schemas of field types whose messages say what a field must be, objects that name their
// allowed keys, the provenance of a scan, and parseWith, which turns the first issue into an
// InputError on the file's label whose problem starts with the JSON path. No Node-only imports.

import { z } from 'zod';
import { InputError } from '../core/model.js';

/** A value as a message shows it: short, whatever it is. */
export function shown(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (v === null || typeof v === 'boolean') return String(v);
  if (v instanceof Float64Array) return `a Float64Array of ${v.length}`;
  if (Array.isArray(v)) {
    const simple = v.length <= 4 && v.every((x) => x === null || typeof x === 'number' || typeof x === 'boolean');
    return simple ? `[${v.map(String).join(', ')}]` : `a list of ${v.length}`;
  }
  return v === undefined ? 'nothing' : 'an object';
}

/** A value passing `test`; `what` completes "must be ...". */
export function value<T>(test: (v: unknown) => boolean, what: string) {
  return z.custom<T>(test, {
    error: (iss) => (iss.input === undefined ? `is required; must be ${what}` : `must be ${what}, got ${shown(iss.input)}`),
  });
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export const count = value<number>(isCount, 'a non-negative integer');
/** Statistics: any number, NaN included (an s.d. of one replicate is NaN). */
export const stat = value<number>((v) => typeof v === 'number', 'a number');
export const finite = value<number>((v) => typeof v === 'number' && Number.isFinite(v), 'a finite number');
export const nonNegative = value<number>((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'a finite number >= 0');
export const text = value<string>((v) => typeof v === 'string', 'a string');
export const nonEmpty = value<string>((v) => typeof v === 'string' && v.length > 0, 'a non-empty string');
export const hash = value<string>((v) => typeof v === 'string' && /^[0-9a-f]{16}$/.test(v), 'a spec hash (16 hex digits)');
export const exactly = <T extends string>(s: T) => value<T>((v) => v === s, JSON.stringify(s));
export const oneOf = <T extends string>(values: readonly T[]) => value<T>((v) => values.includes(v as T), `one of ${values.join(', ')}`);
export const f64 = value<Float64Array>((v) => v instanceof Float64Array, 'a Float64Array (a blob of the checkpoint)');
/** [begin, end) of grid cells. */
export const cellRange = value<[number, number]>(
  (v) => Array.isArray(v) && v.length === 2 && isCount(v[0]) && isCount(v[1]) && v[0] <= v[1],
  '[begin, end): two integers with 0 <= begin <= end',
);

function objectError(allowed: string) {
  return (iss: { code?: string; input?: unknown }) =>
    iss.code === 'unrecognized_keys'
      ? `unknown key; allowed: ${allowed}`
      : iss.input === undefined
        ? 'is required; must be an object'
        : `must be an object, got ${shown(iss.input)}`;
}

/** An object with exactly these keys. */
export function strict<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape, { error: objectError(Object.keys(shape).join(', ')) });
}

/** An object with at least these keys (others, added by newer code, pass through unchecked). */
export function loose<S extends z.ZodRawShape>(shape: S) {
  return z.looseObject(shape, { error: objectError(Object.keys(shape).join(', ')) });
}

export function list<T extends z.ZodType>(item: T) {
  return z.array(item, { error: (iss) => (iss.input === undefined ? 'is required; must be a list' : `must be a list, got ${shown(iss.input)}`) });
}

export const shard = strict({ index: count, count });

/** src/core/scan.ts Provenance; later fields (segments, recoveries, ...) pass through. */
export const provenance = loose({
  package: text,
  version: text,
  engine: text,
  adapter: text,
  backend: text,
  sampler: oneOf(['btrs-inversion', 'tokens', 'sgd']),
  seed: count,
  startedAt: text,
  elapsedMs: nonNegative,
  routers: count,
  routerSteps: count,
  routerStepsPerSecond: stat,
});

function pathOf(path: readonly PropertyKey[], root: string): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || root;
}

/** Parses with a schema; the first issue (unknown keys first) becomes the InputError. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, label: string, root: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = [...result.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const issue = issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  throw new InputError(label, `${pathOf(path, root)}: ${issue.message}`);
}

/** How a check across fields fails: an InputError on the file's label, problem `${path}: ${problem}`. */
export type Fail = (path: string, problem: string) => never;

export const failing =
  (label: string): Fail =>
  (path, problem) => {
    throw new InputError(label, `${path}: ${problem}`);
  };

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
