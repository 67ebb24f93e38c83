// What a scan's outputs take, measured: small scans on the CPU engine, the size of their
// result.json (toJson, exactly what the CLI writes) and report.html, and the heap they hold.
// test/limits.test.ts checks that the estimate in src/experiments/limits.ts bounds these
// measurements. Run directly, it measures a designed set of scans of each protocol and fits
// the linear models whose constants (with a margin) are in limits.ts:
//   npm run build && node --expose-gc dist/test/helpers/output-size.js --fit

import type { Engine } from '../../src/core/engine.js';
import { buildReportHtml } from '../../src/report/html.js';
import { loadReportAssets } from '../../src/report/assets.js';
import { toJson } from '../../src/report/tables.js';
import { outputShape, parseSpec, specOutputBytes } from '../../src/experiments/spec.js';
import { runCustomSpec } from '../../src/experiments/run.js';
import type { OutputShape } from '../../src/experiments/limits.js';
import type { ScanSpec } from '../../src/experiments/types.js';
import { CpuEngine } from '../../src/node/cpu-engine.js';

export interface OutputSize {
  shape: OutputShape;
  /** UTF-8 bytes of result.json */
  resultBytes: number;
  /** UTF-8 bytes of report.html for this one experiment */
  reportBytes: number;
  /** specOutputBytes: the estimate parseSpec checks */
  estimate: number;
  /** heap held by the result after the run (needs --expose-gc to mean much), bytes */
  heapBytes: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Runs `input` on the engine and measures its outputs. */
export async function measureOutputs(engine: Engine, input: unknown): Promise<OutputSize> {
  const spec = parseSpec(input);
  gc();
  const before = process.memoryUsage().heapUsed;
  const result = await runCustomSpec(engine, spec);
  gc();
  const heapBytes = process.memoryUsage().heapUsed - before;
  const json = toJson(result);
  const html = buildReportHtml({ title: result.title, generatedAt: new Date().toISOString(), experiments: [result] }, loadReportAssets());
  return {
    shape: outputShape(spec),
    resultBytes: Buffer.byteLength(json),
    reportBytes: Buffer.byteLength(html),
    estimate: specOutputBytes(spec),
    heapBytes,
  };
}

// ---------------------------------------------------------------------------------------
// The designed scans: numbers written at full precision (noisy u_hat, uneven grid values),
// sweeps that switch in most replicates, so every measurement is near its largest form.
// ---------------------------------------------------------------------------------------

const PARAMS = { a: 1.3, T: 0.77, gamma: 1.1, B: 16, eta: 0.37 };
const lin = (from: number, to: number, count: number) => ({ linspace: { from, to, count } });
/** Names of the longest kind (64 characters): tables and figures are named after the scan. */
const longName = (protocol: string) => `measure-${protocol}-`.padEnd(64, 'x');

/** Uneven ranges per parameter, so grid values print at full precision. */
const RANGES: Record<string, [number, number]> = { a: [0.5, 4.7], T: [0.3, 2.9], gamma: [0.3, 1.7], h: [-0.3, 0.4], rho: [0.1, 0.7] };

/** Axes x, y (default h, rho; (T, gamma) draws the pitchfork line, (a, h) the fold curve). */
function relax(n0: number, n1: number, families: 1 | 2, list = false, [x, y]: string[] = ['h', 'rho']): ScanSpec {
  const [from, to] = RANGES[x];
  const axes = [{ param: x, values: list ? { list: Array.from({ length: n0 }, (_, i) => from + ((to - from) * i) / 3 / n0) } : lin(from, to, n0) }];
  if (n1 > 0) axes.push({ param: y, values: lin(...RANGES[y], n1) });
  const params: Record<string, number> = { ...PARAMS };
  for (const a of axes) delete params[a.param];
  return {
    name: longName('relax'),
    params,
    axes,
    replicates: 3,
    steps: 4,
    window: 2,
    seed: 7,
    initial: { y0: 0.3, asym: 0.1, families: families === 2 ? 'opposite' : 'single' },
  } as unknown as ScanSpec;
}

function sweep(cells: number, points: number, direction: 'up' | 'down' | 'up-down', speeds: number, replicates: number, param = 'h'): ScanSpec {
  const values = param === 'h' ? lin(-2.3, 2.1, points) : param === 'eta' ? lin(0.05, 0.9, points) : lin(0.11, 3.3, points);
  const axis = param === 'a' ? 'rho' : 'a';
  const params: Record<string, number> = { ...PARAMS, h: 0.3 };
  delete params[param];
  if (cells > 1) delete params[axis];
  return {
    name: longName('sweep'),
    params,
    axes: cells > 1 ? [{ param: axis, values: lin(0.9, 1.7, cells) }] : [],
    replicates,
    steps: 2,
    window: 1,
    seed: 7,
    initial: { y0: 0, asym: 0.2 },
    protocol: { kind: 'sweep', param, values, direction, stepsPerPoint: Array.from({ length: speeds }, (_, i) => i + 1) },
  } as unknown as ScanSpec;
}

function trace(cells: number, families: 1 | 2, intervals: number): ScanSpec {
  return {
    name: longName('trace'),
    params: PARAMS,
    axes: cells > 1 ? [{ param: 'h', values: lin(-0.3, 0.4, cells) }] : [],
    replicates: 3,
    steps: intervals,
    seed: 7,
    initial: { y0: 0.5, asym: 0.1, families: families === 2 ? 'opposite' : 'single' },
    protocol: { kind: 'trace', every: 1 },
  } as unknown as ScanSpec;
}

/** The scans the fit uses, by protocol (sweeps of h: the largest outputs, with the mean-field branches). */
export const DESIGN: Record<'relax' | 'sweep' | 'trace', ScanSpec[]> = {
  relax: [
    relax(1, 0, 1),
    relax(10, 0, 1),
    relax(100, 0, 1),
    relax(1000, 0, 1),
    relax(1000, 0, 2),
    relax(300, 0, 1, true),
    relax(3000, 0, 1, true),
    relax(10, 10, 1),
    relax(30, 30, 1),
    relax(50, 40, 1),
    relax(30, 30, 2),
    relax(60, 50, 2),
    relax(2, 1500, 1),
    relax(2, 2, 1, false, ['T', 'gamma']),
    relax(40, 30, 1, false, ['T', 'gamma']),
    relax(3, 2, 2, false, ['a', 'h']),
    relax(30, 40, 2, false, ['h', 'a']),
    relax(500, 0, 1, false, ['T']),
    relax(3, 700, 1, true, ['gamma', 'T']),
  ],
  sweep: [
    sweep(1, 5, 'up', 1, 1),
    sweep(1, 5, 'up-down', 1, 1),
    sweep(1, 50, 'up', 1, 1),
    sweep(1, 500, 'up', 1, 1),
    sweep(1, 500, 'up-down', 1, 1),
    sweep(1, 50, 'up-down', 1, 64),
    sweep(1, 50, 'up-down', 1, 256),
    sweep(1, 20, 'up-down', 3, 8),
    sweep(5, 20, 'up-down', 2, 8),
    sweep(13, 5, 'up', 1, 1),
    sweep(20, 20, 'up-down', 1, 8),
    sweep(40, 10, 'up-down', 2, 4),
    sweep(40, 100, 'up', 1, 16),
    sweep(60, 5, 'up-down', 1, 2),
    sweep(24, 40, 'up-down', 1, 2),
    sweep(3, 5, 'up-down', 4, 128),
    sweep(100, 5, 'up-down', 1, 64),
    sweep(200, 1, 'up', 1, 1),
    sweep(150, 2, 'up-down', 2, 1),
    sweep(100, 1, 'down', 3, 1),
  ],
  trace: [
    trace(1, 1, 10),
    trace(1, 1, 500),
    trace(1, 2, 500),
    trace(12, 1, 100),
    trace(30, 1, 100),
    trace(100, 1, 20),
    trace(100, 2, 20),
    trace(200, 1, 50),
    trace(24, 2, 200),
  ],
};

/** Further scans the estimate must bound, not fitted: sweeps of other parameters, few replicates, one-axis relax lists. */
export const CHECKS: ScanSpec[] = [
  sweep(30, 30, 'up-down', 1, 32, 'a'),
  sweep(8, 200, 'up-down', 2, 4, 'T'),
  sweep(1, 3, 'down', 1, 1, 'eta'),
  relax(2, 0, 1),
  relax(500, 0, 2, true),
  trace(3, 2, 1),
];

// ---------------------------------------------------------------------------------------
// The fit (run directly): least squares per protocol on the features of limits.ts
// ---------------------------------------------------------------------------------------

/** The terms of each protocol's linear model (cf. estimateOutputBytes in limits.ts). */
export function features(s: OutputShape): number[] {
  const listed = s.listValues;
  if (s.protocol === 'relax') return [1, s.cells, s.cells * s.families, s.axisValues, listed];
  if (s.protocol === 'sweep') {
    const cs = s.cells * s.speeds;
    const figs = Math.min(cs, 12);
    return [1, figs, figs * s.legs * s.points, cs, cs * s.legs, cs * s.legs * s.points, cs * s.legs * s.replicates, listed];
  }
  const cf = s.cells * s.families;
  return [1, Math.min(cf, 12) * s.intervals, cf, cf * s.intervals, listed];
}

export const FEATURE_NAMES = {
  relax: ['base', 'per cell', 'per cell and family', 'per axis value', 'per listed value'],
  sweep: [
    'base',
    'per figure (first 12 cell-speeds)',
    'per figure point (per leg)',
    'per cell and speed',
    'per leg (cell, speed)',
    'per point (cell, speed, leg)',
    'per switching point (cell, speed, leg, replicate)',
    'per listed value',
  ],
  trace: ['base', 'per figure interval (first 12 cell-families)', 'per cell and family', 'per interval (cell, family)', 'per listed value'],
};

/**
 * Non-negative least squares, crudely: least squares, then the most negative coefficient
 * held at 0 and the rest refitted, until none is negative (a byte count never shrinks).
 */
function nonNegativeFit(A: number[][], b: number[]): number[] {
  const free = A[0].map(() => true);
  for (;;) {
    const cols = free.flatMap((f, j) => (f ? [j] : []));
    const x = leastSquares(
      A.map((row) => cols.map((j) => row[j])),
      b,
    );
    const coef = A[0].map(() => 0);
    cols.forEach((j, k) => {
      coef[j] = x[k];
    });
    const worst = coef.reduce((w, c, j) => (c < coef[w] ? j : w), 0);
    if (coef[worst] >= 0) return coef;
    free[worst] = false;
  }
}

/** Least squares x minimizing |A x - b| (normal equations; the designs are small and well posed). */
function leastSquares(A: number[][], b: number[]): number[] {
  const n = A[0].length;
  const M = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n + 1 }, (_, j) => A.reduce((s, row, k) => s + row[i] * (j < n ? row[j] : b[k]), 0)),
  );
  for (let c = 0; c < n; c++) {
    const p = M.reduce((best, row, r) => (r >= c && Math.abs(row[c]) > Math.abs(M[best][c]) ? r : best), c);
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c || M[c][c] === 0) continue;
      const f = M[r][c] / M[c][c];
      for (let j = c; j <= n; j++) M[r][j] -= f * M[c][j];
    }
  }
  return M.map((row, i) => (row[i] === 0 ? 0 : row[n] / row[i]));
}

