// What an N-expert shard part or checkpoint must contain before anything reads it, in the
// style of the two-expert checks (src/experiments/part-schema.ts, whose building blocks these
// use): a zod schema for the shape and the types of every field, then the rules that tie
// fields together (each spec parses and hashes to its specHash, a preset's specs are the
// preset's, the results hold one value per family, grid cell, expert, leg, point and
// replicate, a snapshot's position and state fit its scan). Every failure is an InputError on
// the file's label whose problem starts with the JSON path. No Node-only imports.

import { z } from 'zod';
import { EXPERT_SCALAR_FIELDS, EXPERT_VECTOR_FIELDS } from '../../core/experts.js';
import {
  cellRange,
  checkId,
  checkPartHeader,
  checkPresetSpecs,
  checkShard,
  count,
  exactly,
  f64,
  failing,
  finite,
  hash,
  list,
  loose,
  nonEmpty,
  nonNegative,
  oneOf,
  parseWith,
  plural,
  provenance,
  shard,
  shown,
  stat,
  strict,
  text,
  type Fail,
} from '../part-schema.js';
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

const partSchema = strict({
  format: exactly('moe-cusp-expert-part'),
  version: nonEmpty,
  id: text,
  title: text,
  scale: text,
  shard,
  // Each spec is checked by parseExpertSpec, which names the field that is wrong.
  specs: list(z.unknown()),
  specHashes: list(hash),
  scans: list(piece),
});

const readout = strict(
  Object.fromEntries([...EXPERT_VECTOR_FIELDS, ...EXPERT_SCALAR_FIELDS].map((k) => [k, f64])) as Record<
    (typeof EXPERT_VECTOR_FIELDS)[number] | (typeof EXPERT_SCALAR_FIELDS)[number],
    typeof f64
  >,
);

const sweepAcc = strict({ legs: list(list(sweepLeg)), current: list(strict(legStats)), previous: f64.nullable(), previousValue: stat });

const segment = loose({ engine: text, adapter: text, backend: text, startedAt: text, elapsedMs: nonNegative, routerSteps: count });

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

const checkpointSchema = strict({
  format: exactly('moe-cusp-expert-checkpoint'),
  version: nonEmpty,
  id: text,
  shard,
  specHashes: list(hash),
  scans: list(piece),
  current: snapshot.nullable(),
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
  const fail = failing(label);
  const part = parseWith(partSchema, input, label, 'part');
  const specs = checkPartHeader(part, parseExpertSpec, expertSpecHash, 'experts', fail);
  checkPresetSpecs(
    part,
    specs[0].seed,
    {
      what: 'an N-expert preset',
      is: isExpertPresetId,
      hashes: (id, scale, seed) => expertPresetSpecs(id as Parameters<typeof expertPresetSpecs>[0], scale, seed).map(expertSpecHash),
    },
    fail,
  );
  part.scans.forEach((scan, i) => checkResults(scan as Results, specs[i], `scans[${i}]`, fail));
  return { ...part, specs } as ExpertExperimentPart;
}

/**
 * An N-expert checkpoint (JSON parsed, blobs revived to Float64Arrays) checked in full. A
 * checkpoint names its specs by hash only: the results and the snapshot are checked against
 * `specs` when the caller gives them (after comparing their hashes), else for their shape.
 */
export function checkExpertCheckpoint(input: unknown, label: string, specs?: readonly ExpertScanSpec[]): ExpertExperimentCheckpoint {
  const fail = failing(label);
  const c = parseWith(checkpointSchema, input, label, 'checkpoint');
  checkId(c.id, fail);
  checkShard(c.shard, fail);
  if (c.specHashes.length === 0) fail('specHashes', 'must list at least one spec hash');
  if (c.scans.length > c.specHashes.length) fail('scans', `has ${plural(c.scans.length, 'scan')} for ${plural(c.specHashes.length, 'spec')}`);
  if (specs) c.scans.forEach((scan, i) => checkResults(scan as Results, specs[i], `scans[${i}]`, fail));
  const current = c.current as ExpertScanSnapshot | null;
  if (current) {
    const i = c.scans.length;
    if (i >= c.specHashes.length) fail('current', `continues scan ${i}, but all ${c.specHashes.length} scans are finished`);
    if (current.specHash !== c.specHashes[i])
      fail('current.specHash', `is ${current.specHash}, but the scan it continues (specHashes[${i}]) is ${c.specHashes[i]}`);
    if (specs) {
      checkResults({ cells: [current.cells[0], current.next], relax: current.relax, sweep: current.sweep }, specs[i], 'current', fail);
      checkExpertSnapshot(current, specs[i], current.cells, label);
    }
  }
  return c as ExpertExperimentCheckpoint;
}
