// The router's parameters (MODEL.md section 1) and the checks every scan passes before any
// GPU work: each failure names the field and the allowed range.

/** One parameter cell of a scan, in the paper's symbols. */
export interface RouterCell {
  /** reinforcement (positive feedback) */ a: number;
  /** softmax temperature */ T: number;
  /** forgetting */ gamma: number;
  /** skew h = b1 - b2 */ h: number;
  /** negative feedback on load (load balancing) */ rho: number;
  /** tokens per step (batch size) */ B: number;
  /** step size */ eta: number;
  /** initial score gap y = r1 - r2 */ y0: number;
  /** half-width of the uniform random initial asymmetry added to y0 */ asym: number;
  /** ramped sweeps: h moves by hRate per step, h + hRate (step - rampStep) (0: fixed h) */ hRate: number;
  /** the step at which a ramped h equals h */ rampStep: number;
}

export type CellInput = Partial<RouterCell> & Pick<RouterCell, 'a' | 'T' | 'gamma' | 'B' | 'eta'>;

export const CELL_DEFAULTS = { h: 0, rho: 0, y0: 0, asym: 0, hRate: 0, rampStep: 0 } as const;

export function completeCell(cell: CellInput): RouterCell {
  return { ...CELL_DEFAULTS, ...cell };
}

/** What an engine simulates: cells x replicates routers, `steps` steps, tallies over the last `window`. */
export interface ScanPlan {
  cells: RouterCell[];
  replicates: number;
  steps: number;
  window: number;
  seed: number;
  /** token-by-token sampling (the slow exact reference) instead of the O(1) sampler */
  tokenMode?: boolean;
  /**
   * Global index of the plan's first router (default 0; a multiple of `replicates`). Router i
   * of the plan draws the random stream of router firstRouter + i, so a scan cut into plans
   * over consecutive cells (passes, shards) gives exactly the numbers of one big plan.
   */
  firstRouter?: number;
}

/** Bad input: names the offending field and what is allowed. */
export class InputError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'InputError';
  }
}

export const MAX_TOKENS = 65536;
export const MAX_STEPS = 0xffffffff;
export const MAX_ROUTERS = 0xffffffff;

interface Range {
  min: number;
  max: number;
  minOpen?: boolean;
  integer?: boolean;
}

/** Allowed ranges. Bounds beyond the model's own (T > 0, gamma >= 0, eta > 0, rho >= 0) keep
 * every value representable in f32 with room for the products the kernel forms: T >= 1e-30
 * stays positive in f32 (Math.fround is monotone and fround(1e-30) > 1e-30) with 1/T finite.
 * Specs are checked against these same ranges, so a spec that parses passes validateCell. */
export const CELL_RANGES: Record<keyof RouterCell, Range> = {
  a: { min: -1e6, max: 1e6 },
  T: { min: 1e-30, max: 1e6 },
  gamma: { min: 0, max: 1e6 },
  h: { min: -1e6, max: 1e6 },
  rho: { min: 0, max: 1e6 },
  B: { min: 1, max: MAX_TOKENS, integer: true },
  eta: { min: 0, max: 1, minOpen: true },
  y0: { min: -1e6, max: 1e6 },
  asym: { min: 0, max: 1e6 },
  hRate: { min: -1e6, max: 1e6 },
  rampStep: { min: 0, max: MAX_STEPS, integer: true },
};

function describe(r: Range): string {
  const kind = r.integer ? 'an integer' : 'a number';
  return `must be ${kind} in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}]`;
}

/** Most characters of an offending value an error message quotes. */
export const MAX_SHOWN_CHARS = 200;

/** text as a JSON string literal of at most ~maxChars characters (escapes counted), and whether it was cut. */
function quote(text: string, maxChars: number): { literal: string; cut: boolean } {
  if (text.length <= maxChars) {
    const literal = JSON.stringify(text);
    if (literal.length <= maxChars + 2) return { literal, cut: false };
  }
  let out = '';
  for (const ch of text) {
    // by code point: a surrogate pair is never split
    const escaped = JSON.stringify(ch).slice(1, -1);
    if (out.length + escaped.length > maxChars) return { literal: `"${out}…"`, cut: true };
    out += escaped;
  }
  return { literal: `"${out}"`, cut: false };
}

/** A JSON string literal of text, cut with '…' before the closing quote beyond ~maxChars characters. */
export function quoted(text: string, maxChars = MAX_SHOWN_CHARS): string {
  return quote(text, maxChars).literal;
}

