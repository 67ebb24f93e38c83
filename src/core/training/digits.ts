// The digits model of sec. 8.3 (MODEL.md section 6, the paper's Figs. 4-5): two hard top-1
// experts, each a bottleneck MLP 64 -> H -> 10 (H = 4 in the paper), or one MLP without a
// router (experts = 1, the baseline).
//
//   expert i   a = tanh(V_i x + v_i)  (H),  o_i = U_i a + u_i  (10 logits)
//   logits     z_1 = w_1 . x + c_1 + h/2,  z_2 = w_2 . x + c_2 - h/2
//   forward    g = onehot(argmax z) (a tie goes to expert 1), logits q = sum_i g_st,i o_i with
//              the straight-through g_st = g + p - stopgrad(p), p = softmax(z / T): the chosen
//              expert's logits in value; p's gradient through both experts' logits
//   loss       (1/B) sum_b -log softmax(q_b)[y_b] + lambdaLb * sum_i (mean_b p_i - 1/2)^2
//
// Parameter layout: two experts: [w_1 (64), w_2 (64), c_1, c_2, expert 1, expert 2]; one
// expert: [expert 1]. Expert block (75 H + 10 entries): [V (H x 64, row j = hidden unit j),
// v (H), U (10 x H, row m = class m), u (10)], all row-major.
// Hidden activation: tanh (smooth and bounded; with H = 4 a ReLU unit that dies takes a
// quarter of the bottleneck with it). The router's bias c is trainable, as in the paper's z.
// Initialisation: V, v ~ U(-1/8, 1/8) (1/sqrt(fan-in 64)), U, u ~ U(-1/sqrt(H), 1/sqrt(H))
// (PyTorch's nn.Linear default); router w ~ U(-1/8, 1/8), c = 0. Inputs: pixels / 16 in [0, 1]
// (digits-data.ts). Defaults: H = 4, T = 1, lambdaLb = 0, h = 0.

import { allRows, checkRouting, type ClassData, type Frozen, type Observables, sigmoid, type TrainingModel } from './types.js';

export const DIGITS_DIM = 64;
export const DIGITS_CLASSES = 10;

export interface DigitsConfig {
  /** hidden width H of each expert */
  readonly hidden: number;
  /** 2: router and two experts; 1: one expert, no router */
  readonly experts: 1 | 2;
  readonly h: number;
  readonly T: number;
  readonly lambdaLb: number;
}

export const DIGITS_DEFAULTS: DigitsConfig = { hidden: 4, experts: 2, h: 0, T: 1, lambdaLb: 0 };

/** Offsets of the blocks of the flat layout. */
export interface DigitsLayout {
  readonly size: number;
  /** start of router w_1 (w_2 follows at +64, then c_1, c_2); -1 without router */
  readonly router: number;
  /** start of expert i's block */
  readonly expert: readonly number[];
  /** length of an expert block, 75 H + 10 */
  readonly expertSize: number;
  /** offsets inside an expert block */
  readonly V: 0;
  readonly v: number;
  readonly U: number;
  readonly u: number;
}

export function digitsLayout(hidden: number, experts: 1 | 2): DigitsLayout {
  const H = hidden;
  const expertSize = DIGITS_DIM * H + H + DIGITS_CLASSES * H + DIGITS_CLASSES;
  const routerSize = experts === 2 ? 2 * DIGITS_DIM + 2 : 0;
  const expert = Array.from({ length: experts }, (_, i) => routerSize + i * expertSize);
  return {
    size: routerSize + experts * expertSize,
    router: experts === 2 ? 0 : -1,
    expert,
    expertSize,
    V: 0,
    v: DIGITS_DIM * H,
    U: DIGITS_DIM * H + H,
    u: DIGITS_DIM * H + H + DIGITS_CLASSES * H,
  };
}

