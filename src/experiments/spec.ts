// Scan specifications: the JSON a user writes, checked and completed (the zod schema of
// spec-schema.ts for shape and ranges, plain checks here for the rules that tie fields
// together), prepared once to run (ParsedSpec, PreparedScan) and hashed; expanded to grid
// cells and counted (routers, router-steps) by spec-grid.ts, re-exported here. Every failure
// is an InputError whose field is the JSON path (`protocol.stepsPerPoint[1]`) and whose
// problem states what is allowed and what was given (quoted and cut to ~200 characters).
// No Node-only imports: this runs in the browser too.
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

import { CELL_RANGES, InputError, MAX_STEPS } from '../core/model.js';
import { estimateOutputBytes, MAX_MEAN_FIELD_STEPS, MAX_OUTPUT_BYTES, type OutputShape } from './limits.js';
import { expandGrid, gridCount, gridSize, gridValues, specRouterSteps, sweepSteps, validateSpecFor } from './spec-grid.js';
import { checkDepth, describe, MAX_GRID_POINTS, outOfRange, parseSpecJson, specSchema, toInputError, type Range } from './spec-schema.js';
import {
  PARAM_NAMES,
  type AxisSpec,
  type ExpandedGrid,
  type ParamName,
  type Protocol,
  type ScanSpec,
  type SweepProtocol,
  type ValueGrid,
} from './types.js';

export { MAX_GRID_POINTS };
export { expandGrid, gridValues, specRouters, specRouterSteps, sweepLegs, sweepSteps, validateSpecFor } from './spec-grid.js';

/** Parameters every cell needs: fixed in params, on an axis, or swept. */
const REQUIRED_PARAMS: readonly ParamName[] = ['a', 'T', 'gamma', 'B', 'eta'];
const DEFAULT_PARAMS: Partial<Record<ParamName, number>> = { h: 0, rho: 0 };

// ---------------------------------------------------------------------------------------
// Parsing: shape (schema), then the rules that tie fields together
// ---------------------------------------------------------------------------------------

/** Checks every value a grid generates against a parameter's range (CELL_RANGES, or a stricter one with a reason). */
function checkGridFor(param: ParamName, g: ValueGrid, path: string, range: Range = CELL_RANGES[param], why = ''): void {
  const problem = (v: number) => `${param} ${describe(range)}${why}, got ${v}`;
  if ('list' in g) {
    g.list.forEach((v, i) => {
      if (outOfRange(range, v)) throw new InputError(`${path}.list[${i}]`, problem(v));
    });
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
    throw new InputError(
      where,
      `the T values of a one-axis relax scan must increase (its finite-time onset estimate needs them in order), ` +
        `got ${values[i]} after ${values[i - 1]}`,
    );
  }
}

/** Most steps per point of a ramped sweep: the kernel forms f32(step - rampStep), exact below 2^24. */
export const RAMP_MAX_STEPS_PER_POINT = 2 ** 24;

