// The N-expert scan editor (MODEL.md sec. 5): every field of an ExpertScanSpec as a labelled
// form control (N, the model's parameters and the balancing, each fixed or an axis; the bias
// mode; the initial state; the protocol; the run length), read back into the CLI's JSON and
// checked by the same parseExpertSpec the CLI uses, so the same bad-input rules hold. As in
// the two-expert editor (editor.ts, with its building blocks editor-controls.ts), every field
// in error is marked with its own message beside it in words (field-words.ts): the form checks
// again with each bad field set back to its last valid value until no new problem shows.
// Switching the protocol fills in what a sweep needs (a parameter, values around T_c, steps
// per point of at least the window).

import { InputError } from '../../src/core/model.js';
import { EXPERT_PARAM_RANGES, EXPERT_PARAMS, parseExpertSpec, type ExpertParam, type ExpertScanSpec } from '../../src/experiments/experts/spec.js';
import { outOfRange } from '../../src/experiments/spec-schema.js';
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
  type ErrorLines,
} from './editor-controls.js';
import { BALANCING_ROWS, EXPERT_STAND_INS, HINTS, MODEL_ROWS, rephrase, SWEPT } from './expert-fields.js';
import { errorInWords } from './field-words.js';

export { defaultExpertSpec } from './expert-fields.js';

export interface ExpertEditorStatus {
  spec: ExpertScanSpec | null;
  /** the JSON the form describes (valid or not) */
  raw: unknown;
  /** the first problem (null when valid) */
  error: InputError | null;
  /** every problem found, each with the words shown beside its field */
  errors?: { error: InputError; message: string }[];
}

interface ParamRow {
  name: ExpertParam;
  mode: HTMLSelectElement;
  value: HTMLInputElement;
  fixed: HTMLElement;
  grid: GridControls;
  swept: HTMLElement;
}

type Paths = Map<string, HTMLElement>;

export class ExpertEditor {
  private readonly rows: ParamRow[];
  private readonly inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  private readonly errors: ErrorLines = new Map();
  private readonly sweepGrid: GridControls;
  private readonly sweepSection: HTMLElement;
  private readonly root: HTMLElement;
  /** the fields in error, and the line of the errors that name no control of the form */
  private readonly marks: ErrorMarks;
  private description: string | undefined;
  /** the last spec the form held that was valid (the stand-ins of the other checks) */
  private lastValid: ExpertScanSpec | null = null;
  private kind = 'relax';

