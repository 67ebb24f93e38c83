// What an N-expert shard part or checkpoint must contain before anything reads it, in the
// style of the two-expert checks (src/experiments/part-schema.ts, with the same building
// blocks, part-blocks.ts): a zod schema for the shape and the types of every field (the
// envelope every model's parts share from part-envelope.ts, the pieces and snapshot here),
// then the rules that tie fields together (each spec parses and hashes to its specHash, a
// preset's specs are the preset's, the results hold one value per family, grid cell, expert,
// leg, point and replicate, a snapshot's position and state fit its scan). Every failure is an
// InputError on the file's label whose problem starts with the JSON path. No Node-only imports.

import { EXPERT_SCALAR_FIELDS, EXPERT_VECTOR_FIELDS } from '../../core/experts.js';
import { envelopeOf, segment } from '../part-envelope.js';
import {
  cellRange,
  count,
  f64,
  failing,
  finite,
  hash,
  list,
  nonEmpty,
  nonNegative,
  oneOf,
  plural,
  provenance,
  shown,
  stat,
  strict,
  type Fail,
} from '../part-blocks.js';
import type { ExpertExperimentCheckpoint, ExpertExperimentPart } from './experiment.js';
import { expertPresetSpecs, isExpertPresetId } from './presets/index.js';
import { checkExpertSnapshot, type ExpertScanPiece, type ExpertScanSnapshot } from './run.js';
import { expertGrid, expertSpecHash, familiesOf, parseExpertSpec, type ExpertScanSpec } from './spec.js';
import { EXPERT_CELL_STAT_FIELDS, expertSweepLegs } from './stats.js';

const cellStats = strict({
  ...(Object.fromEntries(EXPERT_CELL_STAT_FIELDS.map((k) => [k, stat])) as Record<(typeof EXPERT_CELL_STAT_FIELDS)[number], typeof stat>),
  shares: list(stat),
});

const legStats = { maxLoad: list(stat), maxLoadSd: list(stat), effectiveExperts: list(stat), collapse: list(stat), recovery: list(stat) };
const sweepLeg = strict({ direction: oneOf(['up', 'down']), values: list(finite), ...legStats });

const piece = strict({ cells: cellRange, relax: list(list(cellStats)).optional(), sweep: list(list(sweepLeg)).optional(), provenance });

const readout = strict(
  Object.fromEntries([...EXPERT_VECTOR_FIELDS, ...EXPERT_SCALAR_FIELDS].map((k) => [k, f64])) as Record<
    (typeof EXPERT_VECTOR_FIELDS)[number] | (typeof EXPERT_SCALAR_FIELDS)[number],
    typeof f64
  >,
);

const sweepAcc = strict({ legs: list(list(sweepLeg)), current: list(strict(legStats)), previous: f64.nullable(), previousValue: stat });

const snapshot = strict({
  specHash: hash,
  version: nonEmpty,
  cells: cellRange,
  next: count,
  relax: list(list(cellStats)).optional(),
  sweep: list(list(sweepLeg)).optional(),
  group: strict({ cells: cellRange, phase: count, step: count, sweep: sweepAcc.nullable(), readout }).nullable(),
  routerSteps: count,
  elapsedMs: nonNegative,
  segments: list(segment),
});

const envelope = envelopeOf({
  formats: { part: 'moe-cusp-expert-part', checkpoint: 'moe-cusp-expert-checkpoint' },
  piece,
  snapshot,
  parse: parseExpertSpec,
  hashOf: expertSpecHash,
  defaultName: 'experts',
  presets: {
    what: 'an N-expert preset',
    is: isExpertPresetId,
    hashes: (id, scale, seed) => expertPresetSpecs(id as Parameters<typeof expertPresetSpecs>[0], scale, seed).map(expertSpecHash),
  },
});

type Results = { cells: [number, number]; relax?: ExpertScanPiece['relax'] | undefined; sweep?: ExpertScanPiece['sweep'] | undefined };

