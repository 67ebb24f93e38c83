// Scan specifications: the JSON a user writes, checked and completed (zod schema for the
// shape and ranges, plain checks for the rules that tie fields together), expanded to grid
// cells, counted (routers, router-steps) and hashed. Every failure is an InputError whose
// field is the JSON path (`protocol.stepsPerPoint[1]`) and whose problem states what is
// allowed and what was given (quoted and cut to ~200 characters). No Node-only imports:
// this runs in the browser too.
//
// A spec is shared (a link from the page, a file from a colleague), so parsing one must be
// safe whatever it holds: its text length and nesting depth are checked (iteratively) before
// anything recursive walks it, its name must be a safe identifier (src/core/names.ts), and
// every rule an engine, a plan or the analysis would refuse later is checked here, naming
// the spec field: a spec that parses runs. Scans whose outputs would not fit in memory are
// refused too (the measured model in limits.ts).
//
// Defaults filled by parseSpec (a parsed spec is complete; parsing it again is the identity):
//   axes []                    protocol { kind: 'relax' }      sampler 'btrs'      seed 1
//   initial { y0: 0, asym: 0, families: 'single' }
//   params.h = params.rho = 0  unless scanned on an axis or swept
//   window = protocol.every    for traces only (a trace's window is each interval; relax and
//                              sweep need an explicit window: MODEL.md leaves it to the user)

import { z } from 'zod';
import { CELL_RANGES, InputError, MAX_ROUTERS, MAX_STEPS, checkNumber, quoted, shownValue } from '../core/model.js';
import { unsafeNameReason } from '../core/names.js';
import {
  estimateOutputBytes, MAX_DESCRIPTION_LENGTH, MAX_MEAN_FIELD_STEPS, MAX_OUTPUT_BYTES, MAX_SPEC_CONTAINERS, MAX_SPEC_DEPTH,
  MAX_SPEC_TEXT_CHARS, SPEC_DEPTH_NEEDED, type OutputShape,
} from './limits.js';
import {
  PARAM_NAMES, type AxisSpec, type ExpandedGrid, type ParamName, type Protocol, type ScanSpec, type SweepProtocol, type ValueGrid,
} from './types.js';

type Range = Parameters<typeof checkNumber>[2];

/** Most values one grid (an axis or a sweep) may hold. */
export const MAX_GRID_POINTS = 1_000_000;
/** Parameters every cell needs: fixed in params, on an axis, or swept. */
const REQUIRED_PARAMS: readonly ParamName[] = ['a', 'T', 'gamma', 'B', 'eta'];
const DEFAULT_PARAMS: Partial<Record<ParamName, number>> = { h: 0, rho: 0 };

// ---------------------------------------------------------------------------------------
// Schema: shape and per-field ranges, with messages in the engine's wording (model.ts).
// ---------------------------------------------------------------------------------------

const ANY = { min: -Infinity, max: Infinity };
const POSITIVE = { min: 0, max: Infinity, minOpen: true };
const COUNT = { min: 1, max: MAX_GRID_POINTS, integer: true };
const STEPS = { min: 1, max: MAX_STEPS, integer: true };

function describe(r: Range): string {
  const kind = r.integer ? 'an integer' : 'a number';
  if (Number.isFinite(r.max)) return `must be ${kind} in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}]`;
  if (Number.isFinite(r.min)) return `must be a finite ${r.integer ? 'integer' : 'number'} ${r.minOpen ? '>' : '>='} ${r.min}`;
  return `must be a finite ${r.integer ? 'integer' : 'number'}`;
}

/** The offending value as a message quotes it: short, whatever it is (model.ts shownValue). */
function shown(value: unknown): string {
  return shownValue(value);
}

function outOfRange(r: Range, value: number): boolean {
  return !Number.isFinite(value) || (r.minOpen ? value <= r.min : value < r.min) || value > r.max || (r.integer === true && !Number.isInteger(value));
}

function expected(r: Range, input: unknown): string {
  return input === undefined ? `is required; ${describe(r)}` : `${describe(r)}, got ${shown(input)}`;
}

