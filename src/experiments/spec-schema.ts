// The shape of a scan spec as a zod schema, with messages in the engine's wording
// (src/core/model.ts): every issue becomes an InputError whose field is the JSON path
// (`protocol.stepsPerPoint[1]`) and whose problem says what is allowed and what was given.
// Before zod walks a value, checkDepth bounds its nesting and size iteratively, so hostile
// JSON is an InputError with a path, never a stack overflow. spec.ts adds the rules that tie
// fields together. No Node-only imports: the page parses with the same schema.

import { z } from 'zod';
import { CELL_RANGES, InputError, MAX_ROUTERS, MAX_STEPS, type checkNumber, quoted, shownValue } from '../core/model.js';
import { unsafeNameReason } from '../core/names.js';
import { MAX_DESCRIPTION_LENGTH, MAX_SPEC_CONTAINERS, MAX_SPEC_DEPTH, MAX_SPEC_TEXT_CHARS, SPEC_DEPTH_NEEDED } from './limits.js';
import { PARAM_NAMES, type ParamName } from './types.js';

export type Range = Parameters<typeof checkNumber>[2];

/** Most values one grid (an axis or a sweep) may hold. */
export const MAX_GRID_POINTS = 1_000_000;

// ---------------------------------------------------------------------------------------
// Schema: shape and per-field ranges, with messages in the engine's wording (model.ts).
// ---------------------------------------------------------------------------------------

const ANY = { min: -Infinity, max: Infinity };
const POSITIVE = { min: 0, max: Infinity, minOpen: true };
const COUNT = { min: 1, max: MAX_GRID_POINTS, integer: true };
export const STEPS = { min: 1, max: MAX_STEPS, integer: true };

export function describe(r: Range): string {
  const kind = r.integer ? 'an integer' : 'a number';
  if (Number.isFinite(r.max)) return `must be ${kind} in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}]`;
  if (Number.isFinite(r.min)) return `must be a finite ${r.integer ? 'integer' : 'number'} ${r.minOpen ? '>' : '>='} ${r.min}`;
  return `must be a finite ${r.integer ? 'integer' : 'number'}`;
}

/** The offending value as a message quotes it: short, whatever it is (model.ts shownValue). */
export function shown(value: unknown): string {
  return shownValue(value);
}

export function outOfRange(r: Range, value: number): boolean {
  return !Number.isFinite(value) || (r.minOpen ? value <= r.min : value < r.min) || value > r.max || (r.integer === true && !Number.isInteger(value));
}

function expected(r: Range, input: unknown): string {
  return input === undefined ? `is required; ${describe(r)}` : `${describe(r)}, got ${shown(input)}`;
}

/** A number in range r (NaN and +-Infinity rejected). */
export function num(r: Range) {
  return z.number({ error: (iss) => expected(r, iss.input) }).superRefine((v, ctx) => {
    if (outOfRange(r, v)) ctx.addIssue({ code: 'custom', message: expected(r, v) });
  });
}