/** A scan's results over its cells: one protocol, F families, N shares, the sweep's legs, points and replicates. */
function checkResults(r: Results, spec: ExpertScanSpec, path: string, fail: Fail): void {
  const grid = expertGrid(spec).cells;
  const [begin, end] = r.cells;
  if (end > grid.length) fail(`${path}.cells`, `[${begin}, ${end}) is outside the grid (${plural(grid.length, 'cell')})`);
  const F = familiesOf(spec).length;
  const n = end - begin;
  const kind = spec.protocol.kind;
  const other = kind === 'relax' ? 'sweep' : 'relax';
  if (r[other] !== undefined) fail(`${path}.${other}`, `the spec is a ${kind} scan; its results are under ${kind}`);
  if (r[kind] === undefined) fail(`${path}.${kind}`, `is required for a ${kind} scan`);
  if (r.relax) {
    if (r.relax.length !== F) fail(`${path}.relax`, `has ${plural(r.relax.length, 'family', 'families')}, the spec has ${F}`);
    r.relax.forEach((row, f) => {
      if (row.length !== n) fail(`${path}.relax[${f}]`, `has ${plural(row.length, 'cell')}, the range [${begin}, ${end}) needs ${n}`);
      row.forEach((s, c) => {
        const N = grid[begin + c].N;
        if (s.shares.length !== N)
          fail(`${path}.relax[${f}][${c}].shares`, `has ${plural(s.shares.length, 'value')}, grid cell ${begin + c} has N = ${N}`);
      });
    });
  }
  if (r.sweep && spec.protocol.kind === 'sweep') {
    const legs = expertSweepLegs(spec.protocol);
    if (r.sweep.length !== n * F) fail(`${path}.sweep`, `has ${plural(r.sweep.length, 'plan cell')}, the range [${begin}, ${end}) needs ${n * F}`);
    r.sweep.forEach((cell, c) => {
      if (cell.length !== legs.length) fail(`${path}.sweep[${c}]`, `has ${plural(cell.length, 'leg')}, the sweep runs ${legs.length}`);
      cell.forEach((leg, l) => {
        const at = `${path}.sweep[${c}][${l}]`;
        const expected = legs[l];
        if (leg.direction !== expected.direction)
          fail(`${at}.direction`, `must be ${JSON.stringify(expected.direction)}, got ${shown(leg.direction)}`);
        if (leg.values.length !== expected.values.length || leg.values.some((v, k) => v !== expected.values[k]))
          fail(`${at}.values`, `differs from the ${expected.values.length} values of the sweep's grid, in ${expected.direction} order`);
        for (const key of ['maxLoad', 'maxLoadSd', 'effectiveExperts'] as const) {
          if (leg[key].length !== leg.values.length)
            fail(`${at}.${key}`, `has ${plural(leg[key].length, 'value')}, the leg has ${leg.values.length} points`);
        }
        for (const key of ['collapse', 'recovery'] as const) {
          if (leg[key].length !== spec.replicates)
            fail(`${at}.${key}`, `has ${plural(leg[key].length, 'value')}, the spec has ${spec.replicates} replicates`);
        }
      });
    });
  }
}

/** An N-expert shard part (JSON parsed, non-finite numbers revived) checked in full; `label` (the file) is the InputError's field. */
export function checkExpertPart(input: unknown, label: string): ExpertExperimentPart {
  const { part, specs, fail } = envelope.checkPart(input, label);
  part.scans.forEach((scan, i) => checkResults(scan as Results, specs[i], `scans[${i}]`, fail));
  return { ...part, specs } as ExpertExperimentPart;
}

/**
 * An N-expert checkpoint (JSON parsed, blobs revived to Float64Arrays) checked in full. A
 * checkpoint names its specs by hash only: the results and the snapshot are checked against
 * `specs` when the caller gives them (after comparing their hashes), else for their shape.
 */
export function checkExpertCheckpoint(input: unknown, label: string, specs?: readonly ExpertScanSpec[]): ExpertExperimentCheckpoint {
  const c = envelope.checkCheckpoint(input, label, specs && ((scan, i, fail) => checkResults(scan as Results, specs[i], `scans[${i}]`, fail)));
  const current = c.current as ExpertScanSnapshot | null;
  if (current && specs) {
    const i = c.scans.length;
    checkResults({ cells: [current.cells[0], current.next], relax: current.relax, sweep: current.sweep }, specs[i], 'current', failing(label));
    checkExpertSnapshot(current, specs[i], current.cells, label);
  }
  return c as ExpertExperimentCheckpoint;
}
