// The smooth-router regression model of sec. 8.1 (MODEL.md section 6, the paper's Fig. 1).
//
//   experts   f_1(x) = a_1 x + b_1,  f_2(x) = a_2 x + b_2
//   router    p_1(x) = sigmoid((alpha x + beta + h) / T),  p_2 = 1 - p_1
//   output    yhat = p_1 f_1 + p_2 f_2
//   loss      (1/B) sum_b (yhat_b - y_b)^2 + routerL2 * (alpha^2 + beta^2)
//
// Parameter layout (SMOOTH_SIZE = 6): [a_1, b_1, a_2, b_2, alpha, beta].
// Defaults (the paper leaves them open): T = 1, routerL2 = 1e-4, init scale 0.5 for every
// parameter (U(-0.5, 0.5)). Observables: MSE, importance 2 E p_1 - 1, hard load from p_1 >= 1/2,
// boundary x* = -(beta + h) / alpha.

import { allRows, checkRouting, type Observables, type RegressionData, sigmoid, type TrainingModel } from './types.js';

export const SMOOTH_SIZE = 6;
export const SMOOTH = { a1: 0, b1: 1, a2: 2, b2: 3, alpha: 4, beta: 5 } as const;

export interface SmoothConfig {
  /** bias added to the router logit (the paper's h) */
  readonly h: number;
  /** router temperature */
  readonly T: number;
  /** L2 penalty weight on (alpha, beta) */
  readonly routerL2: number;
  /** half-width of the uniform initialisation of every parameter */
  readonly initScale: number;
}

export const SMOOTH_DEFAULTS: SmoothConfig = { h: 0, T: 1, routerL2: 1e-4, initScale: 0.5 };

export function smoothModel(config: Partial<SmoothConfig> = {}): TrainingModel<RegressionData> {
  const cfg: SmoothConfig = { ...SMOOTH_DEFAULTS, ...config };
  checkRouting('smooth', cfg.T, cfg.h, cfg.routerL2);
  const { h, T, routerL2 } = cfg;
  const invT = 1 / T;
  return {
    kind: 'smooth',
    size: SMOOTH_SIZE,
    initScale: new Float64Array(SMOOTH_SIZE).fill(cfg.initScale),

    lossGrad(params, data, indices, grad) {
      const [a1, b1, a2, b2, alpha, beta] = params;
      const B = indices.length;
      let sse = 0;
      let ga1 = 0;
      let gb1 = 0;
      let ga2 = 0;
      let gb2 = 0;
      let galpha = 0;
      let gbeta = 0;
      for (let k = 0; k < B; k++) {
        const i = indices[k];
        const x = data.x[i];
        const p = sigmoid((alpha * x + beta + h) * invT);
        const f1 = a1 * x + b1;
        const f2 = a2 * x + b2;
        const r = p * f1 + (1 - p) * f2 - data.y[i];
        sse += r * r;
        if (grad) {
          const e = (2 * r) / B; // dL/dyhat_b
          ga1 += e * p * x;
          gb1 += e * p;
          ga2 += e * (1 - p) * x;
          gb2 += e * (1 - p);
          const ds = e * (f1 - f2) * p * (1 - p) * invT; // dL/d(alpha x + beta)
          galpha += ds * x;
          gbeta += ds;
        }
      }
      if (grad) {
        grad[SMOOTH.a1] = ga1;
        grad[SMOOTH.b1] = gb1;
        grad[SMOOTH.a2] = ga2;
        grad[SMOOTH.b2] = gb2;
        grad[SMOOTH.alpha] = galpha + 2 * routerL2 * alpha;
        grad[SMOOTH.beta] = gbeta + 2 * routerL2 * beta;
      }
      return sse / B + routerL2 * (alpha * alpha + beta * beta);
    },

    evaluate(params, data, indices = allRows(data.count)) {
      const [a1, b1, a2, b2, alpha, beta] = params;
      let sse = 0;
      let sumP = 0;
      let first = 0;
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k];
        const x = data.x[i];
        const p = sigmoid((alpha * x + beta + h) * invT);
        const r = p * (a1 * x + b1) + (1 - p) * (a2 * x + b2) - data.y[i];
        sse += r * r;
        sumP += p;
        if (p >= 0.5) first++;
      }
      const n = indices.length;
      const mse = sse / n;
      return {
        loss: mse,
        mse,
        accuracy: Number.NaN,
        load: (2 * first) / n - 1,
        importance: (2 * sumP) / n - 1,
        boundary: -(beta + h) / alpha,
      } satisfies Observables;
    },
  };
}
