// The envelope an N-expert or a training shard part or checkpoint shares (experts/,
// training/part-schema.ts): the keys around the model's scan pieces and snapshot (format,
// version, id, title, scale, shard, specs, specHashes, scans; a checkpoint's current) and the
// checks of them (a safe id, a shard index below the count, each spec parsed and hashed to
// its specHash, a preset's specs the preset's; a checkpoint's scans no more than its specs, its
// snapshot continuing an unfinished scan). The model's own schemas and the checks of its
// results stay with it. Building blocks from part-schema.ts; no Node-only imports.

import { z } from 'zod';
import {
  checkId,
  checkPartHeader,
  checkPresetSpecs,
  checkShard,
  count,
  exactly,
  failing,
  hash,
  list,
  loose,
  nonEmpty,
  nonNegative,
  parseWith,
  plural,
  shard,
  strict,
  text,
  type Fail,
  type PresetKind,
} from './part-schema.js';

/** A run segment of a snapshot (src/core/scan.ts); later fields pass through. */
export const segment = loose({ engine: text, adapter: text, backend: text, startedAt: text, elapsedMs: nonNegative, routerSteps: count });

/** What one model puts in the envelope: its formats, the schemas of its pieces and snapshots, its spec parser and presets. */
export interface EnvelopeModel<Spec, Piece extends z.ZodType, Snap extends z.ZodType> {
  formats: { part: string; checkpoint: string };
  piece: Piece;
  snapshot: Snap;
  /** the model's spec parser (an InputError names the field that is wrong) and hash */
  parse(spec: unknown): Spec;
  hashOf(spec: Spec): string;
  /** a custom part's id when its spec has no name */
  defaultName: string;
  presets: PresetKind;
}

/** The part and checkpoint schemas of one model, and the checks of their envelopes. */
export function envelopeOf<Spec extends { name?: string | undefined; seed: number }, Piece extends z.ZodType, Snap extends z.ZodType>(
  model: EnvelopeModel<Spec, Piece, Snap>,
) {
  const partSchema = strict({
    format: exactly(model.formats.part),
    version: nonEmpty,
    id: text,
    title: text,
    scale: text,
    shard,
    // Each spec is checked by model.parse, which names the field that is wrong.
    specs: list(z.unknown()),
    specHashes: list(hash),
    scans: list(model.piece),
  });
  const checkpointSchema = strict({
    format: exactly(model.formats.checkpoint),
    version: nonEmpty,
    id: text,
    shard,
    specHashes: list(hash),
    scans: list(model.piece),
    current: model.snapshot.nullable(),
  });
  type Part = z.output<typeof partSchema>;
  type Checkpoint = z.output<typeof checkpointSchema>;
  return {
    /** A part (JSON parsed) with its envelope checked and its specs parsed; `fail` reports on `label`. */
    checkPart(input: unknown, label: string): { part: Part; specs: Spec[]; fail: Fail } {
      const fail = failing(label);
      const part = parseWith(partSchema, input, label, 'part');
      const specs = checkPartHeader(part, model.parse, model.hashOf, model.defaultName, fail);
      checkPresetSpecs(part, specs[0].seed, model.presets, fail);
      return { part, specs, fail };
    },
    /**
     * A checkpoint (JSON parsed) with its envelope checked: `checkScan` (when given) checks
     * each finished scan, and a snapshot that names its spec's hash must name the one of the
     * scan it continues (scans.length).
     */
    checkCheckpoint(input: unknown, label: string, checkScan?: (scan: Checkpoint['scans'][number], i: number, fail: Fail) => void): Checkpoint {
      const fail = failing(label);
      const c = parseWith(checkpointSchema, input, label, 'checkpoint');
      checkId(c.id, fail);
      checkShard(c.shard, fail);
      if (c.specHashes.length === 0) fail('specHashes', 'must list at least one spec hash');
      if (c.scans.length > c.specHashes.length) fail('scans', `has ${plural(c.scans.length, 'scan')} for ${plural(c.specHashes.length, 'spec')}`);
      if (checkScan) c.scans.forEach((scan, i) => checkScan(scan, i, fail));
      // (c as ...): inside this generic function zod cannot tell whether `current` is optional.
      const current = (c as { current?: { specHash?: string } | null }).current;
      if (current) {
        const i = c.scans.length;
        if (i >= c.specHashes.length) fail('current', `continues scan ${i}, but all ${c.specHashes.length} scans are finished`);
        if ('specHash' in current && current.specHash !== c.specHashes[i])
          fail('current.specHash', `is ${current.specHash}, but the scan it continues (specHashes[${i}]) is ${c.specHashes[i]}`);
      }
      return c;
    },
  };
}
