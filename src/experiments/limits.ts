// What a scan spec may ask of the machine that runs it. A spec is shared (a link from the
// page, a file from a colleague), so parsing one must never exhaust the host: its text and
// nesting are bounded before anything walks it, its free text is capped, and a scan whose
// outputs would not fit in memory is refused at parse time (so the page refuses it too)
// rather than dying after minutes of work. parseSpec (spec.ts) applies these; the README
// cites them. No imports but types: this runs in the browser too.

/** Longest spec text parseSpecText reads, in characters (64 MiB; a list of 1e6 values is ~20 MB). */
export const MAX_SPEC_TEXT_CHARS = 64 * 2 ** 20;

/**
 * Deepest nesting of arrays and objects in a spec (the spec itself is level 1). A valid spec
 * needs 5 (spec > axes > axis > values > list); the check runs iteratively before any
 * recursive walk (zod, error messages, canonicalJson), so a deeply nested value is an
 * InputError naming its path, never a stack overflow.
 */
export const MAX_SPEC_DEPTH = 32;
/** Levels a valid spec uses (quoted in the depth error). */
export const SPEC_DEPTH_NEEDED = 5;

/** Most arrays and objects in a spec (a valid one has fewer than 20: lists hold numbers). */
export const MAX_SPEC_CONTAINERS = 100_000;

/** Longest `description`, in characters. (`name` follows the safe-name rule of src/core/names.ts: 1-64 characters.) */
export const MAX_DESCRIPTION_LENGTH = 2000;

/**
 * Largest estimated output of one scan, in bytes: 256 MiB, half of V8's string limit
 * (2^29 - 24 characters), because result.json is built as one string and report.html
 * embeds the figures' data in another; the web page holds the same data.
 */
export const MAX_OUTPUT_BYTES = 256 * 2 ** 20;

/**
 * Most RK4 steps of the mean-field ODE a trace's analysis may take over all its cells (the
 * ODE drawn next to each cell's series, src/analytics/theory/mean-field-ode.ts meanFieldLoadAt): ~50 ns
 * each on a 2-core VM, so ~5 s at the limit. Its step is 0.02 / (|a - rho| / (2T) + gamma)
 * time units, so a trace at a tiny T with a large eta asks for astronomically many.
 */
export const MAX_MEAN_FIELD_STEPS = 1e8;

/** What the size of a scan's outputs depends on (spec.ts outputShape computes it). */
export interface OutputShape {
  protocol: 'relax' | 'sweep' | 'trace';
  /** grid cells (product of the axes' counts) */
  cells: number;
  /** replicate families (initial.families 'opposite': 2) */
  families: number;
  replicates: number;
  /** sweep: sweep speeds (protocol.stepsPerPoint.length); else 1 */
  speeds: number;
  /** sweep: legs (2 for up-down and down-up); else 1 */
  legs: number;
  /** sweep: values per leg; else 0 */
  points: number;
  /** trace: recorded intervals, ceil(steps / every); else 0 */
  intervals: number;
  /** values on the axes, summed (a one-axis relax draws a curve through each) */
  axisValues: number;
  /** numbers written out in lists (axes and sweep values): the spec is part of result.json */
  listValues: number;
}

/**
 * The output model: bytes of result.json as base + sum of coefficient x count, one linear
 * model per protocol. MEASURED with test/helpers/output-size.ts --fit (Node 20, the CPU
 * engine on a 2-core VM; the sizes do not depend on the engine): 48 designed scans (19
 * relax, 20 sweep, 9 trace) of 1 to 3000 grid cells, toJson of runCustomSpec's result
 * (exactly what the CLI writes as result.json), fitted by non-negative least squares. On the
 * scans of >= 100 kB the fits are within -6.0..+4.4% (relax), -10.6..+14.3% (sweep) and
 * -0.7..+0.9% (trace) of the measurement. The scans print numbers at full precision (noisy
 * u_hat, uneven grid values), use 64-character names (tables and figures are named after
 * the scan), and their sweeps are of h (the largest figures) and switch in most replicates,
 * so each is near its largest form. The values below are the fits rounded up;
 * estimateOutputBytes multiplies by OUTPUT_MARGIN. The heap a finished result holds
 * measured 0.4-1.4x its result.json; at the limit, relax, sweep and trace scans of
 * 148-175 MB of result.json ran through `moe-cusp run` in at most 1.2 GB of resident memory.
 */