/** A ramped sweep moves h at one rate: evenly spaced values, and steps per point the kernel counts exactly in f32. */
function checkRamp(p: SweepProtocol): void {
  if (p.param !== 'h') throw new InputError('protocol.ramp', `ramps only h (the kernel moves h every step), got protocol.param "${p.param}"`);
  const v = gridValues(p.values);
  if (v.length < 2) throw new InputError('protocol.values', `a ramped sweep needs at least 2 values (they set its rate), got ${v.length}`);
  if ('logspace' in p.values)
    throw new InputError('protocol.values', 'a ramped sweep needs evenly spaced values (linspace or an even list), got a logspace');
  const dh = v[1] - v[0];
  v.forEach((x, i) => {
    if (Math.abs(x - (v[0] + i * dh)) > 1e-9 * Math.max(1, Math.abs(x)))
      throw new InputError(`protocol.values.list[${i}]`, `a ramped sweep needs evenly spaced values (step ${dh}), got ${x}`);
  });
  p.stepsPerPoint.forEach((spp, i) => {
    if (spp > RAMP_MAX_STEPS_PER_POINT)
      throw new InputError(`protocol.stepsPerPoint[${i}]`, `must be an integer in [1, ${RAMP_MAX_STEPS_PER_POINT}] for a ramped sweep, got ${spp}`);
  });
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
    if (axisOf.has(axis.param))
      throw new InputError(where, `${axis.param} is already on axes[${axisOf.get(axis.param)}]; axes must scan different parameters`);
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
    const fixed = value ?? DEFAULT_PARAMS[name]; // defined: the parameters without a default are required above
    if (fixed !== undefined) params[name] = fixed;
  }

  // The window: within the run (relax), within each sweep point, or each trace interval.
  const windowMax = p.kind === 'sweep' ? Math.min(...p.stepsPerPoint) : spec.steps;
  const windowWhat = p.kind === 'sweep' ? 'the smallest protocol.stepsPerPoint' : 'steps';
  if (window === undefined && p.kind !== 'trace')
    throw new InputError('window', `is required; must be an integer in [1, ${windowMax}] (${windowWhat})`);
  if (window !== undefined && window > windowMax)
    throw new InputError('window', `must be an integer in [1, ${windowMax}] (${windowWhat}), got ${window}`);
  if (p.kind === 'trace' && p.every > spec.steps)
    throw new InputError('protocol.every', `must be an integer in [1, ${spec.steps}] (steps), got ${p.every}`);
  if (p.kind === 'sweep') {
    if (spec.initial.families === 'opposite') {
      throw new InputError(
        'initial.families',
        `'opposite' applies to relax and trace; a sweep carries one family of routers through its grid, got "opposite"`,
      );
    }
    if (p.ramp) checkRamp(p);
    p.stepsPerPoint.forEach((spp, i) => {
      const total = sweepSteps(spec, spp);
      if (total > MAX_STEPS)
        throw new InputError(
          `protocol.stepsPerPoint[${i}]`,
          `the sweep would run ${total} steps; at most ${MAX_STEPS} (steps + points x stepsPerPoint)`,
        );
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
  interface Knob {
    field: string;
    count: number;
    with: (k: number) => OutputShape;
    advice: (k: number) => string;
  }
  const knobs: Knob[] = [];
  const listed = (g: ValueGrid, n: number, k: number) => shape.listValues - ('list' in g ? n - k : 0);
  for (let i = spec.axes.length - 1; i >= 0; i--) {
    const g = spec.axes[i].values;
    const n = gridCount(g);
    knobs.push({
      field: `axes[${i}].values`,
      count: n,
      with: (k) => ({ ...shape, cells: (shape.cells / n) * k, axisValues: shape.axisValues - n + k, listValues: listed(g, n, k) }),
      advice: (k) => `at most ${k} values on this axis`,
    });
  }
  if (p.kind === 'sweep') {
    const n = gridCount(p.values);
    knobs.push({
      field: 'protocol.values',
      count: n,
      with: (k) => ({ ...shape, points: k, listValues: listed(p.values, n, k) }),
      advice: (k) => `at most ${k} sweep values`,
    });
    knobs.push({
      field: 'replicates',
      count: spec.replicates,
      with: (k) => ({ ...shape, replicates: k }),
      advice: (k) => `at most ${k} replicates (a sweep records every replicate's switching points)`,
    });
    knobs.push({
      field: 'protocol.stepsPerPoint',
      count: p.stepsPerPoint.length,
      with: (k) => ({ ...shape, speeds: k }),
      advice: (k) => `at most ${k} sweep speeds`,
    });
  }
  if (p.kind === 'trace') {
    knobs.push({
      field: 'protocol.every',
      count: shape.intervals,
      with: (k) => ({ ...shape, intervals: k }),
      advice: (k) => `protocol.every >= ${Math.ceil(spec.steps / k)} (at most ${k} intervals)`,
    });
  }
  const head =
    `the outputs would not fit: result.json could take up to ${formatBytes(bytes)} (${shape.cells} grid cells); ` +
    `at most ${formatBytes(MAX_OUTPUT_BYTES)}`;
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
    throw new InputError(
      'steps',
      `the trace's mean-field reference (an ODE integrated next to each cell's series) would take ` +
        `about ${total.toExponential(2)} RK4 steps, steps x eta x (|a - rho|/(2T) + gamma) / 0.02 per cell; at most ` +
        `${MAX_MEAN_FIELD_STEPS.toExponential(0)}: use fewer steps, a smaller eta or a larger T`,
    );
  }
}

declare const parsed: unique symbol;

/**
 * A spec that parseSpec checked and completed. Everything downstream (runs, hashes, shards,
 * merges, chunks, checkpoints) takes this type, so a spec is parsed once per run, at the
 * edge where it enters (a file, the page's editor, a preset, a part), never again.
 */
export type ParsedSpec = ScanSpec & { readonly [parsed]: true };

/** The specs parseSpec returned: the brand's runtime twin, for callers outside TypeScript. */
const parsedSpecs = new WeakSet<object>();

/** How often parseSpec ran (the tests hold a run to one parse per scan). */
export const parseCount = { calls: 0 };

/** Checks and completes a scan spec (a parsed JSON value, or a ScanSpec built in code). */
export function parseSpec(json: unknown): ParsedSpec {
  parseCount.calls++;
  checkDepth(json);
  const result = specSchema.safeParse(json);
  if (!result.success) throw toInputError(result.error);
  const { name, description, params, axes, replicates, steps, window, initial, seed, protocol: p, sampler } = result.data;
  const spec: ScanSpec = {
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
    // zod types an optional key as `?: number | undefined`; a key absent from the input stays absent
    params: params as ScanSpec['params'],
    axes: axes as AxisSpec[],
    replicates,
    steps,
    window: 0,
    initial,
    seed,
    protocol: p as Protocol,
    sampler,
  };
  const out = checkRules(spec, window) as ParsedSpec;
  parsedSpecs.add(out);
  return out;
}

/** parseSpec on JSON text; a syntax error or a text over MAX_SPEC_TEXT_CHARS is an InputError on 'spec'. */
export function parseSpecText(text: string): ParsedSpec {
  return parseSpec(parseSpecJson(text));
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
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
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
export function specHash(spec: ParsedSpec): string {
  const { name: _n, description: _d, ...rest } = spec;
  return fnv1a64(canonicalJson(rest)).toString(16).padStart(16, '0');
}

// ---------------------------------------------------------------------------------------
// A scan prepared to run: what every consumer needs, computed once
// ---------------------------------------------------------------------------------------

/** A parsed spec with its hash, grid and costs. */
export interface PreparedScan {
  readonly spec: ParsedSpec;
  readonly hash: string;
  readonly grid: ExpandedGrid;
  /** grid cells */
  readonly cells: number;
  readonly families: 1 | 2;
  /** routers of one grid cell in one session: families x replicates */
  readonly routersPerCell: number;
  /** router-steps of one grid cell over the whole protocol (all sweep speeds) */
  readonly cellCost: number;
}

const prepared = new WeakMap<ParsedSpec, PreparedScan>();

/** The prepared form of a parsed spec (computed once per spec object, then reused). */
export function prepareScan(input: ParsedSpec): PreparedScan {
  // A plain object passed from JavaScript (no brand at run time) is parsed here, once.
  const spec = parsedSpecs.has(input) ? input : parseSpec(input);
  let scan = prepared.get(spec);
  if (!scan) {
    const grid = expandGrid(spec);
    const families = grid.families;
    scan = {
      spec,
      hash: specHash(spec),
      grid,
      cells: grid.cells.length,
      families,
      routersPerCell: families * spec.replicates,
      cellCost: specRouterSteps(spec, [0, 1]),
    };
    prepared.set(spec, scan);
  }
  return scan;
}

/** Router-steps of grid cells [begin, end) of a prepared scan. */
export function cellsCost(scan: PreparedScan, cells: readonly [number, number]): number {
  return scan.cellCost * (cells[1] - cells[0]);
}
