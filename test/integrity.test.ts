// Parts and checkpoints are verified, not trusted: a flipped byte, a truncated or extended
// file, an old format, a tampered spec, a cell added or removed, a NaN where an integer
// belongs are each refused with an InputError naming the file and what is wrong, and random
// mutations of valid files give either the exact original or an InputError, never a crash.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { InputError } from '../src/core/model.js';
import { READOUT_FIELDS } from '../src/core/layout.js';
import { checkCheckpoint, checkPart } from '../src/experiments/part-schema.js';
import { runExperimentPart, targetSpecs, type ExperimentPart, type ExperimentTarget } from '../src/experiments/run.js';
import { parseSpec } from '../src/experiments/spec.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import {
  decodeCheckpoint,
  decodePart,
  encodeCheckpoint,
  encodePart,
  findPartFiles,
  readCheckpoint,
  readPart,
  writeCheckpoint,
  writePart,
} from '../src/node/parts.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const cpu = new CpuEngine();
after(() => cpu.dispose());

const FIG10: ExperimentTarget = { kind: 'preset', id: 'fig10', scale: 'quick', seed: 3 };
/** 6 cells x 2 families; 1 replicate, so the s.d.-type statistics are NaN. */
const RELAX = parseSpec({
  name: 'tiny-relax',
  params: { a: 3, gamma: 1, B: 64, eta: 0.01 },
  axes: [{ param: 'T', values: { linspace: { from: 1, to: 2, count: 6 } } }],
  replicates: 1,
  steps: 100,
  window: 20,
  seed: 5,
  initial: { y0: 0.5, asym: 0, families: 'opposite' },
});
const TRACE = parseSpec({
  name: 'tiny-trace',
  params: { a: 3, gamma: 1, T: 1, B: 64, eta: 0.01 },
  axes: [{ param: 'h', values: { list: [0, 0.1] } }],
  replicates: 4,
  steps: 250,
  window: 100,
  seed: 5,
  protocol: { kind: 'trace', every: 100 },
});

let sweep: ExperimentPart;
let relax: ExperimentPart;
let trace: ExperimentPart;
/** fig10 shard 1/3 inside its scan (speed 0 finished, a pass under way), and after it. */
let midway: Buffer;
let finished: Buffer;

before(async () => {
  sweep = await runExperimentPart(cpu, FIG10, { shard: { index: 1, count: 3 } });
  relax = await runExperimentPart(cpu, { kind: 'spec', spec: RELAX });
  trace = await runExperimentPart(cpu, { kind: 'spec', spec: TRACE });
  await runExperimentPart(cpu, FIG10, {
    shard: { index: 1, count: 3 },
    checkpoint: {
      intervalMs: 0,
      save(c) {
        const s = c.current;
        if (!midway && s?.inPass && (s.results.sweep?.[0].length ?? 0) >= 1 && s.results.sweep![1].length === 0) midway = encodeCheckpoint(c);
        if (c.scans.length === 1) finished = encodeCheckpoint(c);
      },
    },
  });
  assert.ok(midway && finished, 'checkpoints inside and after the scan');
});

const clone = <T>(x: T): T => structuredClone(x);

/** Asserts an InputError on `field` whose problem matches. */
function refused(f: () => unknown, field: string, problem: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof InputError, `an InputError, got ${e instanceof Error ? e.stack : String(e)}`);
    assert.equal(e.field, field);
    assert.match(e.problem, problem);
    return true;
  });
}

// ---------------------------------------------------------------------------------------
// Checkpoint bytes, put together by hand
// ---------------------------------------------------------------------------------------

const MAGIC = 'MOECUSP-CHECKPOINT-2\n';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();

/** A file's pieces: header text and everything between the header and the checksum. */
function pieces(file: Buffer): { head: string; blobs: Buffer } {
  const n = file.readUInt32LE(MAGIC.length);
  const at = MAGIC.length + 4;
  return { head: file.subarray(at, at + n).toString('utf8'), blobs: file.subarray(at + n, file.length - 32) };
}