/** A number in range r (NaN and +-Infinity rejected). */
function num(r: Range) {
  return z.number({ error: (iss) => expected(r, iss.input) }).superRefine((v, ctx) => {
    if (outOfRange(r, v)) ctx.addIssue({ code: 'custom', message: expected(r, v) });
  });
}

/** A strict object: an unknown key is named with the keys allowed. */
function strict<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown key; allowed: ${allowed}`
      : iss.input === undefined ? 'is required; must be an object' : `must be an object, got ${shown(iss.input)}`),
  });
}

function oneOf<T extends string>(values: readonly [T, ...T[]]) {
  return z.enum(values, { error: (iss) => `${iss.input === undefined ? 'is required; ' : ''}must be one of ${values.join(', ')}${iss.input === undefined ? '' : `, got ${shown(iss.input)}`}` });
}

/**
 * A list of min..max items, e.g. 'at most 2 axes'. Its length is checked before its items,
 * and only the first bad item is reported: zod would collect an issue for every bad item
 * of a million-item list, and spreading that many into the parent's issues overflows the stack.
 */
function list<T extends z.ZodType>(item: T, min: number, max: number, what: string) {
  const size = min === 0 ? `at most ${max} ${what}` : `${min} to ${max} ${what}`;
  return z.array(z.unknown(), { error: (iss) => `${iss.input === undefined ? 'is required; ' : ''}must be a list of ${size}${iss.input === undefined ? '' : `, got ${shown(iss.input)}`}` })
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
const valueGrid = strict({
  linspace: spaced(ANY).optional(),
  logspace: spaced(POSITIVE).optional(),
  list: list(num(ANY), 1, MAX_GRID_POINTS, 'numbers').optional(),
}).superRefine((g, ctx) => {
  const kinds = Object.keys(g).filter((k) => g[k as keyof typeof g] !== undefined);
  if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `must have exactly one of linspace, logspace, list, got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}` });
});

const paramName = oneOf(PARAM_NAMES);

const protocol = z.discriminatedUnion('kind', [
  strict({ kind: z.literal('relax') }),
  strict({
    kind: z.literal('sweep'),
    param: paramName,
    values: valueGrid,
    direction: oneOf(['up', 'down', 'up-down', 'down-up']),
    stepsPerPoint: list(num(STEPS), 1, 64, 'step counts (one per sweep speed)'),
  }),
  strict({ kind: z.literal('trace'), every: num(STEPS) }),
], {
  error: (iss) => {
    const input = iss.input;
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return `must be an object with kind relax, sweep or trace, got ${shown(input)}`;
    const kind = (input as { kind?: unknown }).kind;
    return `${kind === undefined ? 'is required; ' : ''}must be one of relax, sweep, trace${kind === undefined ? '' : `, got ${shown(kind)}`}`;
  },
});

/** A safe identifier (src/core/names.ts): it names the output folder and files. */
const safeName = z.string({ error: 'must be a string' }).superRefine((name, ctx) => {
  const problem = unsafeNameReason(name);
  // The rule's own wording quotes reserved and device names; quote the others here, briefly (the rule is long).
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem.startsWith('must be') ? `${problem}, got ${shownValue(name, 80)}` : problem });
});

/** The shape of a scan spec (JSON); cross-field rules are checked by parseSpec. */
export const specSchema = strict({
  name: safeName.optional(),
  description: z.string({ error: 'must be a string' }).max(MAX_DESCRIPTION_LENGTH, {
    error: (iss) => `must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters, got ${(iss.input as string).length}`,
  }).optional(),
  params: strict(Object.fromEntries(PARAM_NAMES.map((p) => [p, num(CELL_RANGES[p]).optional()])) as Record<ParamName, z.ZodOptional<ReturnType<typeof num>>>),
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
function checkDepth(json: unknown): void {
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
      for (let n: Node | null = node; n && n.parent; n = n.parent) keys.push(n.key);
      throw new InputError(pathOf(keys.reverse()),
        `is nested too deep: arrays and objects at most ${MAX_SPEC_DEPTH} levels deep (a spec needs ${SPEC_DEPTH_NEEDED})`);
    }
    if (++containers > MAX_SPEC_CONTAINERS) throw new InputError('spec', `holds more than ${MAX_SPEC_CONTAINERS} arrays and objects; a spec needs a few dozen`);
    const keys = Array.isArray(value) ? null : Object.keys(value);
    entries += keys ? keys.length : (value as unknown[]).length;
    if (entries > MAX_SPEC_TEXT_CHARS) throw new InputError('spec', `holds more than ${MAX_SPEC_TEXT_CHARS} entries; no spec text within the size limit could`);
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
function toInputError(error: z.ZodError): InputError {
  const issues = [...error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const issue = issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  return new InputError(pathOf(path), issue.message);
}

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
  return (p.direction === 'up-down' ? ['up', 'down'] as const : p.direction === 'down-up' ? ['down', 'up'] as const : [p.direction]).map(leg);
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

function gridSize(spec: ScanSpec): number {
  return spec.axes.reduce((n, a) => n * gridCount(a.values), 1);
}

function gridCount(g: ValueGrid): number {
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
    throw new InputError('replicates',
      `one grid cell needs ${perCell} routers (${spec.replicates} replicates${fam}); this engine holds at most ${limit} `
      + 'in one pass: use fewer replicates');
  }
  const routers = specRouters(spec);
  if (routers > MAX_ROUTERS) {
    throw new InputError('replicates',
      `the scan has ${routers} routers (${gridSize(spec)} grid cells${fam} x ${spec.replicates} replicates); `
      + `at most ${MAX_ROUTERS} (2^32 - 1) router indices: use fewer cells or replicates`);
  }
}

// ---------------------------------------------------------------------------------------
// Parsing: shape (schema), then the rules that tie fields together
// ---------------------------------------------------------------------------------------

/** Checks every value a grid generates against a parameter's range (CELL_RANGES, or a stricter one with a reason). */
function checkGridFor(param: ParamName, g: ValueGrid, path: string, range: Range = CELL_RANGES[param], why = ''): void {
  const problem = (v: number) => `${param} ${describe(range)}${why}, got ${v}`;
  if ('list' in g) {
    g.list.forEach((v, i) => { if (outOfRange(range, v)) throw new InputError(`${path}.list[${i}]`, problem(v)); });
    return;
  }
  const kind = 'linspace' in g ? 'linspace' : 'logspace';
  const values = gridValues(g);
  values.forEach((v, i) => {
    if (!outOfRange(range, v)) return;
    if (i === 0) throw new InputError(`${path}.${kind}.from`, problem(v));
    if (i === values.length - 1) throw new InputError(`${path}.${kind}.to`, problem(v));
    throw new InputError(`${path}.${kind}`, `gives ${param} = ${v} at index ${i}; ${param} ${describe(range)}${why} (use a list)`);
  });
}

/**
 * The T values of a one-axis relax scan in increasing order: its analysis estimates the
 * finite-time onset along them (src/analytics/estimators/crossings.ts finiteTimeOnset needs them so).
 */
function checkIncreasing(g: ValueGrid, path: string): void {
  const values = gridValues(g);
  for (let i = 1; i < values.length; i++) {
    if (values[i] > values[i - 1]) continue;
    const where = 'list' in g ? `${path}.list[${i}]` : `${path}.${'linspace' in g ? 'linspace' : 'logspace'}.to`;
    throw new InputError(where, `the T values of a one-axis relax scan must increase (its finite-time onset estimate needs them in order), `
      + `got ${values[i]} after ${values[i - 1]}`);
  }
}

/**
 * gamma > 0 where the analysis draws the theory (src/analytics/theory/ needs it): a
 * trace's mean-field ODE, an h sweep's mean-field branches and 2 H(a). Elsewhere gamma = 0
 * (no forgetting) is a valid cell.
 */
function gammaRule(p: Protocol): { range: Range; why: string } | undefined {
  const range = { ...CELL_RANGES.gamma, minOpen: true };
  if (p.kind === 'trace') return { range, why: ' for a trace (its mean-field reference needs gamma > 0)' };
  if (p.kind === 'sweep' && p.param === 'h') return { range, why: ' for an h sweep (its mean-field branches and 2 H(a) need gamma > 0)' };
  return undefined;
}

function checkRules(spec: ScanSpec, window: number | undefined): ScanSpec {
  const p = spec.protocol;
  const swept = p.kind === 'sweep' ? p.param : undefined;
  const gamma = gammaRule(p);
  const axisOf = new Map<ParamName, number>();
  spec.axes.forEach((axis, i) => {
    const where = `axes[${i}].param`;
    if (axisOf.has(axis.param)) throw new InputError(where, `${axis.param} is already on axes[${axisOf.get(axis.param)}]; axes must scan different parameters`);
    if (axis.param === swept) throw new InputError(where, `${axis.param} is swept by the protocol; an axis cannot scan it too`);
    axisOf.set(axis.param, i);
    if (axis.param === 'gamma' && gamma) checkGridFor('gamma', axis.values, `axes[${i}].values`, gamma.range, gamma.why);
    else checkGridFor(axis.param, axis.values, `axes[${i}].values`);
  });
  if (p.kind === 'sweep') checkGridFor(p.param, p.values, 'protocol.values');
  if (p.kind === 'relax' && spec.axes.length === 1 && spec.axes[0].param === 'T') checkIncreasing(spec.axes[0].values, 'axes[0].values');
  if (gamma && spec.params.gamma !== undefined && outOfRange(gamma.range, spec.params.gamma)) {
    throw new InputError('params.gamma', `${describe(gamma.range)}${gamma.why}, got ${spec.params.gamma}`);
  }

  const params: Partial<Record<ParamName, number>> = {};
  for (const name of PARAM_NAMES) {
    const value = spec.params[name];
    const scanned = axisOf.has(name) ? `is on axes[${axisOf.get(name)}]` : name === swept ? 'is swept by the protocol' : undefined;
    if (value !== undefined && scanned) throw new InputError(`params.${name}`, `${name} ${scanned}; fix it in params or scan it, not both`);
    if (scanned) continue;
    if (value === undefined && REQUIRED_PARAMS.includes(name)) {
      throw new InputError(`params.${name}`, `is required unless on an axis or swept; ${describe(CELL_RANGES[name])}`);
    }
    params[name] = value ?? DEFAULT_PARAMS[name];
  }

  // The window: within the run (relax), within each sweep point, or each trace interval.
  const windowMax = p.kind === 'sweep' ? Math.min(...p.stepsPerPoint) : spec.steps;
  const windowWhat = p.kind === 'sweep' ? 'the smallest protocol.stepsPerPoint' : 'steps';
  if (window === undefined && p.kind !== 'trace') throw new InputError('window', `is required; must be an integer in [1, ${windowMax}] (${windowWhat})`);
  if (window !== undefined && window > windowMax) throw new InputError('window', `must be an integer in [1, ${windowMax}] (${windowWhat}), got ${window}`);
  if (p.kind === 'trace' && p.every > spec.steps) throw new InputError('protocol.every', `must be an integer in [1, ${spec.steps}] (steps), got ${p.every}`);
  if (p.kind === 'sweep') {
    if (spec.initial.families === 'opposite') {
      throw new InputError('initial.families', `'opposite' applies to relax and trace; a sweep carries one family of routers through its grid, got "opposite"`);
    }
    p.stepsPerPoint.forEach((spp, i) => {
      const total = sweepSteps(spec, spp);
      if (total > MAX_STEPS) throw new InputError(`protocol.stepsPerPoint[${i}]`, `the sweep would run ${total} steps; at most ${MAX_STEPS} (steps + points x stepsPerPoint)`);
    });
  }
  const out: ScanSpec = { ...spec, params, window: window ?? (p.kind === 'trace' ? p.every : 0) };
  checkOutputSize(out);
  checkMeanFieldWork(out);
  validateSpecFor(out);
  return out;
}

// ---------------------------------------------------------------------------------------
// What the outputs and the analysis would take (limits.ts)
// ---------------------------------------------------------------------------------------

/** The counts the size of a scan's outputs depends on. */
export function outputShape(spec: ScanSpec): OutputShape {
  const p = spec.protocol;
  const grids = [...spec.axes.map((a) => a.values), ...(p.kind === 'sweep' ? [p.values] : [])];
  return {
    protocol: p.kind,
    cells: gridSize(spec),
    families: spec.initial.families === 'opposite' ? 2 : 1,
    replicates: spec.replicates,
    speeds: p.kind === 'sweep' ? p.stepsPerPoint.length : 1,
    legs: p.kind === 'sweep' && (p.direction === 'up-down' || p.direction === 'down-up') ? 2 : 1,
    points: p.kind === 'sweep' ? gridCount(p.values) : 0,
    intervals: p.kind === 'trace' ? Math.ceil(spec.steps / p.every) : 0,
    axisValues: spec.axes.reduce((n, a) => n + gridCount(a.values), 0),
    listValues: grids.reduce((n, g) => n + ('list' in g ? g.list.length : 0), 0),
  };
}

/** An upper bound on the bytes of the scan's result.json and of its report.html (limits.ts). */
export function specOutputBytes(spec: ScanSpec): number {
  return estimateOutputBytes(outputShape(spec));
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${Number((bytes / 2 ** 30).toPrecision(4))} GiB` : `${Number((bytes / 2 ** 20).toPrecision(4))} MiB`;
}