async function fit(): Promise<void> {
  const engine = new CpuEngine({ threads: 1 });
  try {
    for (const [protocol, specs] of Object.entries(DESIGN) as [keyof typeof DESIGN, ScanSpec[]][]) {
      const rows: OutputSize[] = [];
      for (const spec of specs) rows.push(await measureOutputs(engine, spec));
      const coef = nonNegativeFit(
        rows.map((r) => features(r.shape)),
        rows.map((r) => r.resultBytes),
      );
      console.log(`\n${protocol}: result.json bytes = ${FEATURE_NAMES[protocol].map((name, i) => `${coef[i].toFixed(2)} (${name})`).join(' + ')}`);
      const residuals = rows.map((r) => features(r.shape).reduce((sum, f, i) => sum + f * coef[i], 0) / r.resultBytes - 1);
      const big = residuals.filter((_, i) => rows[i].resultBytes >= 100_000);
      console.log(
        `  fit / measured - 1 over scans of >= 100 kB: ${Math.min(...big).toFixed(3)} to ${Math.max(...big).toFixed(3)}; ` +
          `estimate / measured: ${Math.min(...rows.map((r) => r.estimate / r.resultBytes)).toFixed(2)} at least`,
      );
      for (const r of rows) {
        const fitted = features(r.shape).reduce((s, f, i) => s + f * coef[i], 0);
        const { protocol: _, ...shape } = r.shape;
        console.log(
          `  ${JSON.stringify(shape)}: result.json ${r.resultBytes} (fit ${fitted.toFixed(0)}), report.html ${r.reportBytes}, ` +
            `estimate ${r.estimate} (x${(r.estimate / r.resultBytes).toFixed(2)}), heap ${(r.heapBytes / 1024).toFixed(0)} KiB`,
        );
      }
    }
    console.log('\nnot fitted, bounded by the estimate:');
    for (const spec of CHECKS) {
      const r = await measureOutputs(engine, spec);
      console.log(
        `  ${JSON.stringify(r.shape)}: result.json ${r.resultBytes}, report.html ${r.reportBytes}, estimate ${r.estimate} (x${(r.estimate / Math.max(r.resultBytes, r.reportBytes)).toFixed(2)})`,
      );
    }
  } finally {
    await engine.dispose();
  }
}

if (process.argv.includes('--fit')) await fit();