/** A checkpoint file from pieces, with a valid checksum (what a careful forger writes). */
function seal(head: string | Buffer, blobs: Buffer, magic = MAGIC): Buffer {
  const h = Buffer.from(head);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length, 0);
  const body = Buffer.concat([Buffer.from(magic), len, h, blobs]);
  return Buffer.concat([body, sha(body)]);
}

/** The same checkpoint with its header JSON edited, resealed. */
function edited(file: Buffer, edit: (header: { sizes: number[]; body: Record<string, unknown> }) => void): Buffer {
  const { head, blobs } = pieces(file);
  const h = JSON.parse(head);
  edit(h);
  return seal(JSON.stringify(h), blobs);
}

describe('checkpoints', () => {
  test('a valid checkpoint round-trips, typed arrays and all', () => {
    for (const file of [midway, finished]) {
      const c = decodeCheckpoint(file, 'c.bin');
      assert.deepEqual(decodeCheckpoint(encodeCheckpoint(c), 'again.bin'), c);
    }
    const c = decodeCheckpoint(midway, 'c.bin');
    assert.ok(c.current!.inPass!.readout.y instanceof Float64Array);
    assert.equal(c.current!.inPass!.readout.y.length, 3 * 8); // shard 1/3 of fig10 quick: 3 of 9 cells, 8 replicates
    const path = join(mkdtempSync(join(tmpdir(), 'moe-cusp-integrity-')), 'checkpoint-fig10-1-of-3.bin');
    writeCheckpoint(path, c);
    assert.deepEqual(readCheckpoint(path), c);
    // Blobs may hold NaN.
    const { head, blobs } = pieces(midway);
    const nan = Buffer.from(blobs);
    nan.writeDoubleLE(NaN, 0);
    assert.ok(Number.isNaN(decodeCheckpoint(seal(head, nan), 'c.bin').current!.inPass!.readout.y[0]));
  });

  test('damaged files are refused, naming the file and what is wrong', () => {
    const p = 'cp.bin';
    const { head, blobs } = pieces(midway);
    const headAt = MAGIC.length + 4;
    const flip = (at: number) => {
      const b = Buffer.from(midway);
      b[at] ^= 0x10;
      return b;
    };
    refused(() => decodeCheckpoint(flip(midway.length - 32 - 3), p), p, /^checksum mismatch: the file is corrupted or was modified$/);
    refused(() => decodeCheckpoint(flip(headAt + 40), p), p, /^checksum mismatch: the file is corrupted or was modified$/);
    refused(() => decodeCheckpoint(flip(midway.length - 1), p), p, /^checksum mismatch/);
    refused(
      () => decodeCheckpoint(midway.subarray(0, midway.length - 20), p),
      p,
      /^checksum mismatch: .* \(it is truncated: \d+ bytes, its header announces \d+\)/,
    );
    refused(
      () => decodeCheckpoint(midway.subarray(0, headAt + 100), p),
      p,
      /^truncated or corrupted: the header length \(\d+ bytes\) runs past the end of the file/,
    );
    refused(() => decodeCheckpoint(midway.subarray(0, 30), p), p, /^truncated: 30 bytes, a checkpoint has at least 57/);
    refused(() => decodeCheckpoint(midway.subarray(0, 10), p), p, /^truncated: 10 bytes, not even the format marker/);
    refused(
      () => decodeCheckpoint(Buffer.concat([midway, Buffer.from('garbage')]), p),
      p,
      /^checksum mismatch: .* \(7 trailing bytes after the \d+ its header announces\)/,
    );
    refused(() => decodeCheckpoint(Buffer.from('{"format":"moe-cusp-checkpoint"}'), p), p, /^not a moe-cusp checkpoint file$/);
    refused(() => decodeCheckpoint(Buffer.alloc(0), p), p, /^truncated/);
    // Version 1: no checksum (magic, length, header, blobs).
    const v1 = seal(head, blobs, 'MOECUSP-CHECKPOINT-1\n').subarray(0, midway.length - 32);
    refused(() => decodeCheckpoint(v1, p), p, /^was written by an older moe-cusp \(checkpoint format 1\) and cannot be resumed/);
    refused(() => decodeCheckpoint(seal(head, blobs, 'MOECUSP-CHECKPOINT-3\n'), p), p, /^checkpoint format 3 is newer/);
  });

  test('forged files (checksum recomputed) are refused by their contents', () => {
    const p = 'cp.bin';
    const { head, blobs } = pieces(midway);
    refused(() => decodeCheckpoint(seal(head.slice(0, 200), blobs), p), p, /^the header is not valid JSON \(truncated or corrupted\)/);
    refused(() => decodeCheckpoint(seal(Buffer.from([0x7b, 0xff, 0x7d]), blobs), p), p, /^the header is not valid UTF-8/);
    refused(() => decodeCheckpoint(seal('[1]', blobs), p), p, /^the header must be an object/);
    // one blob per readout column, 24 routers x 8 bytes each: the last one comes up short
    const last = READOUT_FIELDS.length - 1;
    refused(
      () => decodeCheckpoint(seal(head, blobs.subarray(8)), p),
      p,
      new RegExp(`^truncated: blob ${last} needs 192 bytes, 184 are left before the checksum`),
    );
    refused(() => decodeCheckpoint(seal(head, Buffer.concat([blobs, Buffer.alloc(5)])), p), p, /^5 trailing bytes after the blobs/);
    refused(
      () =>
        decodeCheckpoint(
          edited(midway, (h) => {
            h.sizes = [8, 8, 8, -8];
          }),
          p,
        ),
      p,
      /^the header's sizes must be a list of non-negative integers/,
    );
    refused(
      () => decodeCheckpoint(seal(head.replace('{"$f64":3}', '{"$f64":9}'), blobs), p),
      p,
      new RegExp(`^the header refers to blob 9, the file has ${READOUT_FIELDS.length}`),
    );
    refused(
      () => decodeCheckpoint(seal(head.replace('{"$f64":3}', '[1,2]'), blobs), p),
      p,
      /^current\.inPass\.readout\.sumN1: must be a Float64Array/,
    );
    refused(
      () =>
        decodeCheckpoint(
          edited(midway, (h) => {
            (h.body.current as { specHash: string }).specHash = '0123456789abcdef';
          }),
          p,
        ),
      p,
      /^current\.specHash: is 0123456789abcdef, but the scan it continues \(specHashes\[0\]\) is [0-9a-f]{16}$/,
    );
    refused(
      () =>
        decodeCheckpoint(
          edited(midway, (h) => {
            (h.body.current as { pass: unknown }).pass = { $num: 'NaN' };
          }),
          p,
        ),
      p,
      /^current\.pass: must be a non-negative integer, got NaN$/,
    );
    refused(
      () =>
        decodeCheckpoint(
          edited(midway, (h) => {
            (h.body.current as { cells: unknown }).cells = [2, 1];
          }),
          p,
        ),
      p,
      /^current\.cells: must be \[begin, end\)/,
    );
    refused(
      () =>
        decodeCheckpoint(
          edited(midway, (h) => {
            (h.body.current as { results: { sweep: unknown[][] } }).results.sweep[0].push([]);
          }),
          p,
        ),
      p,
      /^current\.results\.sweep\[0\]: has 4 cells, the range \[3, 6\) needs at most 3$/,
    );
    refused(
      () =>
        decodeCheckpoint(
          edited(midway, (h) => {
            (h.body.current as { results: { sweep: unknown[][] } }).results.sweep[1].push([]);
          }),
          p,
        ),
      p,
      /^current\.results\.sweep\[1\]\[0\]: has no legs/,
    );
    refused(
      () =>
        decodeCheckpoint(
          edited(midway, (h) => {
            h.body.shard = { index: 3, count: 3 };
          }),
          p,
        ),
      p,
      /^shard\.index: must be below shard\.count \(3\), got 3$/,
    );
    refused(
      () =>
        decodeCheckpoint(
          edited(midway, (h) => {
            h.body.id = '../x';
          }),
          p,
        ),
      p,
      /^id: must be 1-64 characters/,
    );
    refused(
      () =>
        decodeCheckpoint(
          edited(finished, (h) => {
            (h.body.scans as { cells: number[] }[])[0].cells = [1, 3];
          }),
          p,
        ),
      p,
      /^scans\[0\]\.results\.sweep\[0\]: has 3 cells, the range \[1, 3\) needs 2$/,
    );
    refused(
      () =>
        decodeCheckpoint(
          edited(finished, (h) => {
            h.body.scans = [...(h.body.scans as unknown[]), ...(h.body.scans as unknown[])];
          }),
          p,
        ),
      p,
      /^scans: has 2 scans for 1 spec$/,
    );
    refused(
      () =>
        decodeCheckpoint(
          edited(finished, (h) => {
            h.body.extra = 1;
          }),
          p,
        ),
      p,
      /^extra: unknown key; allowed: format, version/,
    );
    // Given the run's specs (their hashes compared first), the results are checked against them.
    const specs = targetSpecs(FIG10);
    assert.ok(checkCheckpoint(decodeCheckpoint(finished, p), p, specs));
    const oneLeg = decodeCheckpoint(
      edited(finished, (h) => {
        (h.body.scans as { results: { sweep: unknown[][][] } }[])[0].results.sweep.forEach((row) => row.forEach((cell) => (cell as unknown[]).pop()));
      }),
      p,
    );
    refused(() => checkCheckpoint(oneLeg, p, specs), p, /^scans\[0\]\.results\.sweep\[0\]\[0\]: has 1 leg, the sweep \(up-down\) runs 2$/);
    // Newer fields of a snapshot pass through.
    const more = decodeCheckpoint(
      edited(midway, (h) => {
        (h.body.current as Record<string, unknown>).laterField = [1, 2];
      }),
      p,
    );
    assert.deepEqual((more.current as unknown as Record<string, unknown>).laterField, [1, 2]);
  });
});

