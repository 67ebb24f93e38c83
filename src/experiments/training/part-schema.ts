// What a training shard part or checkpoint must contain before anything reads it, in the style
// of the router checks (src/experiments/part-schema.ts, with the same building blocks,
// part-blocks.ts): a zod schema for the shape and types (the envelope every model's parts
// share from part-envelope.ts, the pieces and snapshot here), then the rules that tie fields together
// (each spec parses and hashes to its specHash, a preset's specs are the preset's, every cell
// holds one record per evaluation point with one value per initialisation for each of the
// kind's fields, a snapshot's parameters fit its group). Every failure is an InputError on the
// file's label whose problem starts with the JSON path. No Node-only imports.

import { z } from 'zod';
import { envelopeOf, segment } from '../part-envelope.js';
import { cellRange, count, f64, failing, list, plural, provenance, shown, strict, value, type Fail } from '../part-blocks.js';
import type { TrainingExperimentCheckpoint, TrainingExperimentPart } from './experiment.js';
import { isTrainingPresetId, trainingPresetSpecs } from './presets/index.js';
import { fieldsOf, parameterCount, trainingPoints, type TrainingCellResult } from './run.js';
import { parseTrainingSpec, trainingGrid, trainingSpecHash, type TrainingScanSpec } from './spec.js';

const numberOrNull = value<number | null>((v) => v === null || (typeof v === 'number' && Number.isFinite(v)), 'a finite number or null');
const cellResult = strict({ points: list(z.record(z.string(), list(numberOrNull))) });
const piece = strict({ cells: cellRange, results: list(cellResult), provenance });

const snapshot = strict({
  cells: cellRange,
  finished: list(cellResult),
  group: strict({ begin: count, end: count, step: count, points: count, results: list(cellResult), params: f64 }).nullable(),
  segments: list(segment),
});

const envelope = envelopeOf({
  formats: { part: 'moe-cusp-training-part', checkpoint: 'moe-cusp-training-checkpoint' },
  piece,
  snapshot,
  parse: parseTrainingSpec,
  hashOf: trainingSpecHash,
  defaultName: 'training',
  presets: {
    what: 'a training preset',
    is: isTrainingPresetId,
    hashes: (id, scale, seed) => trainingPresetSpecs(id as Parameters<typeof trainingPresetSpecs>[0], scale, seed).map(trainingSpecHash),
  },
});

/** Cells' results: `points` evaluation points (all of the spec's by default), each with the kind's fields, one value per initialisation. */
function checkCells(results: readonly TrainingCellResult[], n: number, spec: TrainingScanSpec, path: string, fail: Fail, points?: number): void {
  if (results.length !== n) fail(path, `has ${plural(results.length, 'cell')}, expected ${n}`);
  const P = points ?? trainingPoints(spec).length;
  const fields = fieldsOf(spec);
  results.forEach((cell, c) => {
    if (cell.points.length !== P) fail(`${path}[${c}].points`, `has ${plural(cell.points.length, 'point')}, expected ${P}`);
    cell.points.forEach((pt, k) => {
      const keys = Object.keys(pt).sort().join(',');
      if (keys !== [...fields].sort().join(',')) fail(`${path}[${c}].points[${k}]`, `must hold exactly ${fields.join(', ')}, got ${shown(keys)}`);
      for (const f of fields) {
        if (pt[f]!.length !== spec.initialisations)
          fail(`${path}[${c}].points[${k}].${f}`, `has ${plural(pt[f]!.length, 'value')}, the spec has ${spec.initialisations} initialisations`);
      }
    });
  });
}

function checkPiece(p: { cells: [number, number]; results: TrainingCellResult[] }, spec: TrainingScanSpec, path: string, fail: Fail): void {
  const cells = trainingGrid(spec).cells.length;
  if (p.cells[1] > cells) fail(`${path}.cells`, `[${p.cells}) is outside the grid (${plural(cells, 'cell')})`);
  checkCells(p.results, p.cells[1] - p.cells[0], spec, `${path}.results`, fail);
}

/** A training shard part (JSON parsed) checked in full; `label` (the file) is the InputError's field. */
export function checkTrainingPart(input: unknown, label: string): TrainingExperimentPart {
  const { part, specs, fail } = envelope.checkPart(input, label);
  part.scans.forEach((scan, i) => checkPiece(scan as never, specs[i], `scans[${i}]`, fail));
  return { ...part, specs } as TrainingExperimentPart;
}

/**
 * A training checkpoint (JSON parsed, blobs revived to Float64Arrays) checked in full. Its
 * results and snapshot are checked against `specs` when the caller gives them (after comparing
 * their hashes), else for their shape.
 */
export function checkTrainingCheckpoint(input: unknown, label: string, specs?: readonly TrainingScanSpec[]): TrainingExperimentCheckpoint {
  const c = envelope.checkCheckpoint(input, label, specs && ((scan, i, fail) => checkPiece(scan as never, specs[i], `scans[${i}]`, fail)));
  const fail = failing(label);
  const current = c.current;
  if (current && specs) {
    const spec = specs[c.scans.length];
    const [begin, end] = current.cells;
    if (end > trainingGrid(spec).cells.length) fail('current.cells', `[${current.cells}) is outside the grid`);
    checkCells(current.finished as TrainingCellResult[], current.finished.length, spec, 'current.finished', fail);
    const g = current.group;
    if (g) {
      const points = trainingPoints(spec);
      const P = points.length;
      if (g.begin !== begin + current.finished.length || g.end <= g.begin || g.end > end)
        fail('current.group', `cells [${g.begin}, ${g.end}) do not continue the finished cells of [${begin}, ${end})`);
      if (g.points >= P) fail('current.group.points', `is ${g.points}; the scan has ${P} points`);
      checkCells(g.results as TrainingCellResult[], g.end - g.begin, spec, 'current.group.results', fail, g.points);
      const size = (g.end - g.begin) * spec.initialisations * parameterCount(spec);
      if (g.params.length !== size) fail('current.group.params', `has ${plural(g.params.length, 'value')}, the group's models have ${size}`);
      if (!g.params.every(Number.isFinite)) fail('current.group.params', 'holds a value that is not finite');
      // between the last point recorded (or the start) and the next one (a stop between slices)
      const from = g.points === 0 ? 0 : points[g.points - 1].step;
      const to = points[g.points].step;
      if (!(g.step >= from && g.step <= to)) fail('current.group.step', `is ${g.step}; after ${g.points} points it must be from ${from} to ${to}`);
    }
  }
  return c as TrainingExperimentCheckpoint;
}
