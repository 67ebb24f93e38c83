// The 8x8 digits data on the page (data/digits/: E. Alpaydin, C. Kaynak, "Optical Recognition
// of Handwritten Digits", UCI Machine Learning Repository, 1998, CC BY 4.0; attribution in
// data/digits/README.md). Vite bundles the shipped digits.csv.gz as an asset of the built
// folder, so the page fetches it from its own host (no other network). It is fetched when a
// digits preset first runs, its SHA-256 checked against the Node loader's DIGITS_SHA256,
// decompressed with DecompressionStream, parsed and split as under Node (src/node/digits.ts,
// nodeTrainingData), and cached.

import digitsUrl from '../../data/digits/digits.csv.gz?url';
import { DIGITS_SHA256, digitsSplit, parseDigitsCsv, selectRows } from '../../src/core/training/digits-data.js';
import type { ClassData } from '../../src/core/training/types.js';

/**
 * sha256 of the decompressed CSV: a host that serves .gz files with `Content-Encoding: gzip`
 * (some static servers and dev servers do) hands fetch the CSV itself, checked against this.
 */
export const DIGITS_CSV_SHA256 = '6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8';

export interface PageDigits {
  all: ClassData;
  train: ClassData;
  test: ClassData;
  /** the hex SHA-256 that was checked, and of what */
  sha256: string;
  checked: 'gzip' | 'csv';
}

let cached: Promise<PageDigits> | null = null;

/** The digits data of the fixed split, loaded once (a failed load is retried on the next call). */
export function loadPageDigits(): Promise<PageDigits> {
  cached ??= fetchDigits().catch((err: unknown) => {
    cached = null;
    throw err;
  });
  return cached;
}

/** What the page loaded (for tests: window.moeCusp.digits): rows of the whole set and of the split, and the checked hash. */
export async function digitsSummary(): Promise<{ rows: number; train: number; test: number; sha256: string; checked: 'gzip' | 'csv' }> {
  const d = await loadPageDigits();
  return { rows: d.all.count, train: d.train.count, test: d.test.count, sha256: d.sha256, checked: d.checked };
}

async function fetchDigits(): Promise<PageDigits> {
  const response = await fetch(digitsUrl);
  if (!response.ok) throw new Error(`the digits data (${digitsUrl}) could not be loaded: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const sha256 = await sha256Hex(bytes);
  const expected = gzip ? DIGITS_SHA256 : DIGITS_CSV_SHA256;
  if (sha256 !== expected) throw new Error(`the digits data (${digitsUrl}) is damaged: sha256 ${sha256}, expected ${expected}`);
  const text = gzip ? await gunzipText(bytes) : new TextDecoder().decode(bytes);
  const all = parseDigitsCsv(text);
  const split = digitsSplit(all);
  return { all, train: selectRows(all, split.train), test: selectRows(all, split.test), sha256, checked: gzip ? 'gzip' : 'csv' };
}

async function gunzipText(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

/** Hex SHA-256: crypto.subtle where the page is a secure context, else the FIPS 180-4 loop below. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = globalThis.crypto?.subtle ? new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)) : sha256(bytes);
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The first 32 bits of the fractional parts of the n-th roots of the first `count` primes. */
function rootWords(count: number, root: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let p = 2, k = 0; k < count; p++) {
    let prime = true;
    for (let d = 2; d * d <= p; d++) if (p % d === 0) prime = false;
    if (!prime) continue;
    const r = root === 2 ? Math.sqrt(p) : Math.cbrt(p);
    out[k++] = Math.floor((r - Math.floor(r)) * 2 ** 32);
  }
  return out;
}

/** SHA-256 (FIPS 180-4) in plain JavaScript, for pages served without a secure context. */
export function sha256(bytes: Uint8Array): Uint8Array {
  const K = rootWords(64, 3);
  const H = rootWords(8, 2);
  const blocks = Math.ceil((bytes.length + 9) / 64);
  const msg = new Uint8Array(blocks * 64);
  msg.set(bytes);
  msg[bytes.length] = 0x80;
  const view = new DataView(msg.buffer);
  view.setUint32(msg.length - 8, Math.floor(bytes.length / 2 ** 29));
  view.setUint32(msg.length - 4, (bytes.length * 8) >>> 0);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let b = 0; b < blocks; b++) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(b * 64 + 4 * t);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    let [a, c1, c2, c3, e, f, g, h] = H;
    for (let t = 0; t < 64; t++) {
      const t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & c1) ^ (a & c2) ^ (c1 & c2));
      h = g;
      g = f;
      f = e;
      e = (c3 + t1) >>> 0;
      c3 = c2;
      c2 = c1;
      c1 = a;
      a = (t1 + t2) >>> 0;
    }
    [a, c1, c2, c3, e, f, g, h].forEach((v, i) => {
      H[i] += v;
    });
  }
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  H.forEach((v, i) => ov.setUint32(4 * i, v));
  return out;
}
