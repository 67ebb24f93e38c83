// The N-expert scan editor (MODEL.md sec. 5): every field of an ExpertScanSpec as a labelled
// form control (N, the model's parameters and the balancing, each fixed or an axis; the bias
// mode; the initial state; the protocol; the run length), read back into the CLI's JSON and
// checked by the same parseExpertSpec the CLI uses, so the same bad-input rules hold. As in
// the two-expert editor (editor.ts; what both share is in spec-form.ts, their building blocks
// in editor-controls.ts), every field in error is marked with its own message beside it in
// words (field-words.ts): the form checks again with each bad field set back to its last valid
// value until no new problem shows. Switching the protocol fills in what a sweep needs (a
// parameter, values around T_c, steps per point of at least the window).

import type { InputError } from '../../src/core/model.js';
import { EXPERT_PARAM_RANGES, EXPERT_PARAMS, parseExpertSpec, type ExpertParam, type ExpertScanSpec } from '../../src/experiments/experts/spec.js';
import { outOfRange } from '../../src/experiments/spec-schema.js';
import { el, field, fmt, parseList, parseNumber, select } from './editor-controls.js';
import { BALANCING_ROWS, EXPERT_STAND_INS, HINTS, MODEL_ROWS, rephrase, SWEPT } from './expert-fields.js';
import { obj, SpecForm, type FormStatus, type Paths, type ReadParts } from './spec-form.js';

export { defaultExpertSpec } from './expert-fields.js';

export type ExpertEditorStatus = FormStatus<ExpertScanSpec>;

export class ExpertEditor extends SpecForm<ExpertScanSpec, ExpertParam> {
  constructor(root: HTMLElement, onChange: (status: ExpertEditorStatus) => void) {
    super(root, onChange, {
      keys: ['model', 'name', 'description', 'seed', 'params', 'b', 'bias', 'axes', 'replicates', 'steps', 'window', 'initial', 'protocol'],
      standIns: EXPERT_STAND_INS,
      sweepOrder: SWEPT,
      stepsPerPoint: 'one',
    });
    const lines = this.lines;
    const row = (name: ExpertParam) => this.paramRow(`ne-${name}`, name, HINTS[name]);

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
    const sweep = this.sweepSection(
      'ne-',
      SWEPT,
      [
        ['down-up', 'down, then up'],
        ['up-down', 'up, then down'],
      ],
      { label: 'Steps per point', attrs: { inputmode: 'numeric' } },
    );
    const protocol = this.protocolFieldset(
      'ne-',
      [
        ['relax', 'relax: fixed cells'],
        ['sweep', 'sweep: step one parameter down and up'],
      ],
      sweep,
    );

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
    const name = field('ne-name', 'Name', lines);
    const run = el(
      'fieldset',
      { class: 'group' },
      el('legend', { text: 'Run' }),
      el('div', { class: 'row-wrap' }, ...this.runFields('ne-'), name.wrap),
    );

    Object.assign(this.inputs, {
      b: drift.input,
      bias: bias.select,
      family: family.select,
      gap: gap.input,
      asym: asym.input,
      r0: r0.input,
      name: name.input,
    });
    this.mount('ne-editor-error', params, balancing, protocol, initial, run);
  }

  protected parse(json: unknown): ExpertScanSpec {
    return parseExpertSpec(json);
  }

  /** A new sweep's values: T from T_c/2 to 3 T_c/2 (T_c = (a − ρ)/(Nγ)), a and the balancing about their current values. */
  protected sweepAround(param: ExpertParam, v: number): [number, number] {
    const num = (name: ExpertParam) => Number(this.row(name).value.value);
    const tc = (num('a') - num('rho')) / (num('N') * num('gamma'));
    const around: Partial<Record<ExpertParam, [number, number]>> = {
      T: Number.isFinite(tc) && tc > 0 ? [tc / 2, (3 * tc) / 2] : [(v || 1) / 2, 2 * (v || 1)],
      a: [Math.max(0, (v || 3) - 2), (v || 3) + 2],
      rho: [0, Math.max(1, 2 * v || 0)],
      u: [0, Math.max(1, 2 * v || 0)],
      cf: [1, 2],
    };
    const [from, to] = around[param] ?? [(v || 1) / 2, 1.5 * (v || 1)];
    return [Number(from.toPrecision(6)), Number(to.toPrecision(6))];
  }

  /** On an axis or swept, a valid hidden value is kept (a loaded spec reads back the same). */
  protected override keepsHidden(name: ExpertParam, v: number | string): boolean {
    return typeof v === 'number' && !outOfRange(EXPERT_PARAM_RANGES[name], v);
  }

  protected shaped(raw: Record<string, unknown>, axes: Record<string, unknown>[], protocol: Record<string, unknown>): ExpertScanSpec | null {
    if (raw.model !== 'experts' || (raw.initial !== undefined && !obj(raw.initial))) return null;
    if (axes.some((a) => !(EXPERT_PARAMS as readonly unknown[]).includes(a.param))) return null;
    return {
      params: {},
      bias: 'off',
      seed: 1,
      ...raw,
      initial: { family: 'balanced', asym: 0, ...obj(raw.initial) },
      axes,
      protocol,
    } as unknown as ExpertScanSpec;
  }

  protected fill(spec: ExpertScanSpec): void {
    const i = this.inputs;
    const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : '');
    i.b.value = list(spec.b);
    i.bias.value = spec.bias ?? 'off';
    i.family.value = spec.initial.family ?? 'balanced';
    i.gap.value = fmt(spec.initial.winnerGap);
    i.asym.value = fmt(spec.initial.asym);
    i.r0.value = list(spec.initial.r0);
  }

  protected compose({ params, axes, protocol }: ReadParts, paths: Paths): Record<string, unknown> {
    const i = this.inputs;
    const b = parseList(i.b.value);
    const r0 = parseList(i.r0.value);
    const gap = parseNumber(i.gap.value);
    for (const key of ['bias', 'b'] as const) paths.set(key, i[key]);
    paths.set('initial', i.family);
    paths.set('initial.family', i.family);
    paths.set('initial.winnerGap', i.gap);
    paths.set('initial.asym', i.asym);
    paths.set('initial.r0', i.r0);
    return {
      model: 'experts',
      ...this.named(),
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
  }

  /** Sets a field in error back to its last valid value, or a stand-in (a vector: left out); false when neither is there. */
  protected override standIn(attempt: Record<string, unknown>, keys: (string | number)[]): boolean {
    if (keys[0] === 'b') return delete attempt.b;
    if (keys[0] === 'initial' && keys[1] === 'r0') return delete (attempt.initial as Record<string, unknown>).r0;
    if (keys[0] === 'initial' && keys[1] === 'winnerGap' && this.lastValid?.initial.winnerGap === undefined)
      return delete (attempt.initial as Record<string, unknown>).winnerGap;
    return super.standIn(attempt, keys);
  }

  protected override rephrase(err: InputError, attempt: Record<string, unknown>): InputError {
    return rephrase(err, attempt);
  }
}