/** A strict object: an unknown key is named with the keys allowed. */
export function strict<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key; allowed: ${allowed}`
        : iss.input === undefined
          ? 'is required; must be an object'
          : `must be an object, got ${shown(iss.input)}`,
  });
}

export function oneOf<T extends string>(values: readonly [T, ...T[]]) {
  return z.enum(values, {
    error: (iss) =>
      `${iss.input === undefined ? 'is required; ' : ''}must be one of ${values.join(', ')}${iss.input === undefined ? '' : `, got ${shown(iss.input)}`}`,
  });
}

/**
 * A list of min..max items, e.g. 'at most 2 axes'. Its length is checked before its items,
 * and only the first bad item is reported: zod would collect an issue for every bad item
 * of a million-item list, and spreading that many into the parent's issues overflows the stack.
 */
export function list<T extends z.ZodType>(item: T, min: number, max: number, what: string) {
  const size = min === 0 ? `at most ${max} ${what}` : `${min} to ${max} ${what}`;
  return z
    .array(z.unknown(), {
      error: (iss) =>
        `${iss.input === undefined ? 'is required; ' : ''}must be a list of ${size}${iss.input === undefined ? '' : `, got ${shown(iss.input)}`}`,
    })
    .transform((xs, ctx) => {
      if (xs.length < min || xs.length > max) {
        ctx.issues.push({ code: 'custom', message: `must be a list of ${size}, got ${xs.length}`, input: xs });
        return z.NEVER;
      }
      const out: z.output<T>[] = [];
      for (let i = 0; i < xs.length; i++) {
        const r = item.safeParse(xs[i]);
        if (!r.success) {
          for (const issue of r.error.issues) ctx.issues.push({ ...issue, path: [i, ...issue.path], input: xs[i] } as never);
          return z.NEVER;
        }
        out.push(r.data);
      }
      return out;
    });
}

const spaced = (end: Range) => strict({ from: num(end), to: num(end), count: num(COUNT) });

/** Exactly one of linspace, logspace, list (checked in gridShape's refinement). */
export const valueGrid = strict({
  linspace: spaced(ANY).optional(),
  logspace: spaced(POSITIVE).optional(),
  list: list(num(ANY), 1, MAX_GRID_POINTS, 'numbers').optional(),
}).superRefine((g, ctx) => {
  const kinds = Object.keys(g).filter((k) => g[k as keyof typeof g] !== undefined);
  if (kinds.length !== 1)
    ctx.addIssue({
      code: 'custom',
      message: `must have exactly one of linspace, logspace, list, got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`,
    });
});

const paramName = oneOf(PARAM_NAMES);

const protocol = z.discriminatedUnion(
  'kind',
  [
    strict({ kind: z.literal('relax') }),
    strict({
      kind: z.literal('sweep'),
      param: paramName,
      values: valueGrid,
      direction: oneOf(['up', 'down', 'up-down', 'down-up']),
      stepsPerPoint: list(num(STEPS), 1, 64, 'step counts (one per sweep speed)'),
      ramp: z.boolean().optional(),
    }),
    strict({ kind: z.literal('trace'), every: num(STEPS) }),
  ],
  {
    error: (iss) => {
      const input = iss.input;
      if (input === null || typeof input !== 'object' || Array.isArray(input))
        return `must be an object with kind relax, sweep or trace, got ${shown(input)}`;
      const kind = (input as { kind?: unknown }).kind;
      return `${kind === undefined ? 'is required; ' : ''}must be one of relax, sweep, trace${kind === undefined ? '' : `, got ${shown(kind)}`}`;
    },
  },
);

/** A safe identifier (src/core/names.ts): it names the output folder and files. */
export const safeName = z.string({ error: 'must be a string' }).superRefine((name, ctx) => {
  const problem = unsafeNameReason(name);
  // The rule's own wording quotes reserved and device names; quote the others here, briefly (the rule is long).
  if (problem !== null)
    ctx.addIssue({ code: 'custom', message: problem.startsWith('must be') ? `${problem}, got ${shownValue(name, 80)}` : problem });
});

/** A spec's free-text description. */
export const descriptionSchema = z.string({ error: 'must be a string' }).max(MAX_DESCRIPTION_LENGTH, {
  error: (iss) => `must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters, got ${(iss.input as string).length}`,
});

/** The shape of a scan spec (JSON); cross-field rules are checked by parseSpec. */
export const specSchema = strict({
  name: safeName.optional(),
  description: descriptionSchema.optional(),
  params: strict(
    Object.fromEntries(PARAM_NAMES.map((p) => [p, num(CELL_RANGES[p]).optional()])) as Record<ParamName, z.ZodOptional<ReturnType<typeof num>>>,
  ),
  axes: list(strict({ param: paramName, values: valueGrid }), 0, 2, 'axes (x, then y)').default([]),
  replicates: num({ min: 1, max: MAX_ROUTERS, integer: true }),
  steps: num(STEPS),
  window: num(STEPS).optional(),
  initial: strict({
    y0: num(CELL_RANGES.y0).default(0),
    asym: num(CELL_RANGES.asym).default(0),
    families: oneOf(['single', 'opposite']).default('single'),
  }).default({ y0: 0, asym: 0, families: 'single' }),
  seed: num({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }).default(1),
  protocol: protocol.default({ kind: 'relax' }),
  sampler: oneOf(['btrs', 'tokens']).default('btrs'),
});

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

/**
 * A JSON path: `axes[0].values.list[3]`; a key that is not a short identifier (an unknown
 * key from the spec: it may hold anything) is quoted and cut, `params["a b"]`. The spec
 * itself is `spec`, which also starts a path that would start with a bracket (`spec[0]`).
 */
function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    const start = out === '' ? 'spec' : '';
    if (typeof key === 'number') out += `${start}[${key}]`;
    else if (IDENTIFIER.test(String(key))) out += `${out ? '.' : ''}${String(key)}`;
    else out += `${start}[${quoted(String(key), 24)}]`;
  }
  return out || 'spec';
}

/**
 * Refuses nesting deeper than MAX_SPEC_DEPTH (the spec itself is level 1), naming the path
 * of the first value too deep. Iterative, so no input can overflow the stack here; it runs
 * before zod and before any error message renders a value. It also stops at more than
 * MAX_SPEC_CONTAINERS arrays and objects, or more entries than a MAX_SPEC_TEXT_CHARS text
 * can hold (a value built in code: a huge sparse array, one object shared a million times).
 */
export function checkDepth(json: unknown): void {
  type Node = { value: unknown; depth: number; parent: Node | null; key: PropertyKey };
  const stack: Node[] = [{ value: json, depth: 1, parent: null, key: '' }];
  let containers = 0;
  let entries = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (value === null || typeof value !== 'object') continue;
    if (node.depth > MAX_SPEC_DEPTH) {
      const keys: PropertyKey[] = [];
      for (let n: Node | null = node; n?.parent; n = n.parent) keys.push(n.key);
      throw new InputError(
        pathOf(keys.reverse()),
        `is nested too deep: arrays and objects at most ${MAX_SPEC_DEPTH} levels deep (a spec needs ${SPEC_DEPTH_NEEDED})`,
      );
    }
    if (++containers > MAX_SPEC_CONTAINERS)
      throw new InputError('spec', `holds more than ${MAX_SPEC_CONTAINERS} arrays and objects; a spec needs a few dozen`);
    const keys = Array.isArray(value) ? null : Object.keys(value);
    entries += keys ? keys.length : (value as unknown[]).length;
    if (entries > MAX_SPEC_TEXT_CHARS)
      throw new InputError('spec', `holds more than ${MAX_SPEC_TEXT_CHARS} entries; no spec text within the size limit could`);
    if (!keys) {
      const items = value as unknown[];
      for (let i = items.length - 1; i >= 0; i--) {
        if (items[i] !== null && typeof items[i] === 'object') stack.push({ value: items[i], depth: node.depth + 1, parent: node, key: i });
      }
    } else {
      for (const key of keys.reverse()) {
        const child = (value as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth: node.depth + 1, parent: node, key });
      }
    }
  }
}

/** The first issue as an InputError; unknown keys first (a misspelt key explains a missing one). */
export function toInputError(error: z.ZodError): InputError {
  const issues = [...error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const issue = issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  return new InputError(pathOf(path), issue.message);
}

/** A spec's JSON text parsed, or an InputError on `spec` (too long, or not JSON: one short line). */
export function parseSpecJson(text: string): unknown {
  if (text.length > MAX_SPEC_TEXT_CHARS) {
    throw new InputError('spec', `is ${text.length} characters long; a spec may have at most ${MAX_SPEC_TEXT_CHARS} (64 MiB)`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 quotes a snippet of the text: keep the message on one line and short.
    const message = (err as Error).message.replace(/[\u0000-\u001f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
    throw new InputError('spec', `is not valid JSON: ${message.length > 200 ? `${message.slice(0, 200)}…` : message}`);
  }
}
