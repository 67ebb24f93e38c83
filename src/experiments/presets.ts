// The paper's experiments (MODEL.md section 3) as named presets, each at three scales:
//   quick  seconds on the CPU engine; what the tests run;
//   paper  the paper's parameters where it gives them, enough replicates for the estimates
//          the issue asks for (T_c within 2%); the whole set takes minutes on a software GPU;
//   large  many more replicates and finer grids, for a real GPU.
// What the paper leaves open (steps, windows, grids, sweep speeds, initial conditions) is
// chosen here, with the reason next to each choice. All runs use B = 512.

import type { AxisSpec, ScanSpec, ValueGrid } from './types.js';

export const SCALES = ['quick', 'paper', 'large'] as const;
export type Scale = (typeof SCALES)[number];

export const PRESET_IDS = ['fig6', 'fig7', 'fig8', 'fig9', 'fig10', 'fig11', 'cusp'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export interface PresetInfo {
  id: PresetId;
  title: string;
  description: string;
}

export const PRESETS: Record<PresetId, PresetInfo> = {
  fig6: { id: 'fig6', title: 'Fig. 6: mean u_hat over runs vs the mean-field ODE',
    description: 'Time series from balanced start at a=3, h=0.08, gamma=T=1, B=512, eta=0.002; mean +-1 s.d. over runs against tanh(y(t)/2T) of the ODE (6).' },
  fig7: { id: 'fig7', title: 'Fig. 7: hysteresis loop in h',
    description: 'Slow sweep of h up, then down, at a=4, gamma=T=1; mean u_hat per h against the stable branches and the folds +-H(a).' },
  fig8: { id: 'fig8', title: 'Fig. 8: final |u_hat| over (T, gamma)',
    description: 'Heatmap of the average final |u_hat| at a=3, h=0, small random initial asymmetry, with the pitchfork line a = 2 gamma T.' },
  fig9: { id: 'fig9', title: 'Fig. 9: finite-time onset vs T_c, and T_c from 1/Var(y)',
    description: 'For several gamma at a=3: the T where final mean |u_hat| reaches 0.1 (below T_c), and T_c extrapolated from 1/Var(y) on the balanced side (MODEL.md section 4).' },
  fig10: { id: 'fig10', title: 'Fig. 10: hysteresis width vs a',
    description: 'Up/down sweeps of h at gamma=T=1 for several a and sweep speeds; per-replicate widths, extrapolated to the slow-sweep limit, against 2 H(a).' },
  fig11: { id: 'fig11', title: 'Fig. 11: hysteresis width vs rho (negative feedback)',
    description: 'As fig. 10 at a=5 with load-balancing feedback rho; prediction 2 H(a - rho), hysteresis gone where a - rho <= 2 gamma T.' },
  cusp: { id: 'cusp', title: 'Cusp: bistability over (a, h)',
    description: 'Two replicate families started on opposite branches (y0 = +-4); a cell is bistable where they stay apart. Against the exact fold curve (16).' },
};

/** Per-scale values. */
function pick<T>(scale: Scale, values: Record<Scale, T>): T {
  return values[scale];
}

const linspace = (from: number, to: number, count: number): ValueGrid => ({ linspace: { from, to, count } });
const list = (values: number[]): ValueGrid => ({ list: values });

const TOKENS = 512;

// Fig. 9 and fig. 8 use the same finite-time observable: final |u_hat| after `steps` steps at
// eta = 0.02 (t = 40 / 100 / 400), from y0 = 0 with jitter +-0.05. In units of gamma t the
// dynamics depend on T / T_c only, and the onset sits near T_c / (1 + c / (gamma t)) with
// c ~ 2.5 (growth from 0.05 to |u| = 0.1): long runs are what pull the boundary onto
// a = 2 gamma T at small gamma.
const ONSET = { eta: 0.02, asym: 0.05, steps: { quick: 2000, paper: 5000, large: 20000 } as Record<Scale, number> };

/** Gammas of fig. 9 (a = 3: T_c = 3, 2, 1.5, 1). */
export const FIG9_GAMMAS = [0.5, 0.75, 1, 1.5];
export const FIG9_A = 3;

// Sweeps (figs. 7, 10, 11) at eta = 0.01: a point of `stepsPerPoint` steps lasts
// stepsPerPoint * 0.01 time units; the stable branches relax at rate ~1, so 100 steps per
// point is already fairly slow, and several speeds show the convergence.
const SWEEP_ETA = 0.01;

function sweepSpeeds(scale: Scale): number[] {
  return pick(scale, { quick: [50, 100, 200], paper: [100, 200, 400, 800], large: [200, 400, 800, 1600, 3200] });
}

function hGrid(scale: Scale, half: number): ValueGrid {
  // Steps of 0.1 / 0.05 / 0.025 in h.
  const per = pick(scale, { quick: 10, paper: 20, large: 40 });
  return linspace(-half, half, Math.round(2 * half * per) + 1);
}

function base(name: string, description: string, seed: number): Pick<ScanSpec, 'name' | 'description' | 'seed'> {
  return { name, description, seed };
}

/**
 * The scans an experiment runs. `seed` is the experiment's seed; scan i of a multi-scan
 * experiment uses seed + i, so no two scans share random streams (Threefry streams with
 * different keys are independent).
 */
export function presetSpecs(id: PresetId, scale: Scale, seed: number): ScanSpec[] {
  switch (id) {
    case 'fig6': {
      // 40 runs as in the paper (quick, paper); t = 12 covers the collapse (growth rate 0.5).
      return [{
        ...base('fig6', PRESETS.fig6.description, seed),
        params: { a: 3, h: 0.08, gamma: 1, T: 1, B: TOKENS, eta: 0.002 },
        axes: [],
        replicates: pick(scale, { quick: 40, paper: 40, large: 65536 }),
        steps: 6000,
        window: 6000,
        initial: { y0: 0, asym: 0, families: 'single' },
        protocol: { kind: 'trace', every: pick(scale, { quick: 100, paper: 25, large: 10 }) },
      }];
    }
    case 'fig7': {
      // h changes by 0.1 / 0.05 / 0.025 every 4 / 10 / 40 time units: the switch overshoots
      // each fold by ~2.5 r^(2/3) (r = dh/dt), ~20% / 7% / 2% of the width 2 H(4) = 2.13.
      const spp = pick(scale, { quick: 400, paper: 1000, large: 4000 });
      return [{
        ...base('fig7', PRESETS.fig7.description, seed),
        params: { a: 4, gamma: 1, T: 1, B: TOKENS, eta: SWEEP_ETA },
        axes: [],
        replicates: pick(scale, { quick: 16, paper: 64, large: 4096 }),
        steps: 1000,
        window: Math.round(spp / 2),
        initial: { y0: 0, asym: 0, families: 'single' },
        protocol: { kind: 'sweep', param: 'h', values: hGrid(scale, 2), direction: 'up-down', stepsPerPoint: [spp] },
      }];
    }
    case 'fig8': {
      const steps = ONSET.steps[scale];
      const [nT, nG] = pick(scale, { quick: [12, 10], paper: [41, 37], large: [121, 91] });
      return [{
        ...base('fig8', PRESETS.fig8.description, seed),
        params: { a: 3, h: 0, B: TOKENS, eta: ONSET.eta },
        axes: [{ param: 'T', values: linspace(0.5, 3, nT) }, { param: 'gamma', values: linspace(0.2, 2, nG) }],
        replicates: pick(scale, { quick: 8, paper: 64, large: 1024 }),
        steps,
        window: steps / 10,
        initial: { y0: 0, asym: ONSET.asym, families: 'single' },
        protocol: { kind: 'relax' },
      }];
    }
    case 'fig9': {
      const specs: ScanSpec[] = [];
      FIG9_GAMMAS.forEach((gamma, i) => {
        const tc = FIG9_A / (2 * gamma);
        const steps = ONSET.steps[scale];
        specs.push({
          ...base(`fig9-onset-gamma${gamma}`, `Finite-time onset scan in T at gamma=${gamma} (T_c=${tc})`, seed + 2 * i),
          params: { a: FIG9_A, gamma, h: 0, B: TOKENS, eta: ONSET.eta },
          axes: [{ param: 'T', values: linspace(0.6 * tc, 1.2 * tc, pick(scale, { quick: 10, paper: 25, large: 61 })) }],
          replicates: pick(scale, { quick: 16, paper: 128, large: 2048 }),
          steps,
          window: steps / 10,
          initial: { y0: 0, asym: ONSET.asym, families: 'single' },
          protocol: { kind: 'relax' },
        });
        // Balanced side T in [1.25, 2.5] T_c: lambda = gamma (T_c/T - 1) in [-0.6, -0.2] gamma.
        // From y0 = 0 the variance approaches its stationary value as 1 - exp(2 eta lambda n):
        // 3.5 / (eta * 0.2 gamma) steps leave a relative deficit exp(-7) < 1e-3.
        const eta = 0.01;
        const varSteps = Math.ceil(3.5 / (eta * 0.2 * gamma));
        const nT = pick(scale, { quick: 5, paper: 8, large: 16 });
        specs.push({
          ...base(`fig9-variance-gamma${gamma}`, `Var(y) on the balanced side at gamma=${gamma}, for the 1/Var extrapolation`, seed + 2 * i + 1),
          params: { a: FIG9_A, gamma, h: 0, B: TOKENS, eta },
          axes: [{ param: 'T', values: linspace(1.25 * tc, 2.5 * tc, nT) }],
          replicates: pick(scale, { quick: 256, paper: 4096, large: 65536 }),
          steps: varSteps,
          window: 1,
          initial: { y0: 0, asym: 0, families: 'single' },
          protocol: { kind: 'relax' },
        });
      });
      return specs;
    }
    case 'fig10':
    case 'fig11': {
      const speeds = sweepSpeeds(scale);
      const axis: AxisSpec = id === 'fig10'
        ? { param: 'a', values: pick(scale, { quick: list([3, 4, 5]), paper: list([2.5, 3, 3.5, 4, 4.5, 5]), large: linspace(2.2, 5, 15) }) }
        : { param: 'rho', values: pick(scale, { quick: list([0, 1, 2, 2.5, 3.5]), paper: linspace(0, 3.5, 8), large: linspace(0, 4, 17) }) };
      return [{
        ...base(id, PRESETS[id].description, seed),
        params: id === 'fig10' ? { gamma: 1, T: 1, B: TOKENS, eta: SWEEP_ETA } : { a: 5, gamma: 1, T: 1, B: TOKENS, eta: SWEEP_ETA },
        axes: [axis],
        replicates: pick(scale, { quick: 8, paper: 64, large: 1024 }),
        steps: 500,
        window: Math.round(speeds[0] / 2),
        initial: { y0: 0, asym: 0, families: 'single' },
        // H(5) = 1.81 at gamma = T = 1: the grid +-3 covers every fold plus the fastest sweep's overshoot.
        protocol: { kind: 'sweep', param: 'h', values: hGrid(scale, 3), direction: 'up-down', stepsPerPoint: speeds },
      }];
    }
    case 'cusp': {
      const [nA, nH] = pick(scale, { quick: [11, 13], paper: [41, 49], large: [161, 193] });
      const steps = pick(scale, { quick: 1500, paper: 3000, large: 10000 });
      return [{
        ...base('cusp', PRESETS.cusp.description, seed),
        params: { gamma: 1, T: 1, B: TOKENS, eta: SWEEP_ETA },
        axes: [{ param: 'a', values: linspace(1, 5, nA) }, { param: 'h', values: linspace(-1.5, 1.5, nH) }],
        replicates: pick(scale, { quick: 8, paper: 32, large: 256 }),
        steps,
        window: steps / 10,
        initial: { y0: 4, asym: 0, families: 'opposite' },
        protocol: { kind: 'relax' },
      }];
    }
  }
}

export function isPresetId(name: string): name is PresetId {
  return (PRESET_IDS as readonly string[]).includes(name);
}