// ---------------------------------------------------------------------------------------
// Parts
// ---------------------------------------------------------------------------------------

/** A part edited (then written with a fresh checksum) and read back. */
function forged(part: ExperimentPart, edit: (p: ExperimentPart & Record<string, unknown>) => void): () => ExperimentPart {
  const p = clone(part) as ExperimentPart & Record<string, unknown>;
  edit(p);
  const text = encodePart(p);
  return () => decodePart(text, 'part.json');
}

describe('parts', () => {
  test('a valid part round-trips, NaN included; the file is JSON with the checksum first', () => {
    for (const part of [sweep, relax, trace]) assert.deepEqual(decodePart(encodePart(part), 'p'), part);
    assert.ok(Number.isNaN(relax.scans[0].results.relax![0][0].varFinalY), 'one replicate: NaN variance');
    const file = JSON.parse(encodePart(relax));
    assert.match(file.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(file.part.scans[0].results.relax[0][0].varFinalY, { $num: 'NaN' });
    const path = join(mkdtempSync(join(tmpdir(), 'moe-cusp-integrity-')), 'part-fig10-1-of-3.json');
    writePart(path, sweep);
    assert.deepEqual(readPart(path), sweep);
  });

  test('a changed byte, a truncated file or an old part is refused', () => {
    const text = encodePart(sweep);
    const at = text.indexOf('"routerSteps":') + '"routerSteps":'.length;
    const digit = text[at] === '9' ? '8' : String(Number(text[at]) + 1);
    refused(
      () => decodePart(text.slice(0, at) + digit + text.slice(at + 1), 'p.json'),
      'p.json',
      /^checksum mismatch: the file is corrupted or was modified$/,
    );
    refused(() => decodePart(text.slice(0, text.indexOf('"values":') + 5), 'p.json'), 'p.json', /^truncated: the part file does not end with }/);
    refused(() => decodePart(text.replace('"sha256":"', '"sha256":"0'), 'p.json'), 'p.json', /^not a moe-cusp part file/);
    refused(() => decodePart(JSON.stringify(sweep), 'p.json'), 'p.json', /^was written by an older moe-cusp \(a part without a checksum\)/);
    refused(() => decodePart('', 'p.json'), 'p.json', /^not a moe-cusp part file/);
  });

  test('forged parts (checksum recomputed) are refused, naming the field', () => {
    const f = 'part.json';
    refused(
      forged(sweep, (p) => {
        p.specs[0].params.gamma = 1.5;
      }),
      f,
      /^specs\[0\]: hashes to [0-9a-f]{16}, but specHashes\[0\] is [0-9a-f]{16}: the spec was modified$/,
    );
    refused(
      forged(sweep, (p) => {
        p.specs[0].replicates = -1;
      }),
      f,
      /^specs\[0\]\.replicates: must be an integer in \[1, /,
    );
    // A preset with another spec, its hash updated to match: not the preset's spec.
    refused(
      forged(sweep, (p) => {
        p.id = 'fig6';
      }),
      f,
      /^specs\[0\]: is not spec 0 of preset fig6 at scale quick, seed 3 \(hash [0-9a-f]{16}, expected [0-9a-f]{16}\)$/,
    );
    refused(
      forged(sweep, (p) => {
        p.scale = 'paper';
      }),
      f,
      /^specs\[0\]: is not spec 0 of preset fig10 at scale paper/,
    );
    refused(
      forged(sweep, (p) => {
        p.scale = 'huge';
      }),
      f,
      /^scale: must be one of quick, paper, large, custom, got "huge"$/,
    );
    refused(
      forged(relax, (p) => {
        p.id = 'other';
      }),
      f,
      /^id: must be the spec's name "tiny-relax", got "other"$/,
    );
    refused(
      forged(relax, (p) => {
        p.id = 'fig8';
        p.scale = 'quick';
      }),
      f,
      /^specs: preset fig8 at scale quick, seed \d+ runs 4 specs, got 1$/,
    );
    // A cell added, a cell removed.
    refused(
      forged(relax, (p) => {
        p.scans[0].results.relax![0].push(p.scans[0].results.relax![0][0]);
      }),
      f,
      /^scans\[0\]\.results\.relax\[0\]: has 7 cells, the range \[0, 6\) needs 6$/,
    );
    refused(
      forged(relax, (p) => {
        p.scans[0].results.relax![1].pop();
      }),
      f,
      /^scans\[0\]\.results\.relax\[1\]: has 5 cells, the range \[0, 6\) needs 6$/,
    );
    refused(
      forged(relax, (p) => {
        p.scans[0].results.relax!.pop();
      }),
      f,
      /^scans\[0\]\.results\.relax: has 1 family, specs\[0\] has 2 \(initial\.families\)$/,
    );
    refused(
      forged(relax, (p) => {
        p.scans[0].cells = [0, 7];
      }),
      f,
      /^scans\[0\]\.cells: \[0, 7\) is outside the grid of specs\[0\] \(6 cells\)$/,
    );
    refused(
      forged(sweep, (p) => {
        p.scans[0].results.sweep![2].push(p.scans[0].results.sweep![2][0]);
      }),
      f,
      /^scans\[0\]\.results\.sweep\[2\]: has 4 cells, the range \[3, 6\) needs 3$/,
    );
    refused(
      forged(sweep, (p) => {
        p.scans[0].results.sweep![0][0].pop();
      }),
      f,
      /^scans\[0\]\.results\.sweep\[0\]\[0\]: has 1 leg, the sweep \(up-down\) runs 2$/,
    );
    refused(
      forged(sweep, (p) => {
        p.scans[0].results.sweep![0][0][1].meanLoad.pop();
      }),
      f,
      /^scans\[0\]\.results\.sweep\[0\]\[0\]\[1\]\.meanLoad: has 20 values, the leg has 21 points$/,
    );
    refused(
      forged(sweep, (p) => {
        p.scans[0].results.sweep![0][0][1].values.reverse();
      }),
      f,
      /^scans\[0\]\.results\.sweep\[0\]\[0\]\[1\]\.values: differs from the 21 values/,
    );
    refused(
      forged(sweep, (p) => {
        p.scans[0].results.sweep![0][0][0].direction = 'down';
      }),
      f,
      /^scans\[0\]\.results\.sweep\[0\]\[0\]\[0\]\.direction: must be "up"/,
    );
    refused(
      forged(sweep, (p) => {
        p.scans[0].results.sweep![0][0][0].switching.push(null);
      }),
      f,
      /switching: has 9 entries, specs\[0\] has 8 replicates$/,
    );
    refused(
      forged(trace, (p) => {
        p.scans[0].results.trace![0][1].meanY.pop();
      }),
      f,
      /^scans\[0\]\.results\.trace\[0\]\[1\]\.meanY: has 2 values, steps has 3$/,
    );
    refused(
      forged(trace, (p) => {
        p.scans[0].results.trace![0][1].steps[1] = 199;
      }),
      f,
      /^scans\[0\]\.results\.trace\[0\]\[1\]\.steps\[1\]: must be 200 \(the end of interval 1\), got 199$/,
    );
    refused(
      forged(trace, (p) => {
        (p.scans[0].results as Record<string, unknown>).relax = relax.scans[0].results.relax;
      }),
      f,
      /^scans\[0\]\.results: holds relax and trace; a scan runs one protocol$/,
    );
    refused(
      forged(relax, (p) => {
        (p.scans[0].results.relax![0][0] as unknown as Record<string, unknown>).extra = 1;
      }),
      f,
      /^scans\[0\]\.results\.relax\[0\]\[0\]\.extra: unknown key; allowed: meanLoad/,
    );
    // NaN where an integer belongs.
    refused(
      forged(sweep, (p) => {
        p.scans[0].provenance.routers = NaN;
      }),
      f,
      /^scans\[0\]\.provenance\.routers: must be a non-negative integer, got NaN$/,
    );
    refused(
      forged(sweep, (p) => {
        p.shard.index = NaN;
      }),
      f,
      /^shard\.index: must be a non-negative integer, got NaN$/,
    );
    refused(
      forged(sweep, (p) => {
        p.scans[0].cells = [NaN, 2];
      }),
      f,
      /^scans\[0\]\.cells: must be \[begin, end\).*got \[NaN, 2\]$/,
    );
    refused(
      forged(trace, (p) => {
        p.scans[0].results.trace![0][1].steps[0] = NaN;
      }),
      f,
      /^scans\[0\]\.results\.trace\[0\]\[1\]\.steps\[0\]: must be a non-negative integer, got NaN$/,
    );
    refused(
      forged(sweep, (p) => {
        delete (p.scans[0].provenance as Partial<(typeof p.scans)[0]['provenance']>).seed;
      }),
      f,
      /^scans\[0\]\.provenance\.seed: is required/,
    );
    refused(
      forged(sweep, (p) => {
        p.format = 'moe-cusp-checkpoint' as never;
      }),
      f,
      /^format: must be "moe-cusp-part", got "moe-cusp-checkpoint"$/,
    );
    // Statistics may be NaN; provenance may carry newer fields.
    assert.ok(
      forged(sweep, (p) => {
        p.scans[0].results.sweep![0][0][0].sdLoad[3] = NaN;
      })(),
    );
    assert.equal(
      (
        forged(sweep, (p) => {
          (p.scans[0].provenance as unknown as Record<string, unknown>).segments = [{ engine: 'cpu' }];
        })().scans[0].provenance as unknown as { segments: unknown[] }
      ).segments.length,
      1,
    );
  });
});

// ---------------------------------------------------------------------------------------
// Random damage: the exact original or an InputError, nothing else
// ---------------------------------------------------------------------------------------

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; n: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
);

