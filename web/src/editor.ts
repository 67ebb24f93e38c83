// The scan editor: every field of a ScanSpec as a labelled form control, read back into the
// CLI's JSON and checked by the same parseSpec the CLI uses, so the same bad-input rules
// hold. Every field in error is marked (aria-invalid) with its own message beside it, in
// words (field-words.ts): parseSpec reports one problem at a time, so the form checks again
// with each bad field set back to its last valid value until no new problem shows, and the
// page keeps Run disabled until the spec is valid. Switching the protocol fills in what the
// new one needs (a swept parameter and its values, steps per point, a trace interval).

import { InputError } from '../../src/core/model.js';
import { parseSpec, validateSpecFor } from '../../src/experiments/spec.js';
import { PARAM_NAMES, type ParamName, type ScanSpec } from '../../src/experiments/types.js';
import {
  axisRows,
  checkRepeatedly,
  controlFor,
  el,
  ErrorMarks,
  field,
  fmt,
  getAt,
  GridControls,
  parseList,
  parseNumber,
  select,
  setAt,
  STAND_INS,
  type ErrorLines,
} from './editor-controls.js';
import { errorInWords } from './field-words.js';

const PARAM_HINTS: Record<ParamName, string> = {
  a: 'reinforcement',
  T: 'temperature',
  gamma: 'forgetting',
  h: 'skew b1 - b2',
  rho: 'negative feedback',
  B: 'tokens per step',
  eta: 'step size',
};

export interface EditorStatus {
  spec: ScanSpec | null;
  /** the JSON the form describes (valid or not) */
  raw: unknown;
  /** the first problem (null when valid) */
  error: InputError | null;
  /** every problem found, each with the words shown beside its field */
  errors?: { error: InputError; message: string }[];
}

interface ParamRow {
  name: ParamName;
  row: HTMLElement;
  mode: HTMLSelectElement;
  value: HTMLInputElement;
  fixed: HTMLElement;
  grid: GridControls;
  swept: HTMLElement;
}

export class ScanEditor {
  private readonly rows: ParamRow[];
  private readonly inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  /** every control and the error line beside it */
  private readonly errors: ErrorLines = new Map();
  private readonly sweepGrid: GridControls;
  private readonly sections: Record<'sweep' | 'trace', HTMLElement>;
  private readonly root: HTMLElement;
  private description: string | undefined;
  /** the fields in error, and the line of the errors that name no control of the form */
  private readonly marks: ErrorMarks;
  /** the last spec the form held that was valid (the stand-ins of the other checks) */
  private lastValid: ScanSpec | null = null;
  private kind = 'relax';
  /** the engine's capacity: one grid cell's routers must fit a session */
  maxRouters = Infinity;

