// The scan editor: every field of a ScanSpec as a labelled form control, read back into the
// CLI's JSON and checked by the same parseSpec the CLI uses, so the same bad-input rules
// hold: the field an InputError names is marked (aria-invalid) with the error's message
// beside it, and the page keeps Run disabled until the spec is valid.

import { InputError } from '../../src/core/model.js';
import { parseSpec, validateSpecFor } from '../../src/experiments/spec.js';
import { PARAM_NAMES, type ParamName, type ScanSpec, type ValueGrid } from '../../src/experiments/types.js';

const PARAM_HINTS: Record<ParamName, string> = {
  a: 'reinforcement',
  T: 'temperature',
  gamma: 'forgetting',
  h: 'skew b1 - b2',
  rho: 'negative feedback',
  B: 'tokens per step',
  eta: 'step size',
};

type Spacing = 'linspace' | 'logspace' | 'list';

export interface EditorStatus {
  spec: ScanSpec | null;
  /** the JSON the form describes (valid or not) */
  raw: unknown;
  error: InputError | null;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

function field(id: string, label: string, attrs: Record<string, string> = {}): { wrap: HTMLElement; input: HTMLInputElement } {
  const input = el('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });
  return { wrap: el('span', { class: 'field' }, el('label', { for: id, text: label }), input), input };
}

function select(id: string, label: string, options: [string, string][], labelClass = ''): { wrap: HTMLElement; select: HTMLSelectElement } {
  const s = el('select', { id });
  for (const [value, text] of options) s.append(el('option', { value, text }));
  return { wrap: el('span', { class: 'field' }, el('label', { for: id, text: label, ...(labelClass && { class: labelClass }) }), s), select: s };
}

/** A number if the text is one, the text itself otherwise (parseSpec names it), undefined if empty. */
function parseNumber(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : t;
}

function parseList(text: string): (number | string)[] | string {
  const t = text.trim();
  if (t === '') return [];
  return t
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((s) => parseNumber(s) ?? s);
}

const fmt = (v: number | undefined) => (v === undefined ? '' : String(v));

/** Grid controls: spacing, from, to, points, or a list of values. */
class GridControls {
  readonly wrap: HTMLElement;
  readonly spacing: HTMLSelectElement;
  readonly from: HTMLInputElement;
  readonly to: HTMLInputElement;
  readonly count: HTMLInputElement;
  readonly list: HTMLInputElement;
  private readonly spaced: HTMLElement;
  private readonly listWrap: HTMLElement;

  constructor(prefix: string, what: string) {
    const sp = select(`${prefix}-spacing`, `${what} spacing`, [
      ['linspace', 'linear'],
      ['logspace', 'log'],
      ['list', 'list'],
    ]);
    const from = field(`${prefix}-from`, 'from', { inputmode: 'decimal' });
    const to = field(`${prefix}-to`, 'to', { inputmode: 'decimal' });
    const count = field(`${prefix}-count`, 'points', { inputmode: 'numeric', class: 'short' });
    const list = field(`${prefix}-list`, 'values', { placeholder: '1, 2, 3' });
    this.spacing = sp.select;
    this.from = from.input;
    this.to = to.input;
    this.count = count.input;
    this.list = list.input;
    this.spaced = el('span', { class: 'spaced' }, from.wrap, to.wrap, count.wrap);
    this.listWrap = list.wrap;
    this.wrap = el('span', { class: 'grid' }, sp.wrap, this.spaced, this.listWrap);
    this.spacing.addEventListener('change', () => this.sync());
    this.sync();
  }

  sync(): void {
    const isList = this.spacing.value === 'list';
    this.spaced.hidden = isList;
    this.listWrap.hidden = !isList;
  }

  set(g: ValueGrid): void {
    if ('list' in g) {
      this.spacing.value = 'list';
      this.list.value = g.list.join(', ');
    } else {
      const kind: Spacing = 'linspace' in g ? 'linspace' : 'logspace';
      const s = 'linspace' in g ? g.linspace : g.logspace;
      this.spacing.value = kind;
      this.from.value = fmt(s.from);
      this.to.value = fmt(s.to);
      this.count.value = fmt(s.count);
    }
    this.sync();
  }

  /** The grid's JSON and which control holds which path under `base`. */
  read(base: string, paths: Map<string, HTMLElement>): unknown {
    const kind = this.spacing.value as Spacing;
    paths.set(`${base}`, this.spacing);
    if (kind === 'list') {
      paths.set(`${base}.list`, this.list);
      return { list: parseList(this.list.value) };
    }
    paths.set(`${base}.${kind}`, this.spacing);
    paths.set(`${base}.${kind}.from`, this.from);
    paths.set(`${base}.${kind}.to`, this.to);
    paths.set(`${base}.${kind}.count`, this.count);
    return { [kind]: { from: parseNumber(this.from.value), to: parseNumber(this.to.value), count: parseNumber(this.count.value) } };
  }
}

interface ParamRow {
  name: ParamName;
  row: HTMLElement;
  mode: HTMLSelectElement;
  value: HTMLInputElement;
  fixed: HTMLElement;
  grid: GridControls;
  swept: HTMLElement;
  error: HTMLElement;
}

export class ScanEditor {
  private readonly rows: ParamRow[];
  private readonly inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  private readonly errors = new Map<HTMLElement, HTMLElement>();
  private readonly sweepGrid: GridControls;
  private readonly sections: Record<'sweep' | 'trace', HTMLElement>;
  private description: string | undefined;
  private marked: HTMLElement | null = null;
  /** errors that name no control of the form */
  private readonly general: HTMLElement;
  /** the engine's capacity: one grid cell's routers must fit a session */
  maxRouters = Infinity;

  constructor(
    root: HTMLElement,
    private readonly onChange: (status: EditorStatus) => void,
  ) {
    const errorLine = (id: string) => el('p', { id, class: 'field-error', hidden: '' });

    // Parameters: fixed or on an axis.
    const params = el('fieldset', { class: 'group' }, el('legend', { text: 'Parameters: fixed, or an axis of the scan' }));
    this.rows = PARAM_NAMES.map((name) => {
      const id = `p-${name}`;
      const mode = select(
        `${id}-mode`,
        `${name}`,
        [
          ['fixed', 'fixed'],
          ['x', 'x axis'],
          ['y', 'y axis'],
        ],
        'pname',
      );
      mode.wrap.querySelector('label')!.append(el('span', { class: 'hint', text: ` ${PARAM_HINTS[name]}` }));
      const value = field(`${id}-value`, `${name} value`, { inputmode: 'decimal' });
      value.wrap.querySelector('label')!.className = 'sr-only';
      const grid = new GridControls(id, `${name} axis`);
      const swept = el('span', { class: 'note', text: 'swept by the protocol' });
      const error = errorLine(`${id}-error`);
      const row = el('div', { class: 'param-row', 'data-param': name }, mode.wrap, value.wrap, grid.wrap, swept, error);
      params.append(row);
      const r: ParamRow = { name, row, mode: mode.select, value: value.input, fixed: value.wrap, grid, swept, error };
      for (const c of [mode.select, value.input, grid.spacing, grid.from, grid.to, grid.count, grid.list]) this.errors.set(c, error);
      return r;
    });

    // Protocol.
    const kind = select('protocol-kind', 'Protocol', [
      ['relax', 'relax: fixed cells'],
      ['sweep', 'sweep: step one parameter through a grid'],
      ['trace', 'trace: time series'],
    ]);
    const sweepParam = select(
      'sweep-param',
      'Swept parameter',
      PARAM_NAMES.map((p) => [p, p]),
    );
    this.sweepGrid = new GridControls('sweep', 'sweep');
    const direction = select('sweep-direction', 'Direction', [
      ['up-down', 'up, then down'],
      ['down-up', 'down, then up'],
      ['up', 'up'],
      ['down', 'down'],
    ]);
    const spp = field('sweep-spp', 'Steps per point (one per speed)', { placeholder: '100, 200' });
    const every = field('trace-every', 'Record every (steps)', { inputmode: 'numeric' });
    const protocolError = errorLine('protocol-error');
    this.sections = {
      sweep: el('div', { class: 'sub-group' }, sweepParam.wrap, el('div', { class: 'row-wrap' }, this.sweepGrid.wrap), direction.wrap, spp.wrap),
      trace: el('div', { class: 'sub-group' }, every.wrap),
    };
    const protocol = el(
      'fieldset',
      { class: 'group' },
      el('legend', { text: 'Protocol' }),
      kind.wrap,
      this.sections.sweep,
      this.sections.trace,
      protocolError,
    );
    for (const c of [
      kind.select,
      sweepParam.select,
      this.sweepGrid.spacing,
      this.sweepGrid.from,
      this.sweepGrid.to,
      this.sweepGrid.count,
      this.sweepGrid.list,
      direction.select,
      spp.input,
      every.input,
    ]) {
      this.errors.set(c, protocolError);
    }

    // Run length, replicates, initial state, seed.
    const runError = errorLine('run-error');
    const runFields = [
      field('replicates', 'Replicates per cell', { inputmode: 'numeric' }),
      field('steps', 'Steps', { inputmode: 'numeric' }),
      field('window', 'Window (last steps averaged)', { inputmode: 'numeric' }),
      field('seed', 'Seed', { inputmode: 'numeric' }),
      field('y0', 'Initial y0', { inputmode: 'decimal' }),
      field('asym', 'Random initial asymmetry ±', { inputmode: 'decimal' }),
    ];
    const families = select('families', 'Start', [
      ['single', 'one family at +y0'],
      ['opposite', 'two families at ±y0'],
    ]);
    const sampler = select('sampler', 'Sampler', [
      ['btrs', 'exact O(1) binomial'],
      ['tokens', 'token by token (slow reference)'],
    ]);
    const name = field('spec-name', 'Name');
    const run = el(
      'fieldset',
      { class: 'group' },
      el('legend', { text: 'Run' }),
      el('div', { class: 'row-wrap' }, ...runFields.map((f) => f.wrap), families.wrap, sampler.wrap, name.wrap),
      runError,
    );
    this.general = errorLine('editor-error');
    for (const f of runFields) this.errors.set(f.input, runError);
    for (const c of [families.select, sampler.select, name.input]) this.errors.set(c, runError);

    Object.assign(this.inputs, {
      kind: kind.select,
      sweepParam: sweepParam.select,
      direction: direction.select,
      spp: spp.input,
      every: every.input,
      replicates: runFields[0].input,
      steps: runFields[1].input,
      window: runFields[2].input,
      seed: runFields[3].input,
      y0: runFields[4].input,
      asym: runFields[5].input,
      families: families.select,
      sampler: sampler.select,
      name: name.input,
    });

    root.replaceChildren(params, protocol, run, this.general);
    root.addEventListener('input', () => this.changed());
    root.addEventListener('change', () => {
      this.syncVisibility();
      this.changed();
    });
    this.syncVisibility();
  }

  private syncVisibility(): void {
    const kind = this.inputs.kind.value;
    this.sections.sweep.hidden = kind !== 'sweep';
    this.sections.trace.hidden = kind !== 'trace';
    for (const r of this.rows) {
      const swept = kind === 'sweep' && this.inputs.sweepParam.value === r.name;
      r.mode.disabled = swept;
      r.fixed.hidden = swept || r.mode.value !== 'fixed';
      r.grid.wrap.hidden = swept || r.mode.value === 'fixed';
      r.swept.hidden = !swept;
    }
  }

  /** Fills the form from a complete spec (parseSpec's output). */
  load(spec: ScanSpec): void {
    const p = spec.protocol;
    this.inputs.kind.value = p.kind;
    for (const r of this.rows) {
      const axis = spec.axes.findIndex((a) => a.param === r.name);
      r.mode.value = axis === 0 ? 'x' : axis === 1 ? 'y' : 'fixed';
      r.value.value = fmt(spec.params[r.name]);
      if (axis >= 0) r.grid.set(spec.axes[axis].values);
    }
    if (p.kind === 'sweep') {
      this.inputs.sweepParam.value = p.param;
      this.sweepGrid.set(p.values);
      this.inputs.direction.value = p.direction;
      this.inputs.spp.value = p.stepsPerPoint.join(', ');
    }
    if (p.kind === 'trace') this.inputs.every.value = String(p.every);
    const i = this.inputs;
    i.replicates.value = fmt(spec.replicates);
    i.steps.value = fmt(spec.steps);
    i.window.value = fmt(spec.window);
    i.seed.value = fmt(spec.seed);
    i.y0.value = fmt(spec.initial.y0);
    i.asym.value = fmt(spec.initial.asym);
    i.families.value = spec.initial.families ?? 'single';
    i.sampler.value = spec.sampler ?? 'btrs';
    i.name.value = spec.name ?? '';
    this.description = spec.description;
    this.syncVisibility();
    this.mark(null, null);
  }

  /** The JSON the form describes, and which control holds each JSON path. */
  read(): {
    raw: Record<string, unknown>;
    paths: Map<string, HTMLElement>;
    layoutError: { path: string; element: HTMLElement; problem: string } | undefined;
  } {
    const paths = new Map<string, HTMLElement>();
    const i = this.inputs;
    const kind = i.kind.value;
    const swept = kind === 'sweep' ? i.sweepParam.value : undefined;
    const params: Record<string, unknown> = {};
    const axes: unknown[] = [];
    let layoutError: { path: string; element: HTMLElement; problem: string } | undefined;
    const xs = this.rows.filter((r) => r.name !== swept && r.mode.value === 'x');
    const ys = this.rows.filter((r) => r.name !== swept && r.mode.value === 'y');
    if (xs.length > 1)
      layoutError = { path: `axes`, element: xs[1].mode, problem: `${xs[0].name} is already the x axis; pick one parameter per axis` };
    else if (ys.length > 1)
      layoutError = { path: `axes`, element: ys[1].mode, problem: `${ys[0].name} is already the y axis; pick one parameter per axis` };
    else if (ys.length && !xs.length)
      layoutError = { path: `axes`, element: ys[0].mode, problem: 'a y axis needs an x axis; make this the x axis or add one' };
    [...xs, ...ys].forEach((r, k) => {
      paths.set(`axes[${k}]`, r.mode);
      paths.set(`axes[${k}].param`, r.mode);
      axes.push({ param: r.name, values: r.grid.read(`axes[${k}].values`, paths) });
    });
    for (const r of this.rows) {
      paths.set(`params.${r.name}`, r.mode.value === 'fixed' && r.name !== swept ? r.value : r.mode);
      if (r.name === swept || r.mode.value !== 'fixed') continue;
      const v = parseNumber(r.value.value);
      if (v !== undefined) params[r.name] = v;
    }
    let protocol: Record<string, unknown> = { kind };
    paths.set('protocol', i.kind);
    paths.set('protocol.kind', i.kind);
    if (kind === 'sweep') {
      paths.set('protocol.param', i.sweepParam);
      paths.set('protocol.direction', i.direction);
      paths.set('protocol.stepsPerPoint', i.spp);
      protocol = {
        kind,
        param: swept,
        values: this.sweepGrid.read('protocol.values', paths),
        direction: i.direction.value,
        stepsPerPoint: parseList(i.spp.value),
      };
    } else if (kind === 'trace') {
      paths.set('protocol.every', i.every);
      protocol = { kind, every: parseNumber(i.every.value) };
    }
    for (const key of ['replicates', 'steps', 'window', 'seed'] as const) paths.set(key, i[key]);
    paths.set('initial', i.y0);
    paths.set('initial.y0', i.y0);
    paths.set('initial.asym', i.asym);
    paths.set('initial.families', i.families);
    paths.set('sampler', i.sampler);
    paths.set('name', i.name);
    const raw: Record<string, unknown> = {
      ...(i.name.value.trim() && { name: i.name.value.trim() }),
      ...(this.description !== undefined && { description: this.description }),
      params,
      axes,
      replicates: parseNumber(i.replicates.value),
      steps: parseNumber(i.steps.value),
      window: parseNumber(i.window.value),
      initial: { y0: parseNumber(i.y0.value), asym: parseNumber(i.asym.value), families: i.families.value },
      seed: parseNumber(i.seed.value),
      protocol,
      sampler: i.sampler.value,
    };
    return { raw, paths, layoutError };
  }

  /** Checks the form with parseSpec (and the engine's capacity); marks the field in error. */
  validate(): EditorStatus {
    const { raw, paths, layoutError } = this.read();
    if (layoutError) {
      const error = new InputError(layoutError.path, layoutError.problem);
      this.mark(layoutError.element, error);
      return { spec: null, raw, error };
    }
    try {
      const spec = parseSpec(raw);
      validateSpecFor(spec, this.maxRouters);
      this.mark(null, null);
      return { spec, raw, error: null };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      this.mark(this.controlFor(err.field, paths), err);
      return { spec: null, raw, error: err };
    }
  }

  /** The control of a JSON path, or of its nearest enclosing path. */
  private controlFor(path: string, paths: Map<string, HTMLElement>): HTMLElement | null {
    for (let p = path; p; p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '')) {
      const c = paths.get(p);
      if (c) return c;
      if (!/(\.[^.[\]]+|\[\d+\])$/.test(p)) break;
    }
    return null;
  }

  private mark(control: HTMLElement | null, error: InputError | null): void {
    if (this.marked) {
      this.marked.removeAttribute('aria-invalid');
      this.marked.removeAttribute('aria-errormessage');
      const line = this.errors.get(this.marked);
      if (line) {
        line.hidden = true;
        line.textContent = '';
      }
      this.marked = null;
    }
    this.general.hidden = true;
    if (!error) return;
    if (!control) {
      this.general.textContent = `${error.field}: ${error.problem}`;
      this.general.hidden = false;
      return;
    }
    const line = this.errors.get(control);
    control.setAttribute('aria-invalid', 'true');
    if (line) {
      line.textContent = `${error.field}: ${error.problem}`;
      line.hidden = false;
      control.setAttribute('aria-errormessage', line.id);
      control.setAttribute('aria-describedby', line.id);
    }
    this.marked = control;
  }

  private changed(): void {
    this.onChange(this.validate());
  }
}
