// The shapes shared by the CLI, the report and (later) the web page: a scan specification
// (the JSON a user writes), what a protocol measures, and the figures an experiment shows.
// Plain data, JSON-serializable, no Node-only imports.

import type { ProgressReport, Provenance } from '../core/scan.js';
import type { CellStats } from '../core/reductions.js';
import type { ExpertScanSpec } from './experts/spec.js';
import type { TrainingScanSpec } from './training/spec.js';

/** Router parameters a spec may fix or scan (MODEL.md section 1). */
export const PARAM_NAMES = ['a', 'T', 'gamma', 'h', 'rho', 'B', 'eta'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

/** Values of an axis or a sweep: evenly spaced, log-spaced (endpoints are values, not exponents), or listed. */
export type ValueGrid =
  | { linspace: { from: number; to: number; count: number } }
  | { logspace: { from: number; to: number; count: number } }
  | { list: number[] };

export interface AxisSpec {
  param: ParamName;
  values: ValueGrid;
}

export interface InitialSpec {
  /** initial score gap y = r1 - r2 */
  y0: number;
  /** half-width of a uniform random asymmetry added to y0, per replicate (0 = none) */
  asym: number;
  /**
   * 'single' (default): every replicate starts at y0 (+ asymmetry).
   * 'opposite': two replicate families, one started at +y0 and one at -y0 (each with the
   * full replicate count), to see both branches of a bistable cell (the cusp map).
   */
  families?: 'single' | 'opposite';
}

/** Fixed parameters: every step at the same cell; tallies over the last `window` steps. */
export interface RelaxProtocol {
  kind: 'relax';
}

/**
 * One parameter stepped slowly through a grid with the router state carried across
 * points: `steps` burn-in steps at the first value, then `stepsPerPoint` steps at each
 * value, u_hat averaged over the last `window` steps of each point (the spec's `window`).
 * 'up-down' goes through the grid increasing then decreasing (the paper's loop).
 * Several `stepsPerPoint` values = several sweep speeds (slow-sweep extrapolation),
 * each run as its own independent family of sweeps.
 */
export interface SweepProtocol {
  kind: 'sweep';
  param: ParamName;
  values: ValueGrid;
  direction: 'up' | 'down' | 'up-down' | 'down-up';
  stepsPerPoint: number[];
  /**
   * Ramped rather than stepped (h sweeps only, evenly spaced values): h moves every step at
   * the same rate, dh per stepsPerPoint steps, through [v - dh/2, v + dh/2] during point v,
   * and each replicate's switching point is the h where y crosses zero, interpolated in the
   * step (no grid quantisation). Stepped sweeps hold each value for its stepsPerPoint steps.
   */
  ramp?: boolean;
}

/**
 * Time series: every `every` steps (and at `steps`), the mean over the interval just
 * finished of u_hat and |u_hat| per replicate, and y at its end; summarized across replicates.
 */
export interface TraceProtocol {
  kind: 'trace';
  every: number;
}

export type Protocol = RelaxProtocol | SweepProtocol | TraceProtocol;

/** A scan as a user writes it (JSON). Axes: 0, 1 or 2; axis 0 is x (fastest), axis 1 is y. */
export interface ScanSpec {
  name?: string;
  description?: string;
  /** Fixed values; each of a, T, gamma, B, eta must be fixed or on an axis (h, rho default to 0). */
  params: Partial<Record<ParamName, number>>;
  axes: AxisSpec[];
  replicates: number;
  steps: number;
  window: number;
  initial: InitialSpec;
  seed: number;
  protocol: Protocol;
  /** 'btrs' (default, the exact O(1) sampler) or 'tokens' (B Bernoulli draws, slow reference) */
  sampler?: 'btrs' | 'tokens';
}

/** The spec expanded: grid cells in order (index = i0 + n0 * i1), axis values, families. */
export interface ExpandedGrid {
  axes: { param: ParamName; values: number[] }[];
  /** the parameters of each grid cell (before families and sweeps) */
  cells: Record<ParamName, number>[];
  families: 1 | 2;
}

export interface RelaxOutcome {
  kind: 'relax';
  /** [family][gridCell] */
  cells: CellStats[][];
}

/** One leg of a sweep: the values in visiting order and per-point statistics across replicates. */
export interface SweepLeg {
  direction: 'up' | 'down';
  values: number[];
  /** mean over replicates of the point's window mean u_hat */ meanLoad: number[];
  /** s.d. across replicates of the point's window mean u_hat */ sdLoad: number[];
  /** per replicate: the first sign change of u_hat in this leg's direction (null: none) */
  switching: (number | null)[];
}

export interface SweepOutcome {
  kind: 'sweep';
  param: ParamName;
  /** [speed index][gridCell] -> legs in the order run */
  speeds: { stepsPerPoint: number; cells: SweepLeg[][] }[];
}

export interface TraceCell {
  /** steps at which the series are recorded (end of each interval) */
  steps: number[];
  meanLoad: number[];
  sdLoad: number[];
  meanAbsLoad: number[];
  meanY: number[];
  sdY: number[];
}

export interface TraceOutcome {
  kind: 'trace';
  /** [family][gridCell] */
  cells: TraceCell[][];
}

export type ProtocolOutcome = RelaxOutcome | SweepOutcome | TraceOutcome;

export interface ScanOutcome {
  spec: ScanSpec;
  grid: ExpandedGrid;
  outcome: ProtocolOutcome;
  provenance: Provenance;
}

export type ScanProgress = (p: ProgressReport) => void;

// ---------------------------------------------------------------------------------------
// Figures: what the PNG renderer, the HTML report and the web page draw.
// ---------------------------------------------------------------------------------------

/**
 * What a series, overlay or vertical line shows; src/report/colors.ts picks its colour (one
 * set for line plots, one that reads on the heatmap's viridis). A name is a meaning:
 *   measured  the simulation's curve           fit        an estimate fitted or extrapolated
 *   theory    an analytic curve (mean field)   theory-alt a second analytic curve beside it
 *   reference a reference line (y = x, T_c)    onset      the finite-time onset
 *   up, down  the up and down legs of a sweep  fold       the folds +-H(a)
 *   secondary a second measured quantity
 * A number is an index into the categorical palette (several curves of one kind, e.g. one
 * per gamma); { ramp: k } is step k of the sequential ramp (ordered curves, e.g. sweep
 * speeds, faster to slower). No role: the palette by position.
 */
export type RoleName = 'measured' | 'fit' | 'theory' | 'theory-alt' | 'reference' | 'onset' | 'up' | 'down' | 'fold' | 'secondary';
export type ColorRole = RoleName | number | { ramp: number };

/** A polyline in data coordinates drawn over a figure (a vertical line is two points). */
export interface Overlay {
  label: string;
  x: number[];
  y: number[];
  dashed?: boolean;
  role?: ColorRole;
}

export interface HeatmapFigure {
  kind: 'heatmap';
  id: string;
  title: string;
  x: { label: string; values: number[] };
  y: { label: string; values: number[] };
  /** z[iy][ix]; null = no data */
  z: (number | null)[][];
  zLabel: string;
  /** colour scale range; default min..max of z */
  zRange?: [number, number];
  overlays: Overlay[];
}

export interface Series {
  label: string;
  x: number[];
  y: (number | null)[];
  /** 'line' (default), 'points' (markers only), 'dashed' */
  style?: 'line' | 'points' | 'dashed';
  /** optional band (e.g. +-1 s.d. or a confidence interval), same length as x */
  lower?: (number | null)[];
  upper?: (number | null)[];
  role?: ColorRole;
}

export interface LineFigure {
  kind: 'lines';
  id: string;
  title: string;
  x: { label: string; log?: boolean; range?: [number, number] };
  y: { label: string; log?: boolean; range?: [number, number] };
  series: Series[];
  /** vertical reference lines, e.g. the folds +-H(a) or a - rho = 2 gamma T (role default 'reference') */
  vlines?: VLine[];
}

export interface VLine {
  x: number;
  label: string;
  role?: ColorRole;
}

export type Figure = HeatmapFigure | LineFigure;

/** An estimate next to its theoretical prediction (the report's comparison table). */
export interface Estimate {
  /**
   * Stable identifier, `<experiment>.<quantity>[.<param>=<value>]...` (the scheme is in
   * presets/index.ts): what tests, the page and scripts match on; `name` is for display.
   */
  id: string;
  name: string;
  value: number;
  /** standard error, where known */
  se?: number;
  /** confidence interval, where known */
  ci?: [number, number];
  prediction?: number;
  /** what the prediction is, e.g. 'T_c = a/(2 gamma)' */
  predictionLabel?: string;
  /**
   * A known bias that dominates the gap to the prediction (finite sweep speed, finite run
   * time, finite B...): then the s.e. does not measure that gap, and displays print this
   * instead of the gap in standard errors.
   */
  bias?: string;
  note?: string;
}

/** What an analysis gives: estimates, figures, tables and its JSON observables and predictions. */
export interface Analysis {
  estimates: Estimate[];
  figures: Figure[];
  tables: Table[];
  observables: unknown;
  predictions: unknown;
}

/** A CSV table: every curve and grid of an experiment is written as one. */
export interface Table {
  name: string;
  columns: string[];
  rows: (number | string | null)[][];
}

export interface ExperimentResult {
  id: string;
  title: string;
  /** a custom scan's description, built from its spec (run.ts scanDescription) */
  description?: string;
  scale: string;
  /** the specs run (one or more scans make up an experiment): two-expert scans, or N-expert ones (model 'experts') */
  specs: (ScanSpec | ExpertScanSpec | TrainingScanSpec)[];
  provenance: Provenance[];
  estimates: Estimate[];
  figures: Figure[];
  tables: Table[];
  /** experiment-specific observables and analytic predictions, JSON */
  observables: unknown;
  predictions: unknown;
}
