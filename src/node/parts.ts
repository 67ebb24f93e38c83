// Files of split and interrupted runs: shard parts (JSON) and checkpoints (a JSON header
// plus the routers' state as raw float64), both written atomically and both verified, not
// trusted, when read: a SHA-256 checksum first (a flipped byte, a truncated or extended file),
// then the structure (src/experiments/part-schema.ts: a cell added, a spec changed). Every
// problem is an InputError naming the file. Non-finite numbers survive the round trip
// ({"$num": "NaN"}), so a resumed or merged run computes exactly what an uninterrupted one does.
// The framings (encodePartBody, decodeCheckpointBody, ...) serve the N-expert files too
// (expert-parts.ts); the body's `format` tells the two apart.
//
// Part file: {"sha256":"<64 hex>","part":<body>}\n, body = the part's JSON, the hash over the
// body's UTF-8 bytes (the file stays JSON, for jq).
// Checkpoint file: magic, u32 LE header length, JSON header {"sizes": [...], "body": ...}
// (a Float64Array in body is {"$f64": <index into sizes>}), the Float64Arrays' bytes in order,
// then the SHA-256 of everything before it (32 bytes).

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/model.js';
import { checkCheckpoint, checkPart } from '../experiments/part-schema.js';
import type { ExperimentCheckpoint, ExperimentPart, Shard } from '../experiments/run.js';
import { writeFileAtomic } from './outputs.js';

const MAGIC = 'MOECUSP-CHECKPOINT-2\n';
/** Magic strings of earlier checkpoint formats (version 1: no checksum). */
const OLD_MAGIC = /^MOECUSP-CHECKPOINT-(\d+)\n/;
const DIGEST_BYTES = 32;
const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

function replacer(this: unknown, _key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v;
}

function reviver(_key: string, v: unknown): unknown {
  if (v && typeof v === 'object' && Object.keys(v).length === 1 && NON_FINITE.has((v as { $num?: unknown }).$num as string)) {
    return Number((v as { $num: string }).$num);
  }
  return v;
}

function sha256(...chunks: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest();
}

/** JSON.parse whose every failure (a syntax error, nesting too deep for the reviver) is an InputError. */
function parseJson(text: string, label: string, what: string, revive?: (key: string, v: unknown) => unknown): unknown {
  try {
    return JSON.parse(text, revive);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(label, `${what} is not valid JSON (truncated or corrupted): ${(err as Error).message}`);
  }
}

export function partFileName(id: string, shard: Shard): string {
  return `part-${id}-${shard.index}-of-${shard.count}.json`;
}

/** The lock and checkpoint key of an experiment (its id) or of one of its shards (id-i-of-n). */
export function runKey(id: string, shard: Shard): string {
  return shard.count === 1 ? id : `${id}-${shard.index}-of-${shard.count}`;
}

export function checkpointFileName(id: string, shard: Shard): string {
  return `checkpoint-${runKey(id, shard)}.bin`;
}

const PART_PREFIX = /^\{"sha256":"([0-9a-f]{64})","part":/;

/** A part file's text: the checksum, then the part as JSON. */
export function encodePart(part: ExperimentPart): string {
  return encodePartBody(part);
}

/** The part file framing of any part (two-expert or N-expert): the checksum, then the body as JSON. */
export function encodePartBody(part: unknown): string {
  const body = JSON.stringify(part, replacer);
  return `{"sha256":"${sha256(Buffer.from(body, 'utf8')).toString('hex')}","part":${body}}\n`;
}

/** A part from a part file's text, verified (checksum, then structure); `label` names the file in errors. */
export function decodePart(text: string, label: string): ExperimentPart {
  return checkPart(decodePartBody(text, label), label);
}

/** A part file's body, its checksum verified and its JSON parsed (non-finite numbers revived); the structure is the caller's to check. */
export function decodePartBody(text: string, label: string): unknown {
  const m = PART_PREFIX.exec(text);
  if (!m) {
    if (text.startsWith('{"format":"moe-cusp-part"')) {
      throw new InputError(label, 'was written by an older moe-cusp (a part without a checksum) and cannot be merged: run its shard again');
    }
    throw new InputError(label, 'not a moe-cusp part file (it must start with {"sha256":"<64 hex digits>","part":)');
  }
  const end = text.endsWith('}\n') ? text.length - 2 : text.endsWith('}') ? text.length - 1 : -1;
  if (end < m[0].length) throw new InputError(label, 'truncated: the part file does not end with }');
  const body = text.slice(m[0].length, end);
  if (sha256(Buffer.from(body, 'utf8')).toString('hex') !== m[1]) {
    throw new InputError(label, 'checksum mismatch: the file is corrupted or was modified');
  }
  return parseJson(body, label, 'the part', reviver);
}

export function writePart(path: string, part: ExperimentPart): void {
  writeFileAtomic(path, encodePart(part));
}

export function readPart(path: string): ExperimentPart {
  return decodePart(readPartText(path), path);
}

export function readPartText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(path, `cannot read the part file: ${(err as Error).message}`);
  }
}

