// The hard top-1 regression model of sec. 8.2 (MODEL.md section 6, the paper's Figs. 2-3).
//
//   experts   f_1(x) = a_1 x + b_1,  f_2(x) = a_2 x + b_2
//   logits    z_1 = w_1 x + c_1 + h/2,  z_2 = w_2 x + c_2 - h/2
//   forward   g = onehot(argmax z) (a tie z_1 = z_2 goes to expert 1)
//   backward  straight-through: g_st = g + p - stopgrad(p), p = softmax(z / T), so
//             yhat = sum_i g_st,i f_i has the value of g's choice and the gradient of p
//   loss      (1/B) sum_b (yhat_b - y_b)^2 + lambdaLb * sum_i (mean_b p_i - 1/2)^2
//
// Parameter layout (HARD_SIZE = 8): [a_1, b_1, a_2, b_2, w_1, w_2, c_1, c_2].
// Router bias: the paper's formula z = W x + (h/2, -h/2) has none, and that is the default
// (routerBias = false: c_1 = c_2 = 0 at initialisation and their gradient is 0, so they stay 0).
// With routerBias = true the router can learn c_1 - c_2 = -h and undo h entirely.
// Defaults: T = 1, lambdaLb = 0, init scale 0.5 for experts and w (U(-0.5, 0.5)), 0 for c.
// Only z_1 - z_2 matters (two-way softmax), so p_1 = sigmoid((z_1 - z_2) / T).

import { allRows, checkRouting, type Frozen, type Observables, type RegressionData, sigmoid, type TrainingModel } from './types.js';

export const HARD_SIZE = 8;
export const HARD = { a1: 0, b1: 1, a2: 2, b2: 3, w1: 4, w2: 5, c1: 6, c2: 7 } as const;

export interface HardConfig {
  readonly h: number;
  readonly T: number;
  /** weight of the balancing penalty L_lb */
  readonly lambdaLb: number;
  /** whether the router has trainable biases c_1, c_2 */
  readonly routerBias: boolean;
  /** half-width of the uniform initialisation of the experts and of w */
  readonly initScale: number;
}

export const HARD_DEFAULTS: HardConfig = { h: 0, T: 1, lambdaLb: 0, routerBias: false, initScale: 0.5 };

export function hardModel(config: Partial<HardConfig> = {}): TrainingModel<RegressionData> {
  const cfg: HardConfig = { ...HARD_DEFAULTS, ...config };
  checkRouting('hard', cfg.T, cfg.h, cfg.lambdaLb);
  const { h, T, lambdaLb, routerBias } = cfg;
  const invT = 1 / T;
  const scale = new Float64Array(HARD_SIZE).fill(cfg.initScale);
  scale[HARD.c1] = 0;
  scale[HARD.c2] = 0;
  /** z_1 - z_2 at x */
  const gap = (params: Float64Array, x: number) => (params[HARD.w1] - params[HARD.w2]) * x + params[HARD.c1] - params[HARD.c2] + h;

  return {
    kind: 'hard',
    size: HARD_SIZE,
    initScale: scale,

    route(params, data, indices) {
      const g = new Uint8Array(indices.length);
      const p1 = new Float64Array(indices.length);
      for (let k = 0; k < indices.length; k++) {
        const d = gap(params, data.x[indices[k]]);
        g[k] = d >= 0 ? 0 : 1;
        p1[k] = sigmoid(d * invT);
      }
      return { g, p1 };
    },

    lossGrad(params, data, indices, grad, frozen?: Frozen) {
      const [a1, b1, a2, b2] = params;
      const B = indices.length;
      // pass 1: p_1 per row and its batch mean (the penalty couples the rows)
      let meanP = 0;
      for (let k = 0; k < B; k++) meanP += sigmoid(gap(params, data.x[indices[k]]) * invT);
      meanP /= B;
      const dev = meanP - 0.5; // mean p_1 - 1/2 = -(mean p_2 - 1/2)
      const lbGrad = (4 * lambdaLb * dev) / B; // dL_lb / dp_1 of one row: lambda * 2 * 2 dev / B
      let sse = 0;
      let ga1 = 0;
      let gb1 = 0;
      let ga2 = 0;
      let gb2 = 0;
      let gw = 0; // dL/d(z_1 - z_2) * x summed
      let gc = 0; // dL/d(z_1 - z_2) summed
      for (let k = 0; k < B; k++) {
        const i = indices[k];
        const x = data.x[i];
        const d = gap(params, x);
        const p = sigmoid(d * invT);
        const first = frozen ? frozen.g[k] === 0 : d >= 0;
        const shift = frozen ? p - frozen.p1[k] : 0; // p - stopgrad(p): 0 in value, not in gradient
        const c1 = (first ? 1 : 0) + shift;
        const c2 = (first ? 0 : 1) - shift;
        const f1 = a1 * x + b1;
        const f2 = a2 * x + b2;
        const r = c1 * f1 + c2 * f2 - data.y[i];
        sse += r * r;
        if (grad) {
          const e = (2 * r) / B;
          ga1 += e * c1 * x;
          gb1 += e * c1;
          ga2 += e * c2 * x;
          gb2 += e * c2;
          const dd = (e * (f1 - f2) + lbGrad) * p * (1 - p) * invT; // through g_st's p and the penalty
          gw += dd * x;
          gc += dd;
        }
      }
      if (grad) {
        grad[HARD.a1] = ga1;
        grad[HARD.b1] = gb1;
        grad[HARD.a2] = ga2;
        grad[HARD.b2] = gb2;
        grad[HARD.w1] = gw;
        grad[HARD.w2] = -gw;
        grad[HARD.c1] = routerBias ? gc : 0;
        grad[HARD.c2] = routerBias ? -gc : 0;
      }
      return sse / B + 2 * lambdaLb * dev * dev;
    },

    evaluate(params, data, indices = allRows(data.count)) {
      const [a1, b1, a2, b2] = params;
      let sse = 0;
      let sumP = 0;
      let first = 0;
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k];
        const x = data.x[i];
        const d = gap(params, x);
        sumP += sigmoid(d * invT);
        const pred = d >= 0 ? a1 * x + b1 : a2 * x + b2;
        if (d >= 0) first++;
        const r = pred - data.y[i];
        sse += r * r;
      }
      const n = indices.length;
      const mse = sse / n;
      const slope = params[HARD.w1] - params[HARD.w2];
      return {
        loss: mse,
        mse,
        accuracy: Number.NaN,
        load: (2 * first) / n - 1,
        importance: (2 * sumP) / n - 1,
        boundary: -(params[HARD.c1] - params[HARD.c2] + h) / slope,
      } satisfies Observables;
    },
  };
}