/**
 * Refuses a scan whose outputs would not fit (estimate > MAX_OUTPUT_BYTES), naming what to
 * shrink: the last axis first, then the sweep's values, replicates and speeds, or the
 * trace's interval, each with the largest count that fits when the rest stays as it is.
 */
function checkOutputSize(spec: ScanSpec): void {
  const shape = outputShape(spec);
  const bytes = estimateOutputBytes(shape);
  if (bytes <= MAX_OUTPUT_BYTES) return;
  const p = spec.protocol;
  interface Knob { field: string; count: number; with: (k: number) => OutputShape; advice: (k: number) => string }
  const knobs: Knob[] = [];
  const listed = (g: ValueGrid, n: number, k: number) => shape.listValues - ('list' in g ? n - k : 0);
  for (let i = spec.axes.length - 1; i >= 0; i--) {
    const g = spec.axes[i].values;
    const n = gridCount(g);
    knobs.push({ field: `axes[${i}].values`, count: n,
      with: (k) => ({ ...shape, cells: (shape.cells / n) * k, axisValues: shape.axisValues - n + k, listValues: listed(g, n, k) }),
      advice: (k) => `at most ${k} values on this axis` });
  }
  if (p.kind === 'sweep') {
    const n = gridCount(p.values);
    knobs.push({ field: 'protocol.values', count: n, with: (k) => ({ ...shape, points: k, listValues: listed(p.values, n, k) }),
      advice: (k) => `at most ${k} sweep values` });
    knobs.push({ field: 'replicates', count: spec.replicates, with: (k) => ({ ...shape, replicates: k }),
      advice: (k) => `at most ${k} replicates (a sweep records every replicate's switching points)` });
    knobs.push({ field: 'protocol.stepsPerPoint', count: p.stepsPerPoint.length, with: (k) => ({ ...shape, speeds: k }),
      advice: (k) => `at most ${k} sweep speeds` });
  }
  if (p.kind === 'trace') {
    knobs.push({ field: 'protocol.every', count: shape.intervals, with: (k) => ({ ...shape, intervals: k }),
      advice: (k) => `protocol.every >= ${Math.ceil(spec.steps / k)} (at most ${k} intervals)` });
  }
  const head = `the outputs would not fit: result.json could take up to ${formatBytes(bytes)} (${shape.cells} grid cells); `
    + `at most ${formatBytes(MAX_OUTPUT_BYTES)}`;
  // The estimate grows with every count: bisect for the largest that fits.
  const largest = (count: number, shapeWith: (k: number) => OutputShape): number => {
    let [lo, hi] = [0, count];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (estimateOutputBytes(shapeWith(mid)) <= MAX_OUTPUT_BYTES) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const knob of knobs) {
    const most = largest(knob.count - 1, knob.with);
    if (most >= 1) throw new InputError(knob.field, `${head}: use ${knob.advice(most)}, the rest of the spec as it is`);
  }
  if (spec.axes.length === 2) {
    // No one axis can shrink enough: say how many cells fit in all (as a square grid).
    const cells = largest(shape.cells, (k) => ({ ...shape, cells: k, axisValues: 2 * Math.ceil(Math.sqrt(k)), listValues: 0 }));
    throw new InputError(knobs[0].field, `${head}: use fewer values on both axes, about ${cells} grid cells in all at most`);
  }
  throw new InputError(knobs[0]?.field ?? 'spec', `${head}: use a smaller scan`);
}

