// What the two scan editors share (editor.ts, the two-expert form; expert-editor.ts, the
// N-expert one): a SpecForm holds the parameter rows (each fixed, the x or the y axis, or
// swept by the protocol), the protocol select with a section per protocol, the sweep's
// controls (swept parameter, grid, direction, steps per point), the run's length and seed,
// and the general error line. It locks, shows what the protocol and each row's mode need,
// fills in a sweep's or a relax's defaults when the protocol is switched, loads a spec (or what
// it can of one that does not parse), reads the form back into the spec's JSON with the
// control of each JSON path, and checks it with the CLI's parser, marking every field in error
// (checkRepeatedly, ErrorMarks). Each editor adds its own fields, parser, stand-ins and
// protocol defaults, and maps its spec's other fields to its controls and back.

import { InputError } from '../../src/core/model.js';
import type { ValueGrid } from '../../src/experiments/types.js';
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
import { errorInWords } from './field-words.js';

export interface FormStatus<S> {
  spec: S | null;
  /** the JSON the form describes (valid or not) */
  raw: unknown;
  /** the first problem (null when valid) */
  error: InputError | null;
  /** every problem found, each with the words shown beside its field */
  errors?: { error: InputError; message: string }[];
}

export interface ParamRow<P extends string> {
  name: P;
  wrap: HTMLElement;
  mode: HTMLSelectElement;
  value: HTMLInputElement;
  fixed: HTMLElement;
  grid: GridControls;
  swept: HTMLElement;
}

/** What both editors' specs have: the fixed parameters, the axes, a protocol, the run's length, a name. */
interface FormSpec<P extends string> {
  name?: string;
  description?: string;
  params: Partial<Record<P, number>>;
  axes: readonly { param: P; values: ValueGrid }[];
  protocol: { kind: string };
  replicates: number;
  steps: number;
  window: number;
  seed: number;
}

interface SweepOf<P extends string> {
  param: P;
  values: ValueGrid;
  direction: string;
  stepsPerPoint: unknown;
}

export interface FormConfig<P extends string> {
  /** the keys a spec's JSON may have at the top (loadRaw refuses others) */
  keys: readonly string[];
  /** valid stand-ins of the leaves the last valid spec lacks (the form's other checks go on) */
  standIns: Record<string, unknown>;
  /** what a switch to a sweep picks (the first not on an axis; the first of all when none is free) */
  sweepOrder: readonly P[];
  /** a sweep's steps per point: a list (one per speed) or one number */
  stepsPerPoint: 'list' | 'one';
}

export type Paths = Map<string, HTMLElement>;

/** The parts of the JSON the form reads itself; the editor puts them in its spec's JSON. */
export interface ReadParts {
  params: Record<string, unknown>;
  axes: { param: string; values: unknown }[];
  protocol: Record<string, unknown>;
}

/** An object (not null, not an array), or null. */
export const obj = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

export abstract class SpecForm<S extends FormSpec<P>, P extends string> {
  /** every control and the error line beside it */
  protected readonly lines: ErrorLines = new Map();
  protected readonly inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  protected rows: ParamRow<P>[] = [];
  /** each protocol's own controls, shown while it is the one chosen */
  protected readonly sections: Record<string, HTMLElement> = {};
  protected sweepGrid!: GridControls;
  /** the fields in error, and the line of the errors that name no control of the form */
  private marks!: ErrorMarks;
  protected description: string | undefined;
  /** the last spec the form held that was valid (the stand-ins of the other checks) */
  protected lastValid: S | null = null;
  private kind = 'relax';

  constructor(
    protected readonly root: HTMLElement,
    private readonly onChange: (status: FormStatus<S>) => void,
    private readonly config: FormConfig<P>,
  ) {}

  /** The CLI's parser of the spec (and any other check of the engine). */
  protected abstract parse(json: unknown): S;
  /** The ends of the 11 values a new sweep of `param` takes, `value` its current one. */
  protected abstract sweepAround(param: P, value: number): [number, number];
  /** Fills the editor's own controls from a spec. */
  protected abstract fill(spec: S): void;
  /** The spec's JSON from the parts the form read, with the editor's own fields (and their paths). */
  protected abstract compose(parts: ReadParts, paths: Paths): Record<string, unknown>;
  /** A spec's JSON that does not parse, with defaults, for loadRaw; null when it is not shaped like one. */
  protected abstract shaped(raw: Record<string, unknown>, axes: Record<string, unknown>[], protocol: Record<string, unknown>): S | null;

  /** The JSON of a protocol other than relax and sweep (its own fields, and their paths). */
  protected protocolFields(_kind: string, _paths: Paths): Record<string, unknown> {
    return {};
  }

  /** Defaults of the editor's own fields when the protocol is switched to `kind`. */
  protected kindDefaults(_kind: string, _steps: number): void {}

  /** Whether the valid value of a row on an axis or swept is kept in `params` (a loaded spec reads back the same). */
  protected keepsHidden(_name: P, _value: number | string): boolean {
    return false;
  }