function mutate(bytes: Buffer, ms: Mutation[]): Buffer {
  let b = Buffer.from(bytes);
  for (const m of ms) {
    const at = m.at % (b.length + 1);
    if (m.kind === 'flip' && at < b.length) b[at] ^= 1 << m.bit;
    else if (m.kind === 'set' && at < b.length) b[at] = m.byte;
    else if (m.kind === 'cut') b = b.subarray(0, at);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.n)]);
  }
  return b;
}

/** Runs f: its value, or undefined after an InputError; any other exception fails the property. */
function inputErrorOr<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    if (err instanceof InputError) return undefined;
    throw err;
  }
}

/** Every path into a value (typed arrays are leaves). */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (v && typeof v === 'object' && !(v instanceof Float64Array)) {
    for (const [k, x] of Object.entries(v)) paths(x, [...at, Array.isArray(v) ? Number(k) : k], out);
  }
  return out;
}

/** A copy of root with the value at path replaced (or deleted when replacement is the symbol). */
function replaced(root: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (replacement === DELETE) delete node[last];
  else node[last] = replacement;
  return copy;
}

const DELETE = Symbol('delete');
const junk = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(NaN, Infinity, -1, 0.5, 2 ** 53, -0, '', null, [], {}, DELETE, Float64Array.of(1)),
  fc.array(fc.integer(), { maxLength: 4 }),
);