/**
 * Refuses a trace whose analysis would integrate the mean-field ODE for too long: per cell
 * and family, steps x eta time units at the step theory/mean-field-ode.ts meanFieldLoadAt takes,
 * 0.02 / (|a - rho| / (2T) + gamma), plus at least one step per interval.
 */
function checkMeanFieldWork(spec: ScanSpec): void {
  const p = spec.protocol;
  if (p.kind !== 'trace') return;
  const axes = spec.axes.map((a) => ({ param: a.param, values: gridValues(a.values) }));
  const [n0, n1] = [axes[0]?.values.length ?? 1, axes[1]?.values.length ?? 1];
  const cell = { ...spec.params } as Record<ParamName, number>;
  const intervals = Math.ceil(spec.steps / p.every);
  let total = 0;
  for (let i1 = 0; i1 < n1; i1++) {
    if (axes[1]) cell[axes[1].param] = axes[1].values[i1];
    for (let i0 = 0; i0 < n0; i0++) {
      if (axes[0]) cell[axes[0].param] = axes[0].values[i0];
      const rate = Math.abs(cell.a - cell.rho) / (2 * cell.T) + cell.gamma;
      total += (spec.steps * cell.eta * rate) / 0.02 + intervals;
    }
  }
  total *= spec.initial.families === 'opposite' ? 2 : 1;
  if (total > MAX_MEAN_FIELD_STEPS) {
    throw new InputError('steps', `the trace's mean-field reference (an ODE integrated next to each cell's series) would take `
      + `about ${total.toExponential(2)} RK4 steps, steps x eta x (|a - rho|/(2T) + gamma) / 0.02 per cell; at most `
      + `${MAX_MEAN_FIELD_STEPS.toExponential(0)}: use fewer steps, a smaller eta or a larger T`);
  }
}

