// Node loader of the digits data (data/digits/digits.csv.gz; attribution and licence in
// data/digits/README.md: Alpaydin and Kaynak, UCI ML Repository, 1998, CC BY 4.0). The path is
// resolved from this module (dist/src/node/digits.js -> the package root's data/digits/), so it
// works from a checkout and from an installed package ("files" ships data/).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DIGITS_SHA256, parseDigitsCsv } from '../core/training/digits-data.js';
import type { ClassData } from '../core/training/types.js';

export { DIGITS_SHA256 };

/** The shipped file's path: <package root>/data/digits/digits.csv.gz, from dist/src/node/. */
export function digitsPath(): string {
  return fileURLToPath(new URL('../../../data/digits/digits.csv.gz', import.meta.url));
}

let cached: ClassData | null = null;

/** The 1797 rows, pixels scaled to [0, 1]; checks the file's sha256. Cached after the first call. */
export function loadDigits(): ClassData {
  if (cached) return cached;
  const path = digitsPath();
  const gz = readFileSync(path);
  const sum = createHash('sha256').update(gz).digest('hex');
  if (sum !== DIGITS_SHA256) throw new Error(`${path}: sha256 ${sum}, expected ${DIGITS_SHA256}`);
  cached = parseDigitsCsv(gunzipSync(gz).toString('utf8'));
  return cached;
}