/** Arrays and objects: a few levels and entries, each scalar short; the whole cut to the budget by the caller. */
function renderShort(value: unknown, depth: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (depth >= 3) return `[… ${value.length} item${value.length === 1 ? '' : 's'}]`;
    const items: string[] = [];
    for (let i = 0; i < value.length && i < 8; i++) items.push(renderShort(value[i], depth + 1));
    if (value.length > items.length) items.push(`… ${value.length} items`);
    return `[${items.join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries: string[] = [];
    let more = false;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (entries.length === 8 || depth >= 3) {
        more = true;
        break;
      }
      entries.push(`${quoted(key, 40)}: ${renderShort((value as Record<string, unknown>)[key], depth + 1)}`);
    }
    return `{${entries.join(', ')}${more ? (entries.length ? ', …' : '…') : ''}}`;
  }
  return typeof value === 'string' ? quoted(value, 40) : shownValue(value);
}

/**
 * A value as an error message quotes it: numbers as written, strings as JSON literals,
 * arrays and objects as an abbreviated JSON-like rendering, all at most ~maxChars characters
 * (a cut string says how long it was: `"aaaa…" (5000 characters)`). Never JSON.stringify on
 * the whole value: an untrusted one can be huge, or nested deep enough to overflow the stack.
 */
export function shownValue(value: unknown, maxChars = MAX_SHOWN_CHARS): string {
  try {
    if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
    if (typeof value === 'string') {
      const { literal, cut } = quote(value, maxChars);
      return cut ? `${literal} (${value.length} characters)` : literal;
    }
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'function') return 'a function';
    if (value === null || typeof value !== 'object') return String(value);
    const text = renderShort(value, 0);
    if (text.length <= maxChars) return text;
    const end = /[\uD800-\uDBFF]/.test(text[maxChars - 1]) ? maxChars - 1 : maxChars;
    return `${text.slice(0, end)}…`;
  } catch {
    return 'an unprintable value'; // a throwing getter or proxy, from a JavaScript caller
  }
}

export function checkNumber(field: string, value: unknown, range: Range): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (range.minOpen ? value > range.min : value >= range.min) &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value));
  if (!ok) throw new InputError(field, `${describe(range)}, got ${shownValue(value)}`);
  return value as number;
}

export function validateCell(cell: RouterCell, path = 'cell'): RouterCell {
  // The ranges include T >= 1e-30, which keeps T positive in f32 and 1/T finite.
  for (const key of Object.keys(CELL_RANGES) as (keyof RouterCell)[]) {
    checkNumber(`${path}.${key}`, cell[key], CELL_RANGES[key]);
  }
  return cell;
}

/** Validates a plan; `maxRouters` is the engine's capacity (memory), checked last. */
export function validatePlan(plan: ScanPlan, maxRouters = MAX_ROUTERS): ScanPlan {
  if (!Array.isArray(plan.cells) || plan.cells.length === 0) {
    throw new InputError('cells', 'must be a non-empty list of parameter cells');
  }
  plan.cells.forEach((cell, i) => validateCell(cell, `cells[${i}]`));
  checkPlanShape(plan, plan.cells.length, maxRouters);
  return plan;
}

/**
 * The checks every engine's plan shares: replicates, steps, window, seed, firstRouter (a
 * multiple of replicates, the plan inside the u32 router range) and the engine's capacity.
 */
export function checkPlanShape(
  plan: { replicates: number; steps: number; window: number; seed: number; firstRouter?: number | undefined },
  cells: number,
  maxRouters: number,
): void {
  checkNumber('replicates', plan.replicates, { min: 1, max: MAX_ROUTERS, integer: true });
  checkNumber('steps', plan.steps, { min: 1, max: MAX_STEPS, integer: true });
  checkNumber('window', plan.window, { min: 1, max: plan.steps, integer: true });
  checkNumber('seed', plan.seed, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  const routers = cells * plan.replicates;
  if (plan.firstRouter !== undefined) {
    checkNumber('firstRouter', plan.firstRouter, { min: 0, max: MAX_ROUTERS + 1 - routers, integer: true });
    if (plan.firstRouter % plan.replicates !== 0)
      throw new InputError('firstRouter', `must be a multiple of replicates (${plan.replicates}), got ${plan.firstRouter}`);
  }
  const limit = Math.min(maxRouters, MAX_ROUTERS);
  if (routers > limit) {
    throw new InputError(
      'replicates',
      `the scan has ${routers} routers (${cells} cells x ${plan.replicates} replicates); ` +
        `this engine holds at most ${limit}: use fewer cells or replicates`,
    );
  }
}

export function routerCount(plan: Pick<ScanPlan, 'cells' | 'replicates'>): number {
  return plan.cells.length * plan.replicates;
}