/** Checks and completes a scan spec (a parsed JSON value, or a ScanSpec built in code). */
export function parseSpec(json: unknown): ScanSpec {
  checkDepth(json);
  const result = specSchema.safeParse(json);
  if (!result.success) throw toInputError(result.error);
  const { name, description, params, axes, replicates, steps, window, initial, seed, protocol: p, sampler } = result.data;
  const spec: ScanSpec = {
    ...(name !== undefined && { name }), ...(description !== undefined && { description }),
    params, axes: axes as AxisSpec[], replicates, steps, window: 0, initial, seed, protocol: p as Protocol, sampler,
  };
  return checkRules(spec, window);
}

/** parseSpec on JSON text; a syntax error or a text over MAX_SPEC_TEXT_CHARS is an InputError on 'spec'. */
export function parseSpecText(text: string): ScanSpec {
  if (text.length > MAX_SPEC_TEXT_CHARS) {
    throw new InputError('spec', `is ${text.length} characters long; a spec may have at most ${MAX_SPEC_TEXT_CHARS} (64 MiB)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // V8 quotes a snippet of the text: keep the message on one line and short.
    const message = (err as Error).message.replace(/[\u0000-\u001f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
    throw new InputError('spec', `is not valid JSON: ${message.length > 200 ? `${message.slice(0, 200)}…` : message}`);
  }
  return parseSpec(json);
}

// ---------------------------------------------------------------------------------------
// Canonical form and hash: ties results, shards and checkpoints to the spec that made them
// ---------------------------------------------------------------------------------------

/**
 * JSON with object keys sorted at every level (arrays keep their order). Recursive: call it
 * on checked values only (a parsed spec, as specHash does), never on raw input.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** FNV-1a, 64 bits, over the UTF-8 bytes of text. */
export function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) h = ((h ^ BigInt(byte)) * FNV_PRIME) & MASK64;
  return h;
}

/**
 * 16 hex digits identifying what a spec computes: FNV-1a 64 of the canonical JSON of the
 * completed spec without name and description (defaults and key order do not matter).
 */
export function specHash(spec: unknown): string {
  const { name: _n, description: _d, ...rest } = parseSpec(spec);
  return fnv1a64(canonicalJson(rest)).toString(16).padStart(16, '0');
}
