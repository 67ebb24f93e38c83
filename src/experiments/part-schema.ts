// What a shard part or a checkpoint must contain before anything reads it: a zod schema for
// the shape and the types of every field, then plain checks for the rules that tie fields
// together (each spec parses and hashes to its specHash, a preset's specs are the preset's,
// the results hold exactly one value per family or speed, grid cell, leg, point, replicate
// and trace interval). Every failure is an InputError on the file's label whose problem
// starts with the JSON path: `scans[0].results.relax[0]: has 7 cells, the range [0, 6) needs 6`.
// The building blocks are exported for the N-expert and training parts and checkpoints
// (part-envelope.ts, experts/, training/part-schema.ts). The checks throw nothing else. No Node-only imports.

import { z } from 'zod';
import { READOUT_FIELDS, TALLY_FIELDS } from '../core/layout.js';
import { CELL_STAT_FIELDS } from '../core/reductions.js';
import { InputError } from '../core/model.js';
import { unsafeNameReason } from '../core/names.js';
import { isPresetId, presetSpecs, SCALES, type PresetId, type Scale } from './presets/index.js';
import type { PartResults } from './scan-run.js';
import type { ExperimentCheckpoint, ExperimentPart, ScanPart } from './run.js';
import { parseSpec, specHash, sweepLegs } from './spec.js';
import type { ScanSpec, TraceCell, ValueGrid } from './types.js';

// ---------------------------------------------------------------------------------------
// Schema: shapes and field types
// ---------------------------------------------------------------------------------------

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

const relaxCell = strict(Object.fromEntries(CELL_STAT_FIELDS.map((k) => [k, stat])) as Record<(typeof CELL_STAT_FIELDS)[number], typeof stat>);

const traceCell = strict({
  steps: list(count),
  meanLoad: list(stat),
  sdLoad: list(stat),
  meanAbsLoad: list(stat),
  meanY: list(stat),
  sdY: list(stat),
});

const sweepLeg = strict({
  direction: oneOf(['up', 'down']),
  values: list(finite),
  meanLoad: list(stat),
  sdLoad: list(stat),
  switching: list(value<number | null>((v) => v === null || typeof v === 'number', 'a number or null')),
});

/** src/experiments/protocols.ts PartResults: which keys may be present is checked after. */
const results = strict({
  relax: list(list(relaxCell)).optional(),
  trace: list(list(traceCell)).optional(),
  sweep: list(list(list(sweepLeg))).optional(),
});

const scanPart = strict({ cells: cellRange, results, provenance });

const partSchema = strict({
  format: exactly('moe-cusp-part'),
  version: nonEmpty,
  id: text,
  title: text,
  scale: text,
  shard,
  // Each spec is checked by parseSpec, which names the field that is wrong.
  specs: list(z.unknown()),
  specHashes: list(hash),
  scans: list(scanPart),
});

/** src/experiments/protocols.ts ScanSnapshot; later fields (elapsedMs, segments, ...) pass through. */
const snapshot = loose({
  specHash: hash,
  version: nonEmpty,
  cells: cellRange,
  pass: count,
  results,
  inPass: loose({
    step: count,
    segment: count,
    acc: z.unknown(),
    readout: loose(Object.fromEntries(READOUT_FIELDS.map((key) => [key, f64])) as Record<(typeof READOUT_FIELDS)[number], typeof f64>),
  }).nullable(),
  routerSteps: count,
  routers: count,
  recoveries: count,
});

