// Files of split and interrupted runs: shard parts (JSON) and checkpoints (a JSON header
// plus the routers' state as raw float64), both written atomically. Non-finite numbers
// survive the round trip ({"$num": "NaN"}), so a resumed or merged run computes exactly
// what an uninterrupted one does.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/model.js';
import type { ExperimentCheckpoint, ExperimentPart, Shard } from '../experiments/run.js';
import { writeFileAtomic } from './outputs.js';

const MAGIC = 'MOECUSP-CHECKPOINT-1\n';

function replacer(this: unknown, _key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v;
}

function reviver(_key: string, v: unknown): unknown {
  if (v && typeof v === 'object' && '$num' in v && Object.keys(v).length === 1) return Number((v as { $num: string }).$num);
  return v;
}

export function partFileName(id: string, shard: Shard): string {
  return `part-${id}-${shard.index}-of-${shard.count}.json`;
}

export function checkpointFileName(id: string, shard: Shard): string {
  return shard.count === 1 ? `checkpoint-${id}.bin` : `checkpoint-${id}-${shard.index}-of-${shard.count}.bin`;
}

export function writePart(path: string, part: ExperimentPart): void {
  writeFileAtomic(path, JSON.stringify(part, replacer) + '\n');
}

export function readPart(path: string): ExperimentPart {
  let part: ExperimentPart;
  try {
    part = JSON.parse(readFileSync(path, 'utf8'), reviver) as ExperimentPart;
  } catch (err) {
    throw new InputError(path, `not a readable part file: ${(err as Error).message}`);
  }
  if (part?.format !== 'moe-cusp-part') throw new InputError(path, 'not a moe-cusp part file (format field missing)');
  return part;
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

/** Checkpoint bytes: magic, header length, JSON header {sizes, body}, then the Float64Arrays' bytes. */
export function encodeCheckpoint(c: ExperimentCheckpoint): Buffer {
  const blobs: Float64Array[] = [];
  const body = JSON.stringify(c, function (this: unknown, key: string, v: unknown) {
    if (v instanceof Float64Array) return { $f64: blobs.push(v) - 1 };
    return replacer.call(this, key, v);
  });
  const head = Buffer.from(`{"sizes":${JSON.stringify(blobs.map((b) => b.length))},"body":${body}}`, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length, 0);
  return Buffer.concat([Buffer.from(MAGIC), len, head, ...blobs.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))]);
}

export function decodeCheckpoint(bytes: Buffer, path = 'checkpoint'): ExperimentCheckpoint {
  if (bytes.length < MAGIC.length + 4 || bytes.subarray(0, MAGIC.length).toString() !== MAGIC) {
    throw new InputError(path, 'not a moe-cusp checkpoint file');
  }
  let at = MAGIC.length;
  const headLength = bytes.readUInt32LE(at);
  at += 4;
  const { sizes } = JSON.parse(bytes.subarray(at, at + headLength).toString('utf8')) as { sizes: number[] };
  const headText = bytes.subarray(at, at + headLength).toString('utf8');
  at += headLength;
  const blobs = sizes.map((n) => {
    if (at + 8 * n > bytes.length) throw new InputError(path, 'truncated checkpoint file');
    const copy = new Float64Array(n);
    new Uint8Array(copy.buffer).set(bytes.subarray(at, at + 8 * n));
    at += 8 * n;
    return copy;
  });
  const { body } = JSON.parse(headText, (key, v) => {
    if (v && typeof v === 'object' && '$f64' in v && Object.keys(v).length === 1) return blobs[(v as { $f64: number }).$f64];
    return reviver(key, v);
  }) as { body: ExperimentCheckpoint };
  if (body?.format !== 'moe-cusp-checkpoint') throw new InputError(path, 'not a moe-cusp checkpoint file');
  return body;
}

export function writeCheckpoint(path: string, c: ExperimentCheckpoint): void {
  writeFileAtomic(path, encodeCheckpoint(c));
}

export function readCheckpoint(path: string): ExperimentCheckpoint {
  if (!existsSync(path)) throw new InputError('--resume', `no checkpoint at ${path}`);
  return decodeCheckpoint(readFileSync(path), path);
}