  constructor(
    root: HTMLElement,
    private readonly onChange: (status: ExpertEditorStatus) => void,
  ) {
    this.root = root;
    const lines = this.errors;
    const row = (name: ExpertParam): ParamRow & { wrap: HTMLElement } => {
      const id = `ne-${name}`;
      const mode = select(
        `${id}-mode`,
        name,
        [
          ['fixed', 'fixed'],
          ['x', 'x axis'],
          ['y', 'y axis'],
        ],
        lines,
        'pname',
      );
      mode.wrap.querySelector('label')!.append(el('span', { class: 'hint', text: ` ${HINTS[name]}` }));
      const value = field(`${id}-value`, `${name} value`, lines, { inputmode: 'decimal' });
      value.wrap.querySelector('label')!.className = 'sr-only';
      const grid = new GridControls(id, `${name} axis`, lines);
      const swept = el('span', { class: 'note', text: 'swept by the protocol' });
      const wrap = el('div', { class: 'param-row', 'data-param': name }, mode.wrap, value.wrap, grid.wrap, swept);
      return { name, mode: mode.select, value: value.input, fixed: value.wrap, grid, swept, wrap };
    };

    // The model: N and the parameters, fixed or an axis; a per-expert drift b.
    const model = MODEL_ROWS.map(row);
    const drift = field('ne-b', 'Per-expert drift b (N values; empty: none)', lines, { placeholder: '0.1, 0, 0, 0' });
    const params = el(
      'fieldset',
      { class: 'group' },
      el('legend', { text: 'Parameters: fixed, or an axis of the scan' }),
      ...model.map((r) => r.wrap),
      el('div', { class: 'row-wrap' }, drift.wrap),
    );

    // The balancing: rho, the loss-free bias (mode and rate u), a capacity factor.
    const balancingRows = BALANCING_ROWS.map(row);
    const bias = select(
      'ne-bias',
      'Loss-free bias',
      [
        ['off', 'off'],
        ['linear', 'linear: β += ηu(1/N − l)'],
        ['sign', 'sign: β += ηu sign(1/N − l)'],
      ],
      lines,
    );
    const balancing = el(
      'fieldset',
      { class: 'group' },
      el('legend', { text: 'Balancing' }),
      el('div', { class: 'row-wrap' }, bias.wrap),
      ...balancingRows.map((r) => r.wrap),
    );
    this.rows = [...model, ...balancingRows];

    // The protocol.
    const kind = select(
      'ne-protocol-kind',
      'Protocol',
      [
        ['relax', 'relax: fixed cells'],
        ['sweep', 'sweep: step one parameter down and up'],
      ],
      lines,
    );
    const sweepParam = select(
      'ne-sweep-param',
      'Swept parameter',
      SWEPT.map((p) => [p, p]),
      lines,
    );
    this.sweepGrid = new GridControls('ne-sweep', 'sweep', lines);
    const direction = select(
      'ne-sweep-direction',
      'Direction',
      [
        ['down-up', 'down, then up'],
        ['up-down', 'up, then down'],
      ],
      lines,
    );
    const spp = field('ne-sweep-spp', 'Steps per point', lines, { inputmode: 'numeric' });
    this.sweepSection = el(
      'div',
      { class: 'sub-group' },
      sweepParam.wrap,
      el('div', { class: 'row-wrap' }, this.sweepGrid.wrap),
      direction.wrap,
      spp.wrap,
    );
    const protocol = el('fieldset', { class: 'group' }, el('legend', { text: 'Protocol' }), kind.wrap, this.sweepSection);

    // The initial state.
    const family = select(
      'ne-family',
      'Start',
      [
        ['balanced', 'balanced: r = 0'],
        ['winner', 'one winner: r₁ = gap'],
        ['both', 'both: a balanced and a winner family'],
      ],
      lines,
    );
    const gap = field('ne-winner-gap', 'Winner gap (empty: a_eff/γ)', lines, { inputmode: 'decimal' });
    const asym = field('ne-asym', 'Random initial asymmetry ±', lines, { inputmode: 'decimal' });
    const r0 = field('ne-r0', 'Initial scores r0 (N values; empty: from the start)', lines, { placeholder: '1, 0, 0, 0' });
    const initial = el(
      'fieldset',
      { class: 'group' },
      el('legend', { text: 'Initial state' }),
      el('div', { class: 'row-wrap' }, family.wrap, gap.wrap, asym.wrap, r0.wrap),
    );

    // Run length, replicates, seed, name.
    const runFields = [
      field('ne-replicates', 'Replicates per cell', lines, { inputmode: 'numeric' }),
      field('ne-steps', 'Steps', lines, { inputmode: 'numeric' }),
      field('ne-window', 'Window (last steps averaged)', lines, { inputmode: 'numeric' }),
      field('ne-seed', 'Seed', lines, { inputmode: 'numeric' }),
      field('ne-name', 'Name', lines),
    ];
    const run = el('fieldset', { class: 'group' }, el('legend', { text: 'Run' }), el('div', { class: 'row-wrap' }, ...runFields.map((f) => f.wrap)));
    const general = el('p', { id: 'ne-editor-error', class: 'field-error', hidden: '', role: 'alert' });
    this.marks = new ErrorMarks(lines, general);

    Object.assign(this.inputs, {
      b: drift.input,
      bias: bias.select,
      kind: kind.select,
      sweepParam: sweepParam.select,
      direction: direction.select,
      spp: spp.input,
      family: family.select,
      gap: gap.input,
      asym: asym.input,
      r0: r0.input,
      replicates: runFields[0].input,
      steps: runFields[1].input,
      window: runFields[2].input,
      seed: runFields[3].input,
      name: runFields[4].input,
    });

    root.replaceChildren(params, balancing, protocol, initial, run, general);
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

  /** The first control (focus after Edit this preset). */
  focus(): void {
    this.root.querySelector<HTMLElement>('select, input')?.focus();
  }

  private syncVisibility(): void {
    const kind = this.inputs.kind.value;
    this.sweepSection.hidden = kind !== 'sweep';
    for (const r of this.rows) {
      const swept = kind === 'sweep' && this.inputs.sweepParam.value === r.name;
      r.mode.disabled = swept;
      r.fixed.hidden = swept || r.mode.value !== 'fixed';
      r.grid.wrap.hidden = swept || r.mode.value === 'fixed';
      r.swept.hidden = !swept;
    }
  }

  private row(name: ExpertParam): ParamRow {
    return this.rows.find((r) => r.name === name)!;
  }

  /**
   * The protocol was switched: fill in what the new one needs. A sweep: a parameter not on an
   * axis (T first) and, unless set up before, 11 values around its current one (T: from T_c/2
   * to 3 T_c/2, T_c = (a − ρ)/(Nγ)), steps per point of at least the window. A relax: a window
   * of a tenth of the steps when none is given.
   */
  private protocolDefaults(): void {
    const i = this.inputs;
    const kind = i.kind.value;
    if (kind === this.kind) return;
    this.kind = kind;
    const num = (name: ExpertParam) => Number(this.row(name).value.value);
    const steps = Number(i.steps.value);
    const window = Number(i.window.value);
    if (kind === 'sweep') {
      const onAxis = new Set(this.rows.filter((r) => r.mode.value !== 'fixed').map((r) => r.name));
      const kept = !this.sweepGrid.empty && !onAxis.has(i.sweepParam.value as ExpertParam);
      const param = kept ? (i.sweepParam.value as ExpertParam) : (SWEPT.find((p) => !onAxis.has(p)) ?? 'T');
      i.sweepParam.value = param;
      if (!kept) {
        const v = num(param);
        const tc = (num('a') - num('rho')) / (num('N') * num('gamma'));
        const around: Partial<Record<ExpertParam, [number, number]>> = {
          T: Number.isFinite(tc) && tc > 0 ? [tc / 2, (3 * tc) / 2] : [(v || 1) / 2, 2 * (v || 1)],
          a: [Math.max(0, (v || 3) - 2), (v || 3) + 2],
          rho: [0, Math.max(1, 2 * v || 0)],
          u: [0, Math.max(1, 2 * v || 0)],
          cf: [1, 2],
        };
        const [from, to] = around[param] ?? [(v || 1) / 2, 1.5 * (v || 1)];
        this.sweepGrid.set({ linspace: { from: Number(from.toPrecision(6)), to: Number(to.toPrecision(6)), count: 11 } });
      }
      if (i.spp.value.trim() === '') i.spp.value = String(Math.max(Number.isInteger(window) && window > 0 ? window : 0, 200));
    } else if (i.window.value.trim() === '' && Number.isInteger(steps) && steps > 0) {
      i.window.value = String(Math.max(1, Math.round(steps / 10)));
    }
  }

  /**
   * Fills the form from what it can of an N-expert spec's JSON that does not parse (a link or
   * a paste with a bad value), so validate() marks its fields; false when it is not shaped
   * like one.
   */
  loadRaw(raw: Record<string, unknown>): boolean {
    const obj = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
    const known = ['model', 'name', 'description', 'seed', 'params', 'b', 'bias', 'axes', 'replicates', 'steps', 'window', 'initial', 'protocol'];
    if (raw.model !== 'experts' || Object.keys(raw).some((k) => !known.includes(k))) return false;
    if ((raw.params !== undefined && !obj(raw.params)) || (raw.initial !== undefined && !obj(raw.initial))) return false;
    const protocol = obj(raw.protocol) ?? { kind: 'relax' };
    const axes = Array.isArray(raw.axes) ? raw.axes.map(obj) : [];
    if (axes.some((a) => !a || !obj(a.values) || !(EXPERT_PARAMS as readonly unknown[]).includes(a.param))) return false;
    if (!['relax', 'sweep'].includes(String(protocol.kind)) || (protocol.kind === 'sweep' && !obj(protocol.values))) return false;
    const spec = {
      params: {},
      bias: 'off',
      seed: 1,
      ...raw,
      initial: { family: 'balanced', asym: 0, ...obj(raw.initial) },
      axes,
      protocol,
    } as unknown as ExpertScanSpec;
    try {
      this.load(spec, false);
    } catch {
      return false;
    }
    return true;
  }

  /** Fills the form from a complete spec (parseExpertSpec's output); `valid`: it is one (the stand-ins of later checks). */
  load(spec: ExpertScanSpec, valid = true): void {
    const i = this.inputs;
    const p = spec.protocol;
    i.kind.value = p.kind;
    this.kind = p.kind;
    for (const r of this.rows) {
      const axis = spec.axes.findIndex((a) => a.param === r.name);
      r.mode.value = axis === 0 ? 'x' : axis === 1 ? 'y' : 'fixed';
      r.value.value = fmt(spec.params[r.name]);
      if (axis >= 0) r.grid.set(spec.axes[axis].values);
    }
    const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : '');
    i.b.value = list(spec.b);
    i.bias.value = spec.bias ?? 'off';
    if (p.kind === 'sweep') {
      i.sweepParam.value = p.param;
      this.sweepGrid.set(p.values);
      i.direction.value = p.direction;
      i.spp.value = fmt(p.stepsPerPoint);
    }
    i.family.value = spec.initial.family ?? 'balanced';
    i.gap.value = fmt(spec.initial.winnerGap);
    i.asym.value = fmt(spec.initial.asym);
    i.r0.value = list(spec.initial.r0);
    i.replicates.value = fmt(spec.replicates);
    i.steps.value = fmt(spec.steps);
    i.window.value = fmt(spec.window);
    i.seed.value = fmt(spec.seed);
    i.name.value = spec.name ?? '';
    this.description = spec.description;
    if (valid) this.lastValid = spec;
    this.syncVisibility();
    this.marks.mark([]);
  }