const checkpointSchema = strict({
  format: exactly('moe-cusp-checkpoint'),
  version: nonEmpty,
  id: text,
  shard,
  specHashes: list(hash),
  scans: list(scanPart),
  current: snapshot.nullable(),
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

// ---- Rules across fields.

export type Fail = (path: string, problem: string) => never;

export const failing =
  (label: string): Fail =>
  (path, problem) => {
    throw new InputError(label, `${path}: ${problem}`);
  };

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What a scan's results must hold. From its spec everything is known; a checkpoint has only
 * the specs' hashes, so there the results are checked for consistency among themselves.
 */
interface Layout {
  /** where the spec is, for messages ('specs[0]') */
  where?: string;
  kind?: 'relax' | 'trace' | 'sweep';
  /** grid cells of the scan */
  cells?: number;
  /** relax and trace: families; sweep: speeds */
  rows?: number;
  /** sweep: the legs in the order run, the spec's direction (for messages), replicates (one switching point each) */
  legs?: { direction: 'up' | 'down'; values: number[] }[];
  sweepDirection?: string;
  replicates?: number;
  /** trace: steps and interval */
  trace?: { steps: number; every: number };
}

function gridCount(g: ValueGrid): number {
  return 'list' in g ? g.list.length : ('linspace' in g ? g.linspace : g.logspace).count;
}

/** The layout of a parsed spec's results (counted, not expanded: a grid may be huge). */
function layoutOf(spec: ScanSpec, where: string): Layout {
  const p = spec.protocol;
  const cells = spec.axes.reduce((n, a) => n * gridCount(a.values), 1);
  const families = spec.initial.families === 'opposite' ? 2 : 1;
  if (p.kind === 'relax') return { where, kind: 'relax', cells, rows: families };
  if (p.kind === 'trace') return { where, kind: 'trace', cells, rows: families, trace: { steps: spec.steps, every: p.every } };
  return { where, kind: 'sweep', cells, rows: p.stepsPerPoint.length, legs: sweepLegs(p), sweepDirection: p.direction, replicates: spec.replicates };
}

const KINDS = ['relax', 'trace', 'sweep'] as const;

/**
 * Checks results over cells [begin, end). `partial`: a snapshot's, filled by the passes
 * finished so far, in order (each row a prefix of its cells; sweeps speed by speed).
 */
function checkResults(r: PartResults, range: [number, number], layout: Layout, path: string, partial: boolean, fail: Fail): void {
  const present = KINDS.filter((k) => r[k] !== undefined);
  if (present.length !== 1) {
    fail(
      path,
      present.length === 0 ? 'holds no results (one of relax, trace, sweep is needed)' : `holds ${present.join(' and ')}; a scan runs one protocol`,
    );
  }
  const kind = present[0];
  if (layout.kind !== undefined && kind !== layout.kind)
    fail(`${path}.${kind}`, `${layout.where} is a ${layout.kind} scan; its results are under ${layout.kind}`);
  const rows = r[kind]! as unknown[][];
  const at = `${path}.${kind}`;
  const [what, whats] = kind === 'sweep' ? ['speed', 'speeds'] : ['family', 'families'];
  if (layout.rows !== undefined) {
    if (rows.length !== layout.rows) {
      fail(
        at,
        `has ${plural(rows.length, what, whats)}, ${layout.where} has ${layout.rows}${kind === 'sweep' ? ' (protocol.stepsPerPoint)' : ' (initial.families)'}`,
      );
    }
  } else if (rows.length < 1 || (kind !== 'sweep' && rows.length > 2)) {
    fail(at, `has ${plural(rows.length, what, whats)}, must have ${kind === 'sweep' ? 'at least 1' : '1 or 2'}`);
  }
  const n = range[1] - range[0];
  const needs = `the range [${range[0]}, ${range[1]}) needs ${partial ? 'at most ' : ''}${n}`;
  rows.forEach((row, i) => {
    if (partial ? row.length > n : row.length !== n) fail(`${at}[${i}]`, `has ${plural(row.length, 'cell')}, ${needs}`);
    // Passes fill the rows in order: families together, sweep speeds one after another.
    if (partial && i > 0) {
      if (kind !== 'sweep' && row.length !== rows[0].length) fail(`${at}[${i}]`, `has ${plural(row.length, 'cell')}, family 0 has ${rows[0].length}`);
      if (kind === 'sweep' && row.length > 0 && rows[i - 1].length !== n) fail(`${at}[${i}]`, `has cells while speed ${i - 1} is not finished`);
    }
  });
  if (kind === 'trace') checkTraces(rows as TraceCell[][], layout, at, fail);
  if (kind === 'sweep') checkSweeps(rows as NonNullable<PartResults['sweep']>, layout, at, fail);
}

const SERIES = ['meanLoad', 'sdLoad', 'meanAbsLoad', 'meanY', 'sdY'] as const;

/** Every series of every cell: one value per interval, recorded at the interval ends. */
function checkTraces(rows: TraceCell[][], layout: Layout, at: string, fail: Fail): void {
  let first: number[] | undefined;
  rows.forEach((row, i) =>
    row.forEach((cell, c) => {
      const where = `${at}[${i}][${c}]`;
      const t = layout.trace;
      if (t) {
        const intervals = Math.ceil(t.steps / t.every);
        if (cell.steps.length !== intervals) {
          fail(`${where}.steps`, `has ${plural(cell.steps.length, 'value')}, the trace has ${intervals} intervals (ceil(${t.steps} / ${t.every}))`);
        }
        cell.steps.forEach((s, k) => {
          const end = Math.min((k + 1) * t.every, t.steps);
          if (s !== end) fail(`${where}.steps[${k}]`, `must be ${end} (the end of interval ${k}), got ${s}`);
        });
      } else {
        first ??= cell.steps;
        if (cell.steps.length !== first.length || cell.steps.some((s, k) => s !== first![k]))
          fail(`${where}.steps`, `differs from ${at}[0][0].steps`);
      }
      for (const key of SERIES) {
        if (cell[key].length !== cell.steps.length)
          fail(`${where}.${key}`, `has ${plural(cell[key].length, 'value')}, steps has ${cell.steps.length}`);
      }
    }),
  );
}

/** Every cell of every speed: the sweep's legs, one mean and s.d. per point, one switching point per replicate. */
function checkSweeps(rows: NonNullable<PartResults['sweep']>, layout: Layout, at: string, fail: Fail): void {
  let replicates = layout.replicates;
  let legCount = layout.legs?.length;
  rows.forEach((row, s) =>
    row.forEach((legs, c) => {
      const where = `${at}[${s}][${c}]`;
      if (legs.length === 0) fail(where, 'has no legs');
      legCount ??= legs.length;
      if (legs.length !== legCount) {
        fail(
          where,
          `has ${plural(legs.length, 'leg')}, ${layout.legs ? `the sweep (${layout.sweepDirection}) runs ${layout.legs.length}` : `${at}[0][0] has ${legCount}`}`,
        );
      }
      legs.forEach((leg, l) => {
        const expected = layout.legs?.[l];
        if (expected) {
          if (leg.direction !== expected.direction)
            fail(
              `${where}[${l}].direction`,
              `must be ${JSON.stringify(expected.direction)} (leg ${l} of ${layout.sweepDirection}), got ${JSON.stringify(leg.direction)}`,
            );
          if (leg.values.length !== expected.values.length || leg.values.some((v, k) => v !== expected.values[k])) {
            fail(`${where}[${l}].values`, `differs from the ${expected.values.length} values of the sweep's grid, in ${expected.direction} order`);
          }
        }
        for (const key of ['meanLoad', 'sdLoad'] as const) {
          if (leg[key].length !== leg.values.length)
            fail(`${where}[${l}].${key}`, `has ${plural(leg[key].length, 'value')}, the leg has ${leg.values.length} points`);
        }
        replicates ??= leg.switching.length;
        if (leg.switching.length !== replicates) {
          fail(
            `${where}[${l}].switching`,
            `has ${plural(leg.switching.length, 'entry', 'entries')}, ${layout.replicates !== undefined ? `${layout.where} has ${replicates} replicates` : `${at}[0][0][0] has ${replicates}`}`,
          );
        }
      });
    }),
  );
}

/** A scan's share: its cells within the grid, its results laid out as the spec says. */
function checkScan(scan: ScanPart, layout: Layout, path: string, fail: Fail): void {
  if (layout.cells !== undefined && scan.cells[1] > layout.cells) {
    fail(`${path}.cells`, `[${scan.cells[0]}, ${scan.cells[1]}) is outside the grid of ${layout.where} (${plural(layout.cells, 'cell')})`);
  }
  checkResults(scan.results, scan.cells, layout, `${path}.results`, false, fail);
}

export function checkId(id: string, fail: Fail): void {
  const reason = unsafeNameReason(id);
  if (reason) fail('id', reason);
}

export function checkShard(s: { index: number; count: number }, fail: Fail): void {
  if (s.count < 1) fail('shard.count', `must be at least 1, got ${s.count}`);
  if (s.index >= s.count) fail('shard.index', `must be below shard.count (${s.count}), got ${s.index}`);
}

/**
 * The header checks of every part file: a safe id, a shard index below the count, the specs
 * parsed by `parse` (a failure under specs[i]) with one hash and one scan each, each hash that
 * of its spec, and a custom part's one spec named as the part (`defaultName` when unnamed).
 */
export function checkPartHeader<S extends { name?: string | undefined }>(
  part: { id: string; shard: { index: number; count: number }; specs: unknown[]; specHashes: string[]; scans: unknown[]; scale: string },
  parse: (spec: unknown) => S,
  hashOf: (spec: S) => string,
  defaultName: string,
  fail: Fail,
): S[] {
  checkId(part.id, fail);
  checkShard(part.shard, fail);
  if (part.specs.length === 0) fail('specs', 'must list at least one spec');
  const specs = part.specs.map((spec, i) => {
    try {
      return parse(spec);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return fail(err.field === 'spec' ? `specs[${i}]` : `specs[${i}].${err.field}`, err.problem);
    }
  });
  if (part.specHashes.length !== specs.length)
    fail('specHashes', `has ${plural(part.specHashes.length, 'hash', 'hashes')} for ${plural(specs.length, 'spec')}`);
  if (part.scans.length !== specs.length) fail('scans', `has ${plural(part.scans.length, 'scan')} for ${plural(specs.length, 'spec')}`);
  specs.forEach((spec, i) => {
    const h = hashOf(spec);
    if (h !== part.specHashes[i]) fail(`specs[${i}]`, `hashes to ${h}, but specHashes[${i}] is ${part.specHashes[i]}: the spec was modified`);
  });
  if (part.scale === 'custom') {
    if (specs.length !== 1) fail('specs', `a custom part (scale "custom") has one spec, got ${specs.length}`);
    const name = specs[0].name ?? defaultName;
    if (part.id !== name) fail('id', `must be the spec's name ${shown(name)}, got ${shown(part.id)}`);
  }
  return specs;
}

/** One kind of preset (router, N-expert, training): 'a preset', ...; its ids; its specs' hashes (or an InputError). */
export interface PresetKind {
  what: string;
  is(id: string): boolean;
  hashes(id: string, scale: Scale, seed: number): string[];
}

/** A part at a preset's scale must hold exactly that preset's specs at its seed; a custom part passes. */
export function checkPresetSpecs(
  part: { id: string; scale: string; specHashes: readonly string[] },
  seed: number,
  kind: PresetKind,
  fail: Fail,
): void {
  const { id, scale } = part;
  if (scale === 'custom') return;
  if (!(SCALES as readonly string[]).includes(scale)) fail('scale', `must be one of ${SCALES.join(', ')}, custom, got ${shown(scale)}`);
  if (!kind.is(id)) fail('id', `${shown(id)} is not ${kind.what} (a part at scale ${scale} is one); custom specs have scale "custom"`);
  let expected: string[] = [];
  try {
    expected = kind.hashes(id, scale as Scale, seed);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    fail('specs[0].seed', `preset ${id} cannot run with seed ${seed}: ${err.message}`);
  }
  const of = `preset ${id} at scale ${scale}, seed ${seed}`;
  if (expected.length !== part.specHashes.length) fail('specs', `${of} runs ${plural(expected.length, 'spec')}, got ${part.specHashes.length}`);
  part.specHashes.forEach((h, i) => {
    if (h !== expected[i]) fail(`specs[${i}]`, `is not spec ${i} of ${of} (hash ${h}, expected ${expected[i]})`);
  });
}

const ROUTER_PRESETS: PresetKind = {
  what: 'a preset',
  is: isPresetId,
  hashes: (id, scale, seed) => presetSpecs(id as PresetId, scale, seed).map((s) => specHash(parseSpec(s))),
};

// ---- Entry points.

/**
 * A shard part (JSON parsed, non-finite numbers revived) checked in full; `label` (the file)
 * is the InputError's field. Returns the part with its specs as parseSpec completes them.
 */
export function checkPart(input: unknown, label: string): ExperimentPart {
  const fail = failing(label);
  const part = parseWith(partSchema, input, label, 'part');
  const specs = checkPartHeader(part, parseSpec, specHash, 'scan', fail);
  checkPresetSpecs(part, specs[0].seed, ROUTER_PRESETS, fail);
  part.scans.forEach((scan, i) => checkScan(scan as ScanPart, layoutOf(specs[i], `specs[${i}]`), `scans[${i}]`, fail));
  return { ...part, specs } as ExperimentPart;
}

/**
 * A checkpoint (JSON parsed, blobs revived to Float64Arrays) checked in full. A checkpoint
 * names its specs by hash only: the results are checked against `specs` when the caller
 * gives them (after comparing their hashes), else for consistency among themselves.
 */
export function checkCheckpoint(input: unknown, label: string, specs?: ScanSpec[]): ExperimentCheckpoint {
  const fail = failing(label);
  const c = parseWith(checkpointSchema, input, label, 'checkpoint');
  checkId(c.id, fail);
  checkShard(c.shard, fail);
  if (c.specHashes.length === 0) fail('specHashes', 'must list at least one spec hash');
  const layout = (i: number): Layout => (specs?.[i] ? layoutOf(specs[i], `spec ${c.specHashes[i]}`) : {});
  if (c.scans.length > c.specHashes.length) fail('scans', `has ${plural(c.scans.length, 'scan')} for ${plural(c.specHashes.length, 'spec')}`);
  c.scans.forEach((scan, i) => checkScan(scan as ScanPart, layout(i), `scans[${i}]`, fail));
  const current = c.current;
  if (current) {
    const i = c.scans.length;
    if (i >= c.specHashes.length) fail('current', `continues scan ${i}, but all ${c.specHashes.length} scans are finished`);
    if (current.specHash !== c.specHashes[i]) {
      fail('current.specHash', `is ${current.specHash}, but the scan it continues (specHashes[${i}]) is ${c.specHashes[i]}`);
    }
    const l = layout(i);
    if (l.cells !== undefined && current.cells[1] > l.cells)
      fail('current.cells', `[${current.cells[0]}, ${current.cells[1]}) is outside the grid (${plural(l.cells, 'cell')})`);
    checkResults(current.results as PartResults, current.cells, l, 'current.results', true, fail);
    const readout = current.inPass?.readout;
    if (readout) {
      for (const key of TALLY_FIELDS) {
        if (readout[key].length !== readout.y.length)
          fail(`current.inPass.readout.${key}`, `has ${readout[key].length} values, y has ${readout.y.length}`);
      }
    }
  }
  return c as ExperimentCheckpoint;
}