/** Part files named on the command line: files, or folders searched two levels deep. */
export function findPartFiles(args: string[]): string[] {
  const found: string[] = [];
  const visit = (path: string, depth: number) => {
    if (statSync(path).isDirectory()) {
      if (depth < 2) for (const name of readdirSync(path).sort()) visit(join(path, name), depth + 1);
    } else if (depth === 0 || /^part-.*-\d+-of-\d+\.json$/.test(path.split('/').pop()!)) {
      found.push(path);
    }
  };
  for (const arg of args) {
    if (!existsSync(arg)) throw new InputError(arg, 'no such file or folder');
    visit(arg, 0);
  }
  if (found.length === 0) throw new InputError('parts', `no part files (part-<id>-<i>-of-<n>.json) in ${args.join(', ')}`);
  return found;
}

/** Checkpoint bytes: magic, header length, JSON header {sizes, body}, the Float64Arrays' bytes, SHA-256. */
export function encodeCheckpoint(c: ExperimentCheckpoint): Buffer {
  return encodeCheckpointBody(c);
}

/** The checkpoint framing of any body (two-expert or N-expert checkpoints): every Float64Array in it goes to a blob. */
export function encodeCheckpointBody(c: unknown): Buffer {
  const blobs: Float64Array[] = [];
  const body = JSON.stringify(c, function (this: unknown, key: string, v: unknown) {
    if (v instanceof Float64Array) return { $f64: blobs.push(v) - 1 };
    return replacer.call(this, key, v);
  });
  const head = Buffer.from(`{"sizes":${JSON.stringify(blobs.map((b) => b.length))},"body":${body}}`, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length, 0);
  const chunks = [Buffer.from(MAGIC), len, head, ...blobs.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))];
  return Buffer.concat([...chunks, sha256(...chunks)]);
}

