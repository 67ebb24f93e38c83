// The envelope every shard part and checkpoint shares, the routers' (part-schema.ts), the
// N-expert and the training ones (experts/, training/part-schema.ts): the keys around the
// model's scan pieces and snapshot (format, version, id, title, scale, shard, specs,
// specHashes, scans; a checkpoint's current) and the checks of them (a safe id, a shard index
// below the count, each spec parsed and hashed to its specHash, a preset's specs the preset's;
// a checkpoint's scans no more than its specs, its snapshot continuing an unfinished scan).
// The model's own schemas and the checks of its results stay with it. Building blocks from
// part-blocks.ts; no Node-only imports.

import { z } from 'zod';
import { InputError } from '../core/model.js';
import { unsafeNameReason } from '../core/names.js';
import {
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
  shown,
  strict,
  text,
  type Fail,
} from './part-blocks.js';
import { SCALES, type Scale } from './presets/index.js';

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
    checkCheckpoint(
      input: unknown,
      label: string,
      checkScan?: (scan: Checkpoint['scans'][number], i: number, fail: Fail, specHashes: readonly string[]) => void,
    ): Checkpoint {
      const fail = failing(label);
      const c = parseWith(checkpointSchema, input, label, 'checkpoint');
      checkId(c.id, fail);
      checkShard(c.shard, fail);
      if (c.specHashes.length === 0) fail('specHashes', 'must list at least one spec hash');
      if (c.scans.length > c.specHashes.length) fail('scans', `has ${plural(c.scans.length, 'scan')} for ${plural(c.specHashes.length, 'spec')}`);
      if (checkScan) c.scans.forEach((scan, i) => checkScan(scan, i, fail, c.specHashes));
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