export const OUTPUT_MODEL = {
  relax: {
    base: 16_200,
    /** per grid cell and family: the cell's statistics (observables), its table row, its heatmap value */
    perCellFamily: 751,
    /** per axis value: a one-axis scan draws a curve (x, y, band, second series) through each */
    perAxisValue: 74,
  },
  sweep: {
    base: 3_800,
    /** per figure (the first 12 cell-speeds): an h sweep draws the mean-field branches, 2 x 401 points */
    perFigure: 46_200,
    /** per figure, leg and point: the leg's curve with its band */
    perFigurePoint: 29,
    /** per cell, speed and leg: the leg's record, table name and estimate */
    perLeg: 164,
    /** per cell, speed, leg and point: value, mean, s.d. (observables) and a table row */
    perPoint: 251,
    /** per cell, speed, leg and replicate: the replicate's switching point */
    perSwitch: 27,
  },
  trace: {
    base: 1_300,
    /** per figure (the first 12 cell-families) and interval */
    perFigureInterval: 173,
    /** per cell and family: its series' record and table */
    perCellFamily: 589,
    /** per cell, family and interval: six statistics (observables) and a table row of eight */
    perInterval: 390,
  },
  /** per number in a spec's list: in the spec itself, and again in figures and tables */
  perListValue: 107,
} as const;

/** Safety factor on the fitted model (number formats vary; a fit is not a bound). */
export const OUTPUT_MARGIN = 1.5;

/**
 * Added to every estimate: the free text (a 2000-character description appears twice in
 * result.json and four times in report.html, each character up to 6 when escaped: ~72 KB)
 * and report.html's inline uPlot, viewer and styles (~75 KB).
 */
export const FIXED_ALLOWANCE_BYTES = 256 * 1024;

/** Figures a generic sweep or trace analysis draws at most (spec-analysis.ts analyzeSpec). */
export const MAX_SPEC_FIGURES = 12;
const FIGURES = MAX_SPEC_FIGURES;

/**
 * An upper bound on the bytes of a scan's result.json and of its report.html: the measured
 * model times OUTPUT_MARGIN, plus the fixed allowance. It grows with every count, so the
 * largest count that fits can be found by bisection.
 */
export function estimateOutputBytes(s: OutputShape): number {
  const m = OUTPUT_MODEL;
  let bytes: number;
  if (s.protocol === 'relax') {
    bytes = m.relax.base + s.cells * s.families * m.relax.perCellFamily + s.axisValues * m.relax.perAxisValue;
  } else if (s.protocol === 'sweep') {
    const cs = s.cells * s.speeds;
    const figures = Math.min(cs, FIGURES);
    bytes =
      m.sweep.base +
      figures * (m.sweep.perFigure + s.legs * s.points * m.sweep.perFigurePoint) +
      cs * s.legs * (m.sweep.perLeg + s.points * m.sweep.perPoint + s.replicates * m.sweep.perSwitch);
  } else {
    const cf = s.cells * s.families;
    bytes =
      m.trace.base +
      Math.min(cf, FIGURES) * s.intervals * m.trace.perFigureInterval +
      cf * (m.trace.perCellFamily + s.intervals * m.trace.perInterval);
  }
  return Math.ceil(OUTPUT_MARGIN * (bytes + s.listValues * m.perListValue)) + FIXED_ALLOWANCE_BYTES;
}