/** The blob sizes a header announces, when it parses and they are well-formed (for diagnoses only). */
function announcedSizes(headText: string): number[] | undefined {
  try {
    const sizes = (JSON.parse(headText) as { sizes?: unknown })?.sizes;
    return Array.isArray(sizes) && sizes.every((n) => Number.isSafeInteger(n) && n >= 0) ? sizes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A checkpoint from a checkpoint file's bytes, verified in this order: magic, length, header
 * length, checksum, header JSON, blob sizes, structure. `path` names the file in errors.
 */
export function decodeCheckpoint(bytes: Buffer, path = 'checkpoint'): ExperimentCheckpoint {
  return checkCheckpoint(decodeCheckpointBody(bytes, path), path);
}

/** A checkpoint file's body, verified up to its structure (the caller's to check), blobs revived to Float64Arrays. */
export function decodeCheckpointBody(bytes: Buffer, path = 'checkpoint'): unknown {
  const fail = (problem: string): never => {
    throw new InputError(path, problem);
  };
  const magic = bytes.subarray(0, MAGIC.length).toString('latin1');
  if (magic !== MAGIC) {
    const old = OLD_MAGIC.exec(bytes.subarray(0, 40).toString('latin1'));
    if (old && Number(old[1]) < 2)
      fail(`was written by an older moe-cusp (checkpoint format ${old[1]}) and cannot be resumed: delete it to start the run over`);
    if (old) fail(`checkpoint format ${old[1]} is newer than this moe-cusp reads (format 2): resume with the moe-cusp that wrote it`);
    fail(
      bytes.length < MAGIC.length && MAGIC.startsWith(magic)
        ? `truncated: ${bytes.length} bytes, not even the format marker`
        : 'not a moe-cusp checkpoint file',
    );
  }
  const headAt = MAGIC.length + 4;
  const bodyEnd = bytes.length - DIGEST_BYTES;
  if (bodyEnd < headAt) fail(`truncated: ${bytes.length} bytes, a checkpoint has at least ${headAt + DIGEST_BYTES}`);
  const headLength = bytes.readUInt32LE(MAGIC.length);
  if (headLength > bodyEnd - headAt) {
    fail(`truncated or corrupted: the header length (${headLength} bytes) runs past the end of the file (${bytes.length} bytes)`);
  }
  const headBytes = bytes.subarray(headAt, headAt + headLength);
  if (!sha256(bytes.subarray(0, bodyEnd)).equals(bytes.subarray(bodyEnd))) {
    // Say what probably happened when the header still tells the file's length.
    const sizes = announcedSizes(headBytes.toString('utf8'));
    const expected = sizes && headAt + headLength + 8 * sizes.reduce((a, b) => a + b, 0) + DIGEST_BYTES;
    const why =
      expected === undefined || expected === bytes.length
        ? ''
        : expected > bytes.length
          ? ` (it is truncated: ${bytes.length} bytes, its header announces ${expected})`
          : ` (${bytes.length - expected} trailing bytes after the ${expected} its header announces)`;
    fail(`checksum mismatch: the file is corrupted or was modified${why}`);
  }
  let headText: string;
  try {
    headText = new TextDecoder('utf-8', { fatal: true }).decode(headBytes);
  } catch {
    return fail('the header is not valid UTF-8');
  }
  const head = parseJson(headText, path, 'the header') as { sizes?: unknown; body?: unknown } | null;
  if (head === null || typeof head !== 'object' || Array.isArray(head) || !('body' in head))
    fail('the header must be an object {"sizes": [...], "body": {...}}');
  const { sizes } = head!;
  if (!Array.isArray(sizes) || !sizes.every((n) => Number.isSafeInteger(n) && n >= 0))
    fail("the header's sizes must be a list of non-negative integers");
  // Blobs must fill the file exactly up to the checksum.
  let at = headAt + headLength;
  const blobs = (sizes as number[]).map((n, i) => {
    if (8 * n > bodyEnd - at) fail(`truncated: blob ${i} needs ${8 * n} bytes, ${bodyEnd - at} are left before the checksum`);
    const copy = new Float64Array(n);
    new Uint8Array(copy.buffer).set(bytes.subarray(at, at + 8 * n));
    at += 8 * n;
    return copy;
  });
  if (at !== bodyEnd) fail(`${bodyEnd - at} trailing bytes after the blobs, before the checksum`);
  const revived = parseJson(headText, path, 'the header', (key, v) => {
    if (v && typeof v === 'object' && '$f64' in v && Object.keys(v).length === 1) {
      const i = (v as { $f64: unknown }).$f64;
      if (!(Number.isInteger(i) && (i as number) >= 0 && (i as number) < blobs.length))
        fail(`the header refers to blob ${shownIndex(i)}, the file has ${blobs.length}`);
      return blobs[i as number];
    }
    return reviver(key, v);
  }) as { body: unknown };
  return revived.body;
}

function shownIndex(i: unknown): string {
  return typeof i === 'number' ? String(i) : (JSON.stringify(i)?.slice(0, 20) ?? String(i));
}

export function writeCheckpoint(path: string, c: ExperimentCheckpoint): void {
  writeFileAtomic(path, encodeCheckpoint(c));
}

export function readCheckpoint(path: string): ExperimentCheckpoint {
  return decodeCheckpoint(readCheckpointBytes(path), path);
}

export function readCheckpointBytes(path: string): Buffer {
  if (!existsSync(path)) throw new InputError('--resume', `no checkpoint at ${path}`);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new InputError(path, `cannot read the checkpoint: ${(err as Error).message}`);
  }
}
