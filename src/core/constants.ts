// The sampler, stream and router constants that the TypeScript twins (threefry.ts,
// binomial.ts, cpu-router.ts) and the WGSL kernels both use, declared once. The TypeScript
// code imports them; src/core/kernels.ts emits WGSL_CONSTANTS as `const NAME: type = value;`
// lines ahead of the shader sources, which declare none of these themselves.
//
// An f32 constant is written into WGSL as Math.fround(value) in the shortest decimal that
// reads back as that double. That double is an f32, so WGSL's conversion of the literal to
// f32 is exact and gives the same f32 as Math.fround on the host, whatever rounding mode an
// implementation uses for inexact conversions. test/update-kernel.test.ts reads every
// constant's bits back from a kernel. The CPU engine computes in f64 with the values as written
// here; the GPU sees them rounded to f32, as it did when they were literals in the .wgsl files.

import { MAX_TOKENS } from './model.js';

// ---- Random streams (threefry.ts, threefry.wgsl).

/** Stream tags (second counter word of a stream key): per-step batch sampling. */
export const TAG_ROUTING = 0;
/** Stream tag of the initial-condition asymmetry. */
export const TAG_INITIAL = 1;
/**
 * Trainable MoE models (src/core/training/): stream (model, 0) under TAG_TRAIN_INIT holds the
 * initial parameters (word k -> parameter k); stream (model, step) under TAG_TRAIN_BATCH the
 * minibatch indices of that SGD step; stream (set, i) under TAG_TRAIN_DATA the synthetic
 * regression input i of data set `set`.
 */
export const TAG_TRAIN_INIT = 2;
export const TAG_TRAIN_BATCH = 3;
export const TAG_TRAIN_DATA = 4;
/** Threefry's key-schedule parity word: k2 = PARITY ^ k0 ^ k1 (Skein's C240 for 32-bit words). */
export const THREEFRY_PARITY = 0x1bd11bda;
/** Threefry2x32's rotation constants R_32x2, round r uses ROTATIONS[r mod 8]. */
export const THREEFRY_ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
/** uniform_fine: (word + 1/2) 2^-32, capped at the f32 below 1. */
export const UNIFORM_FINE_SCALE = 2 ** -32;
export const UNIFORM_FINE_MAX = 1 - 2 ** -24;
/** uniform_grid: ((word >> 9) + 1/2) 2^-23, the top 23 bits of the word. */
export const UNIFORM_GRID_SHIFT = 9;
export const UNIFORM_GRID_SCALE = 2 ** -23;

// ---- The sampler (binomial.ts, binomial.wgsl; Hormann 1993 for the BTRS constants).

/** n q below this: inversion; at or above: BTRS. */
export const BINOMIAL_INVERSION_LIMIT = 10;
/** P(X > 64) < 1e-25 when n q < 10: the inversion walk's bound. */
export const BINOMIAL_WALK_BOUND = 64;
/** P(64 BTRS rejections in a row) < 1e-30; the inversion's redraws are bounded the same. */
export const BINOMIAL_MAX_TRIES = 64;

/**
 * S(k) = log k! - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi)/2] for k = 0..9, computed in
 * f64 from lgamma; above 9 the series 1/12 r - 1/360 r^3 + 1/1260 r^5 (r = 1/(k + 1),
 * STIRLING_SERIES) is accurate to < 3e-11.
 */
export const STIRLING_TAIL = [
  0.08106146679532733, 0.04134069595540946, 0.027677925684997717, 0.02079067210376584, 0.01664469118982126, 0.013876128823072875,
  0.011896709945893313, 0.010411265261973668, 0.00925546218270945, 0.008330563433359472,
] as const;
/** Denominators of the Stirling series terms in r, r^3, r^5 (WGSL gets their reciprocals). */
export const STIRLING_SERIES = [12, 360, 1260] as const;

/** BTRS set-up: b = B0 + B1 spq, a = A0 + A1 b + A2 q, alpha = (ALPHA0 + ALPHA1 / b) spq, v_r = VR0 - VR1 / b. */
export const BTRS_B0 = 1.15;
export const BTRS_B1 = 2.53;
export const BTRS_A0 = -0.0873;
export const BTRS_A1 = 0.0248;
export const BTRS_A2 = 0.01;
export const BTRS_ALPHA0 = 2.83;
export const BTRS_ALPHA1 = 5.1;
export const BTRS_VR0 = 0.92;
export const BTRS_VR1 = 4.2;
/** The quick squeeze applies where us = 1/2 - |u| >= this. */
export const BTRS_US_MIN = 0.07;