  constructor(
    root: HTMLElement,
    private readonly onChange: (status: EditorStatus) => void,
  ) {
    this.root = root;
    const lines = this.errors;

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
        lines,
        'pname',
      );
      mode.wrap.querySelector('label')!.append(el('span', { class: 'hint', text: ` ${PARAM_HINTS[name]}` }));
      const value = field(`${id}-value`, `${name} value`, lines, { inputmode: 'decimal' });
      value.wrap.querySelector('label')!.className = 'sr-only';
      const grid = new GridControls(id, `${name} axis`, lines);
      const swept = el('span', { class: 'note', text: 'swept by the protocol' });
      const row = el('div', { class: 'param-row', 'data-param': name }, mode.wrap, value.wrap, grid.wrap, swept);
      params.append(row);
      return { name, row, mode: mode.select, value: value.input, fixed: value.wrap, grid, swept };
    });

    // Protocol.
    const kind = select(
      'protocol-kind',
      'Protocol',
      [
        ['relax', 'relax: fixed cells'],
        ['sweep', 'sweep: step one parameter through a grid'],
        ['trace', 'trace: time series'],
      ],
      lines,
    );
    const sweepParam = select(
      'sweep-param',
      'Swept parameter',
      PARAM_NAMES.map((p) => [p, p]),
      lines,
    );
    this.sweepGrid = new GridControls('sweep', 'sweep', lines);
    const direction = select(
      'sweep-direction',
      'Direction',
      [
        ['up-down', 'up, then down'],
        ['down-up', 'down, then up'],
        ['up', 'up'],
        ['down', 'down'],
      ],
      lines,
    );
    const spp = field('sweep-spp', 'Steps per point (one per speed)', lines, { placeholder: '100, 200' });
    const every = field('trace-every', 'Record every (steps)', lines, { inputmode: 'numeric' });
    this.sections = {
      sweep: el('div', { class: 'sub-group' }, sweepParam.wrap, el('div', { class: 'row-wrap' }, this.sweepGrid.wrap), direction.wrap, spp.wrap),
      trace: el('div', { class: 'sub-group' }, every.wrap),
    };
    const protocol = el('fieldset', { class: 'group' }, el('legend', { text: 'Protocol' }), kind.wrap, this.sections.sweep, this.sections.trace);

    // Run length, replicates, initial state, seed.
    const runFields = [
      field('replicates', 'Replicates per cell', lines, { inputmode: 'numeric' }),
      field('steps', 'Steps', lines, { inputmode: 'numeric' }),
      field('window', 'Window (last steps averaged)', lines, { inputmode: 'numeric' }),
      field('seed', 'Seed', lines, { inputmode: 'numeric' }),
      field('y0', 'Initial y0', lines, { inputmode: 'decimal' }),
      field('asym', 'Random initial asymmetry ±', lines, { inputmode: 'decimal' }),
    ];
    const families = select(
      'families',
      'Start',
      [
        ['single', 'one family at +y0'],
        ['opposite', 'two families at ±y0'],
      ],
      lines,
    );
    const sampler = select(
      'sampler',
      'Sampler',
      [
        ['btrs', 'exact O(1) binomial'],
        ['tokens', 'token by token (slow reference)'],
      ],
      lines,
    );
    const name = field('spec-name', 'Name', lines);
    const run = el(
      'fieldset',
      { class: 'group' },
      el('legend', { text: 'Run' }),
      el('div', { class: 'row-wrap' }, ...runFields.map((f) => f.wrap), families.wrap, sampler.wrap, name.wrap),
    );
    const general = el('p', { id: 'editor-error', class: 'field-error', hidden: '', role: 'alert' });
    this.marks = new ErrorMarks(lines, general);

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

    root.replaceChildren(params, protocol, run, general);
    root.addEventListener('input', () => this.changed());
    root.addEventListener('change', (ev) => {
      if (ev.target === this.inputs.kind) this.protocolDefaults();
      this.syncVisibility();
      this.changed();
    });
    this.syncVisibility();
  }

  /** Locks the form (a run is going) or unlocks it. */
  lock(locked: boolean): void {
    for (const f of this.root.querySelectorAll('fieldset')) f.disabled = locked;
    if (!locked) this.syncVisibility();
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

  /**
   * The protocol was switched: fill in what the new one needs and the form lacks. A sweep: a
   * parameter not on an axis (h first), values around its current one, steps per point of at
   * least the window, one family. A trace: about 50 intervals. A relax: a window of a tenth.
   */
  private protocolDefaults(): void {
    const i = this.inputs;
    const kind = i.kind.value;
    if (kind === this.kind) return;
    this.kind = kind;
    const steps = Number(i.steps.value);
    const window = Number(i.window.value);
    if (kind === 'sweep') {
      const onAxis = new Set(this.rows.filter((r) => r.mode.value !== 'fixed').map((r) => r.name));
      // A sweep set up before (its values given) keeps its parameter; else h, or the first free one.
      const kept = !this.sweepGrid.empty && !onAxis.has(i.sweepParam.value as ParamName);
      const param = kept ? (i.sweepParam.value as ParamName) : ((['h', 'a', 'T', 'gamma', 'rho', 'eta'] as const).find((p) => !onAxis.has(p)) ?? 'h');
      i.sweepParam.value = param;
      if (!kept) {
        const v = Number(this.rows.find((r) => r.name === param)!.value.value);
        const around: Record<string, [number, number]> = {
          h: [-0.5, 0.5],
          a: [Math.max(0, (v || 3) - 1), (v || 3) + 1],
          T: [(v || 1) / 2, 2 * (v || 1)],
          rho: [0, 1],
        };
        const [from, to] = around[param] ?? [(v || 1) / 2, 1.5 * (v || 1)];
        this.sweepGrid.set({ linspace: { from, to, count: 11 } });
      }
      if (parseList(i.spp.value).length === 0) i.spp.value = String(Math.max(Number.isInteger(window) && window > 0 ? window : 0, 200));
      if (i.families.value === 'opposite') i.families.value = 'single';
    } else if (kind === 'trace') {
      if (i.every.value.trim() === '') i.every.value = String(Math.max(1, Math.round((Number.isInteger(steps) && steps > 0 ? steps : 1000) / 50)));
    } else if (i.window.value.trim() === '' && Number.isInteger(steps) && steps > 0) {
      i.window.value = String(Math.max(1, Math.round(steps / 10)));
    }
  }

  /**
   * Fills the form from what it can of a spec's JSON that does not parse (a link or a paste
   * with a bad value), so validate() marks its fields; false when it is not shaped like a spec.
   */
  loadRaw(raw: Record<string, unknown>): boolean {
    const obj = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
    const known = ['name', 'description', 'params', 'axes', 'replicates', 'steps', 'window', 'initial', 'seed', 'protocol', 'sampler'];
    if (Object.keys(raw).some((k) => !known.includes(k)) || (raw.params !== undefined && !obj(raw.params))) return false;
    const protocol = obj(raw.protocol) ?? { kind: 'relax' };
    const axes = Array.isArray(raw.axes) ? raw.axes.map(obj) : [];
    if (axes.some((a) => !a || !obj(a.values)) || !['relax', 'sweep', 'trace'].includes(String(protocol.kind))) return false;
    if (protocol.kind === 'sweep' && (!obj(protocol.values) || !Array.isArray(protocol.stepsPerPoint))) return false;
    const spec = {
      params: {},
      initial: { y0: 0, asym: 0, families: 'single' },
      seed: 1,
      sampler: 'btrs',
      ...raw,
      axes,
      protocol,
    } as unknown as ScanSpec;
    try {
      this.load(spec, false);
    } catch {
      return false;
    }
    return true;
  }

  /** Fills the form from a complete spec (parseSpec's output); `valid`: it is one (the stand-ins of later checks). */
  load(spec: ScanSpec, valid = true): void {
    const p = spec.protocol;
    this.inputs.kind.value = p.kind;
    this.kind = p.kind;
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
    if (valid) this.lastValid = spec;
    this.syncVisibility();
    this.marks.mark([]);
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
    const layout = axisRows(this.rows, swept);
    const layoutError = layout.layoutError && { path: 'axes', ...layout.layoutError };
    const axes = layout.axes.map((r, k) => {
      paths.set(`axes[${k}]`, r.mode);
      paths.set(`axes[${k}].param`, r.mode);
      return { param: r.name, values: r.grid.read(`axes[${k}].values`, paths) };
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

  /** The parameters on the axes, in order (for the fields' names in messages). */
  private axisParams(raw: Record<string, unknown>): string[] {
    return (raw.axes as { param: string }[]).map((a) => a.param);
  }

  /**
   * Checks the form with parseSpec (and the engine's capacity) and marks every field in error:
   * after a problem, the field it names is set to its last valid value (or a stand-in) and the
   * spec checked again, until it passes or a problem repeats (checkRepeatedly).
   */
  validate(): EditorStatus {
    const { raw, paths, layoutError } = this.read();
    const axisParams = this.axisParams(raw);
    const found: { control: HTMLElement | null; error: InputError; message: string }[] = [];
    const add = (control: HTMLElement | null, error: InputError) => found.push({ control, error, message: errorInWords(error, axisParams) });
    if (layoutError) {
      add(layoutError.element, new InputError(layoutError.path, layoutError.problem));
    } else {
      const checked = checkRepeatedly(
        raw,
        (json) => {
          const spec = parseSpec(json);
          validateSpecFor(spec, this.maxRouters);
          return spec;
        },
        (attempt, keys) => {
          const last = getAt(this.lastValid, keys);
          const standIn = last !== undefined ? last : STAND_INS[String(keys[keys.length - 1])];
          return standIn !== undefined && setAt(attempt, keys, standIn);
        },
      );
      if ('spec' in checked) {
        this.lastValid = checked.spec;
        this.marks.mark([]);
        return { spec: checked.spec, raw, error: null, errors: [] };
      }
      for (const err of checked.errors) add(controlFor(err.field, paths), err);
    }
    this.marks.mark(found);
    return { spec: null, raw, error: found[0].error, errors: found.map(({ error, message }) => ({ error, message })) };
  }

  private changed(): void {
    this.onChange(this.validate());
  }
}
