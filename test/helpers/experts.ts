// Helpers for the N-expert router tests (test/experts.test.ts): the exact multinomial pmf over
// all compositions of B into N parts and a pooled chi-square test of drawn counts against it;
// running a plan through an ExpertSession with the advance cut at given steps; exact
// comparison of readouts; and the per-router window statistics (shares, max share, sum of
// squared shares, dead experts, dropped tokens) with their per-cell means and standard errors.
import assert from 'node:assert/strict';
import { EXPERT_SCALAR_FIELDS, EXPERT_VECTOR_FIELDS, type ExpertEngine, type ExpertPlan, type ExpertReadout } from '../../src/core/experts.js';
import { logGamma } from '../../src/analytics/special/log-gamma.js';
import { chiSquareGof } from './exact.js';

/** softmax(logits / T) in f64. */
export function softmax(logits: readonly number[], T = 1): number[] {
  const top = Math.max(...logits);
  const w = logits.map((x) => Math.exp((x - top) / T));
  const s = w.reduce((x, y) => x + y, 0);
  return w.map((x) => x / s);
}

/** All compositions (n_1..n_N), n_i >= 0, sum B, in lexicographic order. */
export function compositions(B: number, N: number): number[][] {
  const out: number[][] = [];
  const cur = new Array<number>(N).fill(0);
  const rec = (j: number, left: number): void => {
    if (j === N - 1) {
      cur[j] = left;
      out.push([...cur]);
      return;
    }
    for (let k = 0; k <= left; k++) {
      cur[j] = k;
      rec(j + 1, left - k);
    }
  };
  rec(0, B);
  return out;
}

/** Multinomial(B, p) pmf of each composition: exp(log B! - sum log n_i! + sum n_i log p_i). */
export function multinomialPmf(B: number, p: readonly number[], comps: readonly number[][]): Float64Array {
  const lp = p.map(Math.log);
  const lb = logGamma(B + 1);
  return Float64Array.from(comps, (c) => {
    let l = lb;
    for (let j = 0; j < c.length; j++) l += -logGamma(c[j] + 1) + (c[j] === 0 ? 0 : c[j] * lp[j]);
    return Math.exp(l);
  });
}

/**
 * Pearson chi-square of `draws` (router-major, N counts each) against Multinomial(B, p).
 * Categories are sorted by expected count and merged from the smallest up until each pooled
 * category expects >= 5 (chiSquareGof), so compositions of tiny probability are pooled
 * together (an excess of them still shows as a large term). Every draw must be a composition
 * of B (non-negative integers summing to B): anything else fails outright.
 */
export function multinomialGof(
  draws: ArrayLike<number>,
  N: number,
  B: number,
  p: readonly number[],
): { statistic: number; dof: number; pValue: number; draws: number } {
  const comps = compositions(B, N);
  const pmf = multinomialPmf(B, p, comps);
  const total = pmf.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(total - 1) < 1e-9, `pmf sums to ${total}`);
  const code = (c: ArrayLike<number>, at: number): number => {
    let k = 0;
    for (let j = N - 1; j >= 0; j--) k = k * (B + 1) + c[at + j];
    return k;
  };
  const index = new Map<number, number>();
  comps.forEach((c, i) => index.set(code(c, 0), i));
  const observed = new Float64Array(comps.length);
  const n = draws.length / N;
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let j = 0; j < N; j++) {
      const x = draws[r * N + j];
      if (!(Number.isInteger(x) && x >= 0)) assert.fail(`draw ${r}: count ${j} = ${x} is not a non-negative integer`);
      sum += x;
    }
    if (sum !== B) assert.fail(`draw ${r}: counts sum to ${sum}, not B = ${B}`);
    const i = index.get(code(draws, r * N));
    if (i === undefined) assert.fail(`draw ${r}: not a composition of ${B}`);
    observed[i]++;
  }
  const order = Array.from(comps.keys()).sort((x, y) => pmf[x] - pmf[y]);
  const result = chiSquareGof(
    order.map((i) => observed[i]),
    order.map((i) => pmf[i]),
    n,
    5,
  );
  return { statistic: result.statistic, dof: result.dof, pValue: result.pValue, draws: n };
}

/** Opens a session, initializes, advances over [0, splits...) then to plan.steps, reads, closes. */
export async function runExperts(engine: ExpertEngine, plan: ExpertPlan, splits: readonly number[] = []): Promise<ExpertReadout> {
  const session = await engine.open(plan);
  try {
    await session.initialize();
    const windowBegin = plan.steps - plan.window;
    let begin = 0;
    for (const end of [...splits, plan.steps]) {
      await session.advance({ stepBegin: begin, stepEnd: end, windowBegin });
      begin = end;
    }
    return await session.read();
  } finally {
    session.close();
  }
}

/** Every field bit-identical (Object.is), over routers [from, from + count) of `b` against all of `a`. */
export function assertSameExperts(a: ExpertReadout, b: ExpertReadout, N: number, label: string, from = 0): void {
  const routers = a.maxCount.length;
  for (const key of EXPERT_VECTOR_FIELDS) {
    for (let i = 0; i < routers * N; i++) {
      if (!Object.is(a[key][i], b[key][from * N + i])) assert.fail(`${label}: ${key}[${i}] ${a[key][i]} != ${b[key][from * N + i]}`);
    }
  }
  for (const key of EXPERT_SCALAR_FIELDS) {
    for (let i = 0; i < routers; i++) {
      if (!Object.is(a[key][i], b[key][from + i])) assert.fail(`${label}: ${key}[${i}] ${a[key][i]} != ${b[key][from + i]}`);
    }
  }
}

/** Window means per router: shares m_j (router-major), max share, sum m_j^2, dead experts per step, dropped fraction. */
export interface ExpertWindowStats {
  share: Float64Array;
  maxShare: Float64Array;
  sumSq: Float64Array;
  dead: Float64Array;
  dropped: Float64Array;
}

export function windowStats(readout: ExpertReadout, plan: ExpertPlan): ExpertWindowStats {
  const { N, window, replicates } = plan;
  const routers = readout.maxCount.length;
  const out: ExpertWindowStats = {
    share: new Float64Array(routers * N),
    maxShare: new Float64Array(routers),
    sumSq: new Float64Array(routers),
    dead: new Float64Array(routers),
    dropped: new Float64Array(routers),
  };
  for (let i = 0; i < routers; i++) {
    const B = plan.cells[Math.floor(i / replicates)].B;
    const bw = B * window;
    for (let j = 0; j < N; j++) out.share[i * N + j] = readout.counts[i * N + j] / bw;
    out.maxShare[i] = readout.maxCount[i] / bw;
    out.sumSq[i] = readout.sqCount[i] / (B * bw);
    out.dead[i] = readout.dead[i] / window;
    out.dropped[i] = readout.dropped[i] / bw;
  }
  return out;
}

/** Mean and standard error of x[from + k * stride] for k < count. */
export function meanSe(x: ArrayLike<number>, from: number, count: number, stride = 1): { mean: number; se: number } {
  let s = 0;
  for (let k = 0; k < count; k++) s += x[from + k * stride];
  const mean = s / count;
  let v = 0;
  for (let k = 0; k < count; k++) v += (x[from + k * stride] - mean) ** 2;
  return { mean, se: Math.sqrt(v / (count - 1) / count) };
}