  /** Sets a field in error back to its last valid value, or a stand-in; false when neither is there. */
  protected standIn(attempt: Record<string, unknown>, keys: (string | number)[]): boolean {
    const last = getAt(this.lastValid, keys);
    const standIn = last !== undefined ? last : this.config.standIns[String(keys[keys.length - 1])];
    return standIn !== undefined && setAt(attempt, keys, standIn);
  }

  /** A problem of the parser as the form shows it. */
  protected rephrase(err: InputError, _attempt: Record<string, unknown>): InputError {
    return err;
  }

  /** A parameter's row: its mode (fixed, x axis, y axis), its value, its axis grid, and the note shown while it is swept. */
  protected paramRow(id: string, name: P, hint: string): ParamRow<P> {
    const lines = this.lines;
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
    mode.wrap.querySelector('label')!.append(el('span', { class: 'hint', text: ` ${hint}` }));
    const value = field(`${id}-value`, `${name} value`, lines, { inputmode: 'decimal' });
    value.wrap.querySelector('label')!.className = 'sr-only';
    const grid = new GridControls(id, `${name} axis`, lines);
    const swept = el('span', { class: 'note', text: 'swept by the protocol' });
    const wrap = el('div', { class: 'param-row', 'data-param': name }, mode.wrap, value.wrap, grid.wrap, swept);
    return { name, wrap, mode: mode.select, value: value.input, fixed: value.wrap, grid, swept };
  }

  /** The sweep's section (ids `${prefix}sweep-…`): the swept parameter, its grid, the direction, steps per point. */
  protected sweepSection(
    prefix: string,
    params: readonly P[],
    directions: [string, string][],
    spp: { label: string; attrs: Record<string, string> },
  ): HTMLElement {
    const lines = this.lines;
    const sweepParam = select(
      `${prefix}sweep-param`,
      'Swept parameter',
      params.map((p) => [p, p]),
      lines,
    );
    this.sweepGrid = new GridControls(`${prefix}sweep`, 'sweep', lines);
    const direction = select(`${prefix}sweep-direction`, 'Direction', directions, lines);
    const steps = field(`${prefix}sweep-spp`, spp.label, lines, spp.attrs);
    Object.assign(this.inputs, { sweepParam: sweepParam.select, direction: direction.select, spp: steps.input });
    this.sections.sweep = el(
      'div',
      { class: 'sub-group' },
      sweepParam.wrap,
      el('div', { class: 'row-wrap' }, this.sweepGrid.wrap),
      direction.wrap,
      steps.wrap,
    );
    return this.sections.sweep;
  }

  /** The protocol's fieldset: the select (id `${prefix}protocol-kind`) and each protocol's section. */
  protected protocolFieldset(prefix: string, kinds: [string, string][], ...sections: HTMLElement[]): HTMLElement {
    const kind = select(`${prefix}protocol-kind`, 'Protocol', kinds, this.lines);
    this.inputs.kind = kind.select;
    return el('fieldset', { class: 'group' }, el('legend', { text: 'Protocol' }), kind.wrap, ...sections);
  }

  /** The run's replicates, steps, window and seed (ids `${prefix}replicates`, …). */
  protected runFields(prefix: string): HTMLElement[] {
    const lines = this.lines;
    const fields = {
      replicates: field(`${prefix}replicates`, 'Replicates per cell', lines, { inputmode: 'numeric' }),
      steps: field(`${prefix}steps`, 'Steps', lines, { inputmode: 'numeric' }),
      window: field(`${prefix}window`, 'Window (last steps averaged)', lines, { inputmode: 'numeric' }),
      seed: field(`${prefix}seed`, 'Seed', lines, { inputmode: 'numeric' }),
    };
    for (const [key, f] of Object.entries(fields)) this.inputs[key] = f.input;
    return Object.values(fields).map((f) => f.wrap);
  }

