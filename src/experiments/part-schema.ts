// What a shard part or a checkpoint must contain before anything reads it: a zod schema for
// the shape and the types of every field, then plain checks for the rules that tie fields
// together (each spec parses and hashes to its specHash, a preset's specs are the preset's,
// the results hold exactly one value per family or speed, grid cell, leg, point, replicate
// and trace interval). Every failure is an InputError on the file's label whose problem
// starts with the JSON path: `scans[0].results.relax[0]: has 7 cells, the range [0, 6) needs 6`.
// The building blocks (part-blocks.ts) and the envelope of every part and checkpoint
// (part-envelope.ts) are shared with the N-expert and training ones (experts/,
// training/part-schema.ts). The checks throw nothing else. No Node-only imports.

import { z } from 'zod';
import { READOUT_FIELDS, TALLY_FIELDS } from '../core/layout.js';
import { CELL_STAT_FIELDS } from '../core/reductions.js';
import {
  cellRange,
  count,
  f64,
  failing,
  finite,
  hash,
  list,
  loose,
  nonEmpty,
  oneOf,
  plural,
  provenance,
  stat,
  strict,
  value,
  type Fail,
} from './part-blocks.js';
import { envelopeOf, type PresetKind } from './part-envelope.js';
import { isPresetId, presetSpecs, type PresetId } from './presets/index.js';
import type { PartResults } from './scan-run.js';
import type { ExperimentCheckpoint, ExperimentPart, ScanPart } from './run.js';
import { parseSpec, specHash, sweepLegs } from './spec.js';
import type { ScanSpec, TraceCell, ValueGrid } from './types.js';

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

const ROUTER_PRESETS: PresetKind = {
  what: 'a preset',
  is: isPresetId,
  hashes: (id, scale, seed) => presetSpecs(id as PresetId, scale, seed).map((s) => specHash(parseSpec(s))),
};

const envelope = envelopeOf({
  formats: { part: 'moe-cusp-part', checkpoint: 'moe-cusp-checkpoint' },
  piece: scanPart,
  snapshot,
  parse: parseSpec,
  hashOf: specHash,
  defaultName: 'scan',
  presets: ROUTER_PRESETS,
});

// ---- Entry points.

/**
 * A shard part (JSON parsed, non-finite numbers revived) checked in full; `label` (the file)
 * is the InputError's field. Returns the part with its specs as parseSpec completes them.
 */
export function checkPart(input: unknown, label: string): ExperimentPart {
  const { part, specs, fail } = envelope.checkPart(input, label);
  part.scans.forEach((scan, i) => checkScan(scan as ScanPart, layoutOf(specs[i], `specs[${i}]`), `scans[${i}]`, fail));
  return { ...part, specs } as ExperimentPart;
}

/**
 * A checkpoint (JSON parsed, blobs revived to Float64Arrays) checked in full. A checkpoint
 * names its specs by hash only: the results are checked against `specs` when the caller
 * gives them (after comparing their hashes), else for consistency among themselves.
 */
export function checkCheckpoint(input: unknown, label: string, specs?: ScanSpec[]): ExperimentCheckpoint {
  const layout = (i: number, hashes: readonly string[]): Layout => (specs?.[i] ? layoutOf(specs[i], `spec ${hashes[i]}`) : {});
  const c = envelope.checkCheckpoint(input, label, (scan, i, fail, hashes) => checkScan(scan as ScanPart, layout(i, hashes), `scans[${i}]`, fail));
  const fail = failing(label);
  const current = c.current;
  if (current) {
    const l = layout(c.scans.length, c.specHashes);
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