  /** The JSON the form describes, and which control holds each JSON path. */
  read(): { raw: Record<string, unknown>; paths: Paths; layoutError: { element: HTMLElement; problem: string } | undefined } {
    const paths: Paths = new Map();
    const i = this.inputs;
    const kind = i.kind.value;
    const swept = kind === 'sweep' ? i.sweepParam.value : undefined;
    const { axes: onAxes, layoutError } = axisRows(this.rows, swept);
    const axes = onAxes.map((r, k) => {
      paths.set(`axes[${k}]`, r.mode);
      paths.set(`axes[${k}].param`, r.mode);
      return { param: r.name, values: r.grid.read(`axes[${k}].values`, paths) };
    });
    const params: Record<string, unknown> = {};
    for (const r of this.rows) {
      const fixed = r.mode.value === 'fixed' && r.name !== swept;
      paths.set(`params.${r.name}`, fixed ? r.value : r.mode);
      const v = parseNumber(r.value.value);
      // On an axis or swept, a valid hidden value is kept (a loaded spec reads back the same).
      if (v !== undefined && (fixed || (typeof v === 'number' && !outOfRange(EXPERT_PARAM_RANGES[r.name], v)))) params[r.name] = v;
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
        stepsPerPoint: parseNumber(i.spp.value),
      };
    }
    const b = parseList(i.b.value);
    const r0 = parseList(i.r0.value);
    const gap = parseNumber(i.gap.value);
    for (const key of ['replicates', 'steps', 'window', 'seed', 'name', 'bias', 'b'] as const) paths.set(key, i[key]);
    paths.set('initial', i.family);
    paths.set('initial.family', i.family);
    paths.set('initial.winnerGap', i.gap);
    paths.set('initial.asym', i.asym);
    paths.set('initial.r0', i.r0);
    const raw: Record<string, unknown> = {
      model: 'experts',
      ...(i.name.value.trim() && { name: i.name.value.trim() }),
      ...(this.description !== undefined && { description: this.description }),
      seed: parseNumber(i.seed.value),
      params,
      ...((typeof b === 'string' || b.length > 0) && { b }),
      bias: i.bias.value,
      axes,
      replicates: parseNumber(i.replicates.value),
      steps: parseNumber(i.steps.value),
      window: parseNumber(i.window.value),
      initial: {
        family: i.family.value,
        ...(gap !== undefined && { winnerGap: gap }),
        ...((typeof r0 === 'string' || r0.length > 0) && { r0 }),
        asym: parseNumber(i.asym.value),
      },
      protocol,
    };
    return { raw, paths, layoutError };
  }

  /** Sets a field in error back to its last valid value, or a stand-in (a vector: left out); false when neither is there. */
  private standIn(attempt: Record<string, unknown>, keys: (string | number)[]): boolean {
    if (keys[0] === 'b') return delete attempt.b;
    if (keys[0] === 'initial' && keys[1] === 'r0') return delete (attempt.initial as Record<string, unknown>).r0;
    if (keys[0] === 'initial' && keys[1] === 'winnerGap' && this.lastValid?.initial.winnerGap === undefined)
      return delete (attempt.initial as Record<string, unknown>).winnerGap;
    const last = getAt(this.lastValid, keys);
    const standIn = last !== undefined ? last : EXPERT_STAND_INS[String(keys[keys.length - 1])];
    return standIn !== undefined && setAt(attempt, keys, standIn);
  }

  /**
   * Checks the form with parseExpertSpec and marks every field in error: after a problem, the
   * field it names is set to its last valid value (or a stand-in) and the spec checked again,
   * until it passes or a problem repeats (checkRepeatedly).
   */
  validate(): ExpertEditorStatus {
    const { raw, paths, layoutError } = this.read();
    const axisParams = (raw.axes as { param: string }[]).map((a) => a.param);
    const errors: { control: HTMLElement | null; error: InputError }[] = [];
    if (layoutError) errors.push({ control: layoutError.element, error: new InputError('axes', layoutError.problem) });
    else {
      const checked = checkRepeatedly(raw, parseExpertSpec, (attempt, keys) => this.standIn(attempt, keys), rephrase);
      if ('spec' in checked) {
        this.lastValid = checked.spec;
        this.marks.mark([]);
        return { spec: checked.spec, raw, error: null, errors: [] };
      }
      for (const error of checked.errors) errors.push({ control: controlFor(error.field, paths), error });
    }
    const found = errors.map((e) => ({ ...e, message: errorInWords(e.error, axisParams) }));
    this.marks.mark(found);
    return { spec: null, raw, error: found[0].error, errors: found.map(({ error, message }) => ({ error, message })) };
  }

  private changed(): void {
    this.onChange(this.validate());
  }
}
