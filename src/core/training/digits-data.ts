// The 8x8 digits data of sec. 8.3 (data/digits/: E. Alpaydin, C. Kaynak, "Optical Recognition
// of Handwritten Digits", UCI Machine Learning Repository, 1998, doi:10.24432/C50P49, CC BY 4.0;
// see data/digits/README.md). Browser-safe: parses the decompressed CSV text; the Node loader
// (gunzip of data/digits/digits.csv.gz) is src/node/digits.ts.
//
// Rows: 64 pixels 0..16 (row-major 8x8), then the label 0..9. Input scaling: pixel / 16, in [0, 1].
// Train/test split (fixed, stratified, no randomness): within each class, its rows in file
// order are numbered k = 0, 1, 2, ...; k mod 4 = 3 goes to the test set, the rest to training.
// On the shipped 1797 rows: 1352 training and 445 test rows, per class floor(count / 4) test.

import { DIGITS_CLASSES, DIGITS_DIM } from './digits.js';
import type { ClassData } from './types.js';

export const DIGITS_ROWS = 1797;
/** sha256 of the shipped digits.csv.gz (data/digits/README.md); checked by the Node loader and the page. */
export const DIGITS_SHA256 = '09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22';
/** Within a class, row k (in file order) is a test row when k mod DIGITS_TEST_EVERY = DIGITS_TEST_EVERY - 1. */
export const DIGITS_TEST_EVERY = 4;

/** Parses the CSV text (65 integers a line); throws RangeError on a malformed line. */
export function parseDigitsCsv(text: string): ClassData {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const count = lines.length;
  const x = new Float64Array(count * DIGITS_DIM);
  const labels = new Uint8Array(count);
  lines.forEach((line, r) => {
    const fields = line.split(',');
    if (fields.length !== DIGITS_DIM + 1) throw new RangeError(`digits line ${r + 1}: ${fields.length} fields, expected ${DIGITS_DIM + 1}`);
    for (let j = 0; j <= DIGITS_DIM; j++) {
      const v = Number(fields[j]);
      const max = j < DIGITS_DIM ? 16 : DIGITS_CLASSES - 1;
      if (!Number.isInteger(v) || v < 0 || v > max)
        throw new RangeError(`digits line ${r + 1}, field ${j + 1}: ${fields[j]} is not an integer in 0..${max}`);
      if (j < DIGITS_DIM) x[r * DIGITS_DIM + j] = v / 16;
      else labels[r] = v;
    }
  });
  return { count, dim: DIGITS_DIM, classes: DIGITS_CLASSES, x, labels };
}

/** The fixed stratified split: row indices of the training and test sets, each ascending. */
export function digitsSplit(data: ClassData): { train: Uint32Array; test: Uint32Array } {
  const seen = new Array<number>(data.classes).fill(0);
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < data.count; i++) {
    const k = seen[data.labels[i]]++;
    (k % DIGITS_TEST_EVERY === DIGITS_TEST_EVERY - 1 ? test : train).push(i);
  }
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}

/** The rows `rows` of data as a data set of their own (e.g. the training set, for minibatches by row number). */
export function selectRows(data: ClassData, rows: ArrayLike<number>): ClassData {
  const x = new Float64Array(rows.length * data.dim);
  const labels = new Uint8Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    x.set(data.x.subarray(rows[r] * data.dim, (rows[r] + 1) * data.dim), r * data.dim);
    labels[r] = data.labels[rows[r]];
  }
  return { count: rows.length, dim: data.dim, classes: data.classes, x, labels };
}

/** Rows per class. */
export function classCounts(data: ClassData): number[] {
  const counts = new Array<number>(data.classes).fill(0);
  for (let i = 0; i < data.count; i++) counts[data.labels[i]]++;
  return counts;
}