export function digitsModel(config: Partial<DigitsConfig> = {}): TrainingModel<ClassData> & { readonly layout: DigitsLayout } {
  const cfg: DigitsConfig = { ...DIGITS_DEFAULTS, ...config };
  checkRouting('digits', cfg.T, cfg.h, cfg.lambdaLb);
  const H = cfg.hidden;
  if (!Number.isInteger(H) || H < 1 || H > 1024) throw new RangeError(`digits: hidden must be an integer in 1..1024 (got ${H})`);
  if (cfg.experts !== 1 && cfg.experts !== 2) throw new RangeError(`digits: experts must be 1 or 2 (got ${cfg.experts})`);
  const L = digitsLayout(H, cfg.experts);
  const E = cfg.experts;
  const D = DIGITS_DIM;
  const C = DIGITS_CLASSES;
  const { h, lambdaLb } = cfg;
  const invT = 1 / cfg.T;

  const scale = new Float64Array(L.size);
  if (E === 2) scale.fill(1 / Math.sqrt(D), 0, 2 * D); // c_1, c_2 stay 0
  for (const e of L.expert) {
    scale.fill(1 / Math.sqrt(D), e, e + L.U);
    scale.fill(1 / Math.sqrt(H), e + L.U, e + L.expertSize);
  }

  // scratch for one row: hidden activations and logits of each expert, mixed logits
  const act = new Float64Array(E * H);
  const out = new Float64Array(E * C);
  const q = new Float64Array(C);
  const dq = new Float64Array(C);
  const da = new Float64Array(H);

  const checkData = (data: ClassData) => {
    if (data.dim !== D || data.classes !== C) throw new RangeError(`digits: data must have ${D} features and ${C} classes`);
  };
  /** z_1 - z_2 of row i */
  const gapOf = (params: Float64Array, data: ClassData, i: number) => {
    let s = params[2 * D] - params[2 * D + 1] + h;
    const row = i * D;
    for (let j = 0; j < D; j++) s += (params[j] - params[D + j]) * data.x[row + j];
    return s;
  };
  /** expert e's hidden activations and logits on row i, into act and out */
  const expertForward = (params: Float64Array, data: ClassData, i: number, e: number) => {
    const base = L.expert[e];
    const row = i * D;
    for (let j = 0; j < H; j++) {
      let s = params[base + L.v + j];
      const w = base + j * D;
      for (let k = 0; k < D; k++) s += params[w + k] * data.x[row + k];
      act[e * H + j] = Math.tanh(s);
    }
    for (let m = 0; m < C; m++) {
      let s = params[base + L.u + m];
      const w = base + L.U + m * H;
      for (let j = 0; j < H; j++) s += params[w + j] * act[e * H + j];
      out[e * C + m] = s;
    }
  };
  /** expert e's backward on row i, given dL/do_e = coef * dq, accumulated into grad */
  const expertBackward = (params: Float64Array, data: ClassData, i: number, e: number, coef: number, grad: Float64Array) => {
    if (coef === 0) return;
    const base = L.expert[e];
    da.fill(0);
    for (let m = 0; m < C; m++) {
      const g = coef * dq[m];
      grad[base + L.u + m] += g;
      const w = base + L.U + m * H;
      for (let j = 0; j < H; j++) {
        grad[w + j] += g * act[e * H + j];
        da[j] += g * params[w + j];
      }
    }
    const row = i * D;
    for (let j = 0; j < H; j++) {
      const a = act[e * H + j];
      const dpre = da[j] * (1 - a * a);
      grad[base + L.v + j] += dpre;
      const w = base + j * D;
      for (let k = 0; k < D; k++) grad[w + k] += dpre * data.x[row + k];
    }
  };
  /** log-sum-exp of q and the index of its largest entry */
  const logSumExp = (v: Float64Array) => {
    let top = v[0];
    let arg = 0;
    for (let m = 1; m < C; m++) {
      if (v[m] > top) {
        top = v[m];
        arg = m;
      }
    }
    let s = 0;
    for (let m = 0; m < C; m++) s += Math.exp(v[m] - top);
    return { lse: top + Math.log(s), arg };
  };

  return {
    kind: 'digits',
    size: L.size,
    initScale: scale,
    layout: L,

    route(params, data, indices) {
      const g = new Uint8Array(indices.length);
      const p1 = new Float64Array(indices.length);
      if (E === 2) {
        for (let k = 0; k < indices.length; k++) {
          const d = gapOf(params, data, indices[k]);
          g[k] = d >= 0 ? 0 : 1;
          p1[k] = sigmoid(d * invT);
        }
      } else p1.fill(1);
      return { g, p1 };
    },

    lossGrad(params, data, indices, grad, frozen?: Frozen) {
      checkData(data);
      const B = indices.length;
      if (grad) grad.fill(0);
      let lbGrad = 0;
      let dev = 0;
      if (E === 2) {
        let meanP = 0;
        for (let k = 0; k < B; k++) meanP += sigmoid(gapOf(params, data, indices[k]) * invT);
        dev = meanP / B - 0.5;
        lbGrad = (4 * lambdaLb * dev) / B;
      }
      let ce = 0;
      for (let k = 0; k < B; k++) {
        const i = indices[k];
        let c1 = 1;
        let c2 = 0;
        let p = 1;
        let d = 0;
        if (E === 2) {
          d = gapOf(params, data, i);
          p = sigmoid(d * invT);
          const first = frozen ? frozen.g[k] === 0 : d >= 0;
          const shift = frozen ? p - frozen.p1[k] : 0;
          c1 = (first ? 1 : 0) + shift;
          c2 = (first ? 0 : 1) - shift;
        }
        for (let e = 0; e < E; e++) expertForward(params, data, i, e);
        for (let m = 0; m < C; m++) q[m] = E === 2 ? c1 * out[m] + c2 * out[C + m] : out[m];
        const { lse } = logSumExp(q);
        const y = data.labels[i];
        ce += lse - q[y];
        if (!grad) continue;
        for (let m = 0; m < C; m++) dq[m] = (Math.exp(q[m] - lse) - (m === y ? 1 : 0)) / B;
        expertBackward(params, data, i, 0, c1, grad);
        if (E === 2) {
          expertBackward(params, data, i, 1, c2, grad);
          let dp = lbGrad; // dL/dp_1 of this row: through c_1 = ... + p, c_2 = ... - p, and the penalty
          for (let m = 0; m < C; m++) dp += dq[m] * (out[m] - out[C + m]);
          const dd = dp * p * (1 - p) * invT;
          const row = i * D;
          for (let j = 0; j < D; j++) {
            grad[j] += dd * data.x[row + j];
            grad[D + j] -= dd * data.x[row + j];
          }
          grad[2 * D] += dd;
          grad[2 * D + 1] -= dd;
        }
      }
      return ce / B + 2 * lambdaLb * dev * dev;
    },

    evaluate(params, data, indices = allRows(data.count)) {
      checkData(data);
      let ce = 0;
      let correct = 0;
      let first = 0;
      let sumP = 0;
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k];
        let e = 0;
        if (E === 2) {
          const d = gapOf(params, data, i);
          sumP += sigmoid(d * invT);
          e = d >= 0 ? 0 : 1;
        } else sumP += 1;
        if (e === 0) first++;
        expertForward(params, data, i, e);
        for (let m = 0; m < C; m++) q[m] = out[e * C + m];
        const { lse, arg } = logSumExp(q);
        ce += lse - q[data.labels[i]];
        if (arg === data.labels[i]) correct++;
      }
      const n = indices.length;
      return {
        loss: ce / n,
        mse: Number.NaN,
        accuracy: correct / n,
        load: E === 2 ? (2 * first) / n - 1 : Number.NaN,
        importance: E === 2 ? (2 * sumP) / n - 1 : Number.NaN,
        boundary: Number.NaN,
      } satisfies Observables;
    },
  };
}