  /** Puts the fieldsets and the general error line (id `generalId`) in the form and listens to it. */
  protected mount(generalId: string, ...fieldsets: HTMLElement[]): void {
    const general = el('p', { id: generalId, class: 'field-error', hidden: '', role: 'alert' });
    this.marks = new ErrorMarks(this.lines, general);
    this.root.replaceChildren(...fieldsets, general);
    this.root.addEventListener('input', () => this.changed());
    this.root.addEventListener('change', (ev) => {
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
    for (const [k, section] of Object.entries(this.sections)) section.hidden = kind !== k;
    for (const r of this.rows) {
      const swept = kind === 'sweep' && this.inputs.sweepParam.value === r.name;
      r.mode.disabled = swept;
      r.fixed.hidden = swept || r.mode.value !== 'fixed';
      r.grid.wrap.hidden = swept || r.mode.value === 'fixed';
      r.swept.hidden = !swept;
    }
  }

  protected row(name: P): ParamRow<P> {
    return this.rows.find((r) => r.name === name)!;
  }

  /**
   * The protocol was switched: fill in what the new one needs and the form lacks. A sweep: a
   * parameter not on an axis (the first of the editor's order) unless one was set up before
   * (its values given), 11 values around its current one (sweepAround), steps per point of at
   * least the window. A relax: a window of a tenth of the steps when none is given. Then the
   * editor's own defaults (kindDefaults).
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
      const order = this.config.sweepOrder;
      const kept = !this.sweepGrid.empty && !onAxis.has(i.sweepParam.value as P);
      const param = kept ? (i.sweepParam.value as P) : (order.find((p) => !onAxis.has(p)) ?? order[0]);
      i.sweepParam.value = param;
      if (!kept) {
        const [from, to] = this.sweepAround(param, Number(this.row(param).value.value));
        this.sweepGrid.set({ linspace: { from, to, count: 11 } });
      }
      const noSpp = this.config.stepsPerPoint === 'list' ? parseList(i.spp.value).length === 0 : i.spp.value.trim() === '';
      if (noSpp) i.spp.value = String(Math.max(Number.isInteger(window) && window > 0 ? window : 0, 200));
    } else if (kind === 'relax' && i.window.value.trim() === '' && Number.isInteger(steps) && steps > 0) {
      i.window.value = String(Math.max(1, Math.round(steps / 10)));
    }
    this.kindDefaults(kind, steps);
  }

  /**
   * Fills the form from what it can of a spec's JSON that does not parse (a link or a paste
   * with a bad value), so validate() marks its fields; false when it is not shaped like a spec.
   */
  loadRaw(raw: Record<string, unknown>): boolean {
    const keys = this.config.keys;
    if (Object.keys(raw).some((k) => !keys.includes(k)) || (raw.params !== undefined && !obj(raw.params))) return false;
    const protocol = obj(raw.protocol) ?? { kind: 'relax' };
    const axes = Array.isArray(raw.axes) ? raw.axes.map(obj) : [];
    const kinds = [...(this.inputs.kind as HTMLSelectElement).options].map((o) => o.value);
    if (axes.some((a) => !a || !obj(a.values)) || !kinds.includes(String(protocol.kind))) return false;
    if (protocol.kind === 'sweep' && !obj(protocol.values)) return false;
    const spec = this.shaped(raw, axes as Record<string, unknown>[], protocol);
    if (!spec) return false;
    try {
      this.load(spec, false);
    } catch {
      return false;
    }
    return true;
  }

  /** Fills the form from a complete spec (the parser's output); `valid`: it is one (the stand-ins of later checks). */
  load(spec: S, valid = true): void {
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
    if (p.kind === 'sweep') {
      const sweep = p as unknown as SweepOf<P>;
      i.sweepParam.value = sweep.param;
      this.sweepGrid.set(sweep.values);
      i.direction.value = sweep.direction;
      i.spp.value = this.config.stepsPerPoint === 'list' ? (sweep.stepsPerPoint as number[]).join(', ') : fmt(sweep.stepsPerPoint as number);
    }
    i.replicates.value = fmt(spec.replicates);
    i.steps.value = fmt(spec.steps);
    i.window.value = fmt(spec.window);
    i.seed.value = fmt(spec.seed);
    this.fill(spec);
    i.name.value = spec.name ?? '';
    this.description = spec.description;
    if (valid) this.lastValid = spec;
    this.syncVisibility();
    this.marks.mark([]);
  }

  /** The name and description of the spec's JSON (when there are). */
  protected named(): Record<string, unknown> {
    const name = this.inputs.name.value.trim();
    return { ...(name && { name }), ...(this.description !== undefined && { description: this.description }) };
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
      if (v !== undefined && (fixed || this.keepsHidden(r.name, v))) params[r.name] = v;
    }
    let protocol: Record<string, unknown>;
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
        stepsPerPoint: this.config.stepsPerPoint === 'list' ? parseList(i.spp.value) : parseNumber(i.spp.value),
      };
    } else protocol = { kind, ...this.protocolFields(kind, paths) };
    for (const key of ['replicates', 'steps', 'window', 'seed', 'name'] as const) paths.set(key, i[key]);
    return { raw: this.compose({ params, axes, protocol }, paths), paths, layoutError };
  }

  /**
   * Checks the form with the parser and marks every field in error: after a problem, the field
   * it names is set to its last valid value (or a stand-in) and the spec checked again, until
   * it passes or a problem repeats (checkRepeatedly).
   */
  validate(): FormStatus<S> {
    const { raw, paths, layoutError } = this.read();
    const axisParams = (raw.axes as { param: string }[]).map((a) => a.param);
    const errors: { control: HTMLElement | null; error: InputError }[] = [];
    if (layoutError) errors.push({ control: layoutError.element, error: new InputError('axes', layoutError.problem) });
    else {
      const checked = checkRepeatedly(
        raw,
        (json) => this.parse(json),
        (attempt, keys) => this.standIn(attempt, keys),
        (err, attempt) => this.rephrase(err, attempt),
      );
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