describe('random damage', () => {
  const runs = { numRuns: 1000 };

  test('checkpoint bytes: the original or an InputError', () => {
    const original = decodeCheckpoint(midway, 'c');
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        const bytes = mutate(midway, ms);
        const back = inputErrorOr(() => decodeCheckpoint(bytes, 'c'));
        if (back !== undefined) assert.deepEqual(back, original);
      }),
      runs,
    );
  });

  test('checkpoint header bytes, resealed: a valid checkpoint or an InputError', () => {
    const { head, blobs } = pieces(midway);
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.array(mutation, { maxLength: 1 }), (ms, blobMs) => {
        const back = inputErrorOr(() => decodeCheckpoint(seal(mutate(Buffer.from(head), ms), mutate(blobs, blobMs)), 'c'));
        if (back !== undefined) assert.deepEqual(checkCheckpoint(back, 'c'), back);
      }),
      runs,
    );
  });

  test('part bytes: the original or an InputError', () => {
    const text = Buffer.from(encodePart(sweep));
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        const back = inputErrorOr(() => decodePart(mutate(text, ms).toString('utf8'), 'p'));
        if (back !== undefined) assert.deepEqual(back, sweep);
      }),
      runs,
    );
  });

  test('part bytes, checksum recomputed: a valid part or an InputError', () => {
    const body = Buffer.from(JSON.stringify(JSON.parse(encodePart(trace)).part));
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const b = mutate(body, ms).toString('utf8');
        const file = `{"sha256":"${sha(Buffer.from(b, 'utf8')).toString('hex')}","part":${b}}\n`;
        const back = inputErrorOr(() => decodePart(file, 'p'));
        if (back !== undefined) assert.deepEqual(checkPart(back, 'p'), back);
      }),
      runs,
    );
  });

  test('any value anywhere in a part or a checkpoint: checked or an InputError', () => {
    const checkpoint = decodeCheckpoint(midway, 'c');
    for (const [root, check] of [
      [relax, checkPart],
      [sweep, checkPart],
      [checkpoint, checkCheckpoint],
    ] as const) {
      const all = paths(root);
      fc.assert(
        fc.property(fc.nat({ max: all.length - 1 }), junk, (i, v) => {
          inputErrorOr(() => check(replaced(root, all[i], v), 'x'));
        }),
        runs,
      );
    }
  });
});