// ---- The router (cpu-router.ts, router.wgsl, router_step.wgsl).

/** z = |y| / T is capped where exp(z) would overflow f32; sigmoid(-80) < 2e-35 is 0 in effect. */
export const LOGIT_CAP = 80;
/**
 * Ramped sweeps: a router's crossUp / crossDown before its first crossing (the f32 below
 * 2^128 is 3.4e38; 1e38 is far from any h a spec can hold, |h| <= 1e6, and exact in f32).
 */
export const CROSS_NONE = Math.fround(1e38);

// ---- What WGSL gets.

export type ConstantType = 'f32' | 'u32';

export interface SharedConstant {
  readonly name: string;
  readonly type: ConstantType;
  /** a scalar, or the elements of array<type, N> */
  readonly value: number | readonly number[];
}

const f32 = (name: string, value: number | readonly number[]): SharedConstant => ({ name, type: 'f32', value });
const u32 = (name: string, value: number | readonly number[]): SharedConstant => ({ name, type: 'u32', value });

/** Every constant the WGSL kernels use from this module, in the order they are declared there. */
export const WGSL_CONSTANTS: readonly SharedConstant[] = [
  u32('TAG_ROUTING', TAG_ROUTING),
  u32('TAG_INITIAL', TAG_INITIAL),
  u32('TAG_TRAIN_INIT', TAG_TRAIN_INIT),
  u32('TAG_TRAIN_BATCH', TAG_TRAIN_BATCH),
  u32('TAG_TRAIN_DATA', TAG_TRAIN_DATA),
  u32('THREEFRY_PARITY', THREEFRY_PARITY),
  u32('THREEFRY_ROTATIONS', THREEFRY_ROTATIONS),
  f32('UNIFORM_FINE_SCALE', UNIFORM_FINE_SCALE),
  f32('UNIFORM_FINE_MAX', UNIFORM_FINE_MAX),
  u32('UNIFORM_GRID_SHIFT', UNIFORM_GRID_SHIFT),
  f32('UNIFORM_GRID_SCALE', UNIFORM_GRID_SCALE),
  f32('BINOMIAL_INVERSION_LIMIT', BINOMIAL_INVERSION_LIMIT),
  u32('BINOMIAL_WALK_BOUND', BINOMIAL_WALK_BOUND),
  u32('BINOMIAL_MAX_TRIES', BINOMIAL_MAX_TRIES),
  f32('STIRLING_TAIL', STIRLING_TAIL),
  u32('STIRLING_TAIL_LENGTH', STIRLING_TAIL.length),
  f32('STIRLING_C1', 1 / STIRLING_SERIES[0]),
  f32('STIRLING_C3', 1 / STIRLING_SERIES[1]),
  f32('STIRLING_C5', 1 / STIRLING_SERIES[2]),
  f32('BTRS_B0', BTRS_B0),
  f32('BTRS_B1', BTRS_B1),
  f32('BTRS_A0', BTRS_A0),
  f32('BTRS_A1', BTRS_A1),
  f32('BTRS_A2', BTRS_A2),
  f32('BTRS_ALPHA0', BTRS_ALPHA0),
  f32('BTRS_ALPHA1', BTRS_ALPHA1),
  f32('BTRS_VR0', BTRS_VR0),
  f32('BTRS_VR1', BTRS_VR1),
  f32('BTRS_US_MIN', BTRS_US_MIN),
  f32('LOGIT_CAP', LOGIT_CAP),
  f32('CROSS_NONE', CROSS_NONE),
  u32('MAX_TOKENS', MAX_TOKENS),
];

/** The 32-bit words WGSL holds for each constant, flattened in WGSL_CONSTANTS order (what the check kernel reads back). */
export function constantWords(): Uint32Array {
  const values = WGSL_CONSTANTS.flatMap((c) => (typeof c.value === 'number' ? [c.value] : [...c.value]).map((v) => ({ type: c.type, v })));
  const words = new Uint32Array(values.length);
  const f = new Float32Array(words.buffer);
  values.forEach(({ type, v }, i) => {
    if (type === 'f32') f[i] = v;
    else words[i] = v;
  });
  return words;
}
