// Shared types of the trainable MoE models (MODEL.md section 6; the paper's sec. 8.1-8.3).
// Every model keeps all of its parameters in one flat Float64Array whose layout its module
// documents; the WGSL kernels (a later change) use the same layout, one model per invocation.
// These f64 modules are the twins the kernels will be tested against.

/** Regression data (sec. 8.1, 8.2): inputs x_i and targets y_i. */
export interface RegressionData {
  readonly count: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** Classification data (sec. 8.3): count rows of `dim` features (row-major) and labels 0..classes-1. */
export interface ClassData {
  readonly count: number;
  readonly dim: number;
  readonly classes: number;
  readonly x: Float64Array;
  readonly labels: Uint8Array;
}

/**
 * A routing decision held fixed, for the straight-through surrogate (hard and digits models):
 * per batch position b, g[b] = the expert chosen in the forward pass (0: expert 1, 1: expert 2)
 * and p1[b] = the router's p_1 there. With `frozen`, a model's loss is the surrogate in which
 * the mixing coefficients are c_1 = [g = 0] + p_1(theta) - p1[b], c_2 = [g = 1] - (p_1(theta) - p1[b]):
 * its value equals the true loss at the point where g and p1 were taken, and its exact
 * gradient there is the straight-through gradient.
 */
export interface Frozen {
  readonly g: Uint8Array;
  readonly p1: Float64Array;
}

/** What an evaluation on a data set reports; NaN where a quantity does not apply to the model. */
export interface Observables {
  /** the training objective's data term: MSE (regression) or mean cross-entropy (digits) */
  readonly loss: number;
  /** mean squared error (regression models), else NaN */
  readonly mse: number;
  /** fraction classified correctly (digits), else NaN */
  readonly accuracy: number;
  /** hard load imbalance 2 * (fraction routed to expert 1) - 1 (smooth: p_1 >= 1/2 counts as expert 1) */
  readonly load: number;
  /** soft importance 2 * mean p_1 - 1 */
  readonly importance: number;
  /** the router's decision boundary x* (smooth: -(beta + h) / alpha; hard: where z_1 = z_2), else NaN */
  readonly boundary: number;
}

/** A trainable model kind with its configuration bound in. */
export interface TrainingModel<D> {
  readonly kind: 'smooth' | 'hard' | 'digits';
  /** number of parameters (length of the flat array) */
  readonly size: number;
  /** init scale of parameter k: parameter k = scale[k] * (2 u_k - 1), u_k uniform (see streams.ts) */
  readonly initScale: Float64Array;
  /**
   * The minibatch objective at `params` over data rows indices[0..), including the model's
   * penalties; writes its gradient into `grad` (overwritten) when given. With `frozen` (hard
   * and digits only), the straight-through surrogate of Frozen.
   */
  lossGrad(params: Float64Array, data: D, indices: ArrayLike<number>, grad: Float64Array | null, frozen?: Frozen): number;
  /** Observables over data rows indices (all rows when omitted). */
  evaluate(params: Float64Array, data: D, indices?: ArrayLike<number>): Observables;
  /** The forward routing decision on a batch (hard and digits), for a Frozen surrogate. */
  route?(params: Float64Array, data: D, indices: ArrayLike<number>): Frozen;
}

/** The logistic function, written so that it neither overflows nor loses the small tail. */
export function sigmoid(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}

/** Indices 0..n-1. */
export function allRows(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Checks the shared scalar settings of a model, as RangeError (a program's mistake). */
export function checkRouting(name: string, T: number, h: number, lambdaLb: number): void {
  if (!(T > 0) || !Number.isFinite(T)) throw new RangeError(`${name}: T must be finite and > 0 (got ${T})`);
  if (!Number.isFinite(h)) throw new RangeError(`${name}: h must be finite (got ${h})`);
  if (!(lambdaLb >= 0) || !Number.isFinite(lambdaLb)) throw new RangeError(`${name}: lambdaLb must be finite and >= 0 (got ${lambdaLb})`);
}