describe('CLI', () => {
  test('merge refuses a tampered part: exit 2, the part named, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'moe-cusp-integrity-cli-'));
    const parts = join(dir, 'parts');
    const env = { ...process.env, MOE_CUSP_ENGINE: 'cpu' };
    for (const i of [0, 1, 2]) {
      const r = spawnSync(
        process.execPath,
        [MAIN, 'run', 'fig10', '--scale', 'quick', '--engine', 'cpu', '--shard', `${i}/3`, '--out', parts, '--no-png', '--no-report'],
        { env, encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
    }
    const files = findPartFiles([parts]);
    assert.equal(files.length, 3);
    const victim = files[1];
    const text = readFileSync(victim, 'utf8');
    writeFileSync(
      victim,
      text.replace(/"routerSteps":(\d)/, (_, d: string) => `"routerSteps":${d === '9' ? 8 : Number(d) + 1}`),
    );
    const out = join(dir, 'out');
    const merged = spawnSync(process.execPath, [MAIN, 'merge', parts, '--out', out], { env, encoding: 'utf8' });
    assert.equal(merged.status, 2, merged.stderr);
    assert.ok(merged.stderr.startsWith(`moe-cusp: ${victim}: checksum mismatch`), merged.stderr);
    assert.ok(!existsSync(out), 'nothing written');
  });
});
