// The scan editor: every field of a ScanSpec as a labelled form control, read back into the
// CLI's JSON and checked by the same parseSpec the CLI uses, so the same bad-input rules
// hold. Every field in error is marked (aria-invalid) with its own message beside it, in
// words (field-words.ts): parseSpec reports one problem at a time, so the form checks again
// with each bad field set back to its last valid value until no new problem shows, and the
// page keeps Run disabled until the spec is valid. Switching the protocol fills in what the
// new one needs (a swept parameter and its values, steps per point, a trace interval). What
// it shares with the N-expert editor (the rows, the protocol, the checks) is in spec-form.ts.

import { parseSpec, validateSpecFor } from '../../src/experiments/spec.js';
import { PARAM_NAMES, type ParamName, type ScanSpec } from '../../src/experiments/types.js';
import { el, field, fmt, parseNumber, select, STAND_INS } from './editor-controls.js';
import { SpecForm, type FormStatus, type Paths, type ReadParts } from './spec-form.js';

const PARAM_HINTS: Record<ParamName, string> = {
  a: 'reinforcement',
  T: 'temperature',
  gamma: 'forgetting',
  h: 'skew b1 - b2',
  rho: 'negative feedback',
  B: 'tokens per step',
  eta: 'step size',
};

export type EditorStatus = FormStatus<ScanSpec>;

export class ScanEditor extends SpecForm<ScanSpec, ParamName> {
  /** the engine's capacity: one grid cell's routers must fit a session */
  maxRouters = Infinity;

  constructor(root: HTMLElement, onChange: (status: EditorStatus) => void) {
    super(root, onChange, {
      keys: ['name', 'description', 'params', 'axes', 'replicates', 'steps', 'window', 'initial', 'seed', 'protocol', 'sampler'],
      standIns: STAND_INS,
      sweepOrder: ['h', 'a', 'T', 'gamma', 'rho', 'eta'],
      stepsPerPoint: 'list',
    });
    const lines = this.lines;

    // Parameters: fixed or on an axis.
    this.rows = PARAM_NAMES.map((name) => this.paramRow(`p-${name}`, name, PARAM_HINTS[name]));
    const params = el(
      'fieldset',
      { class: 'group' },
      el('legend', { text: 'Parameters: fixed, or an axis of the scan' }),
      ...this.rows.map((r) => r.wrap),
    );

    // Protocol.
    const sweep = this.sweepSection(
      '',
      PARAM_NAMES,
      [
        ['up-down', 'up, then down'],
        ['down-up', 'down, then up'],
        ['up', 'up'],
        ['down', 'down'],
      ],
      { label: 'Steps per point (one per speed)', attrs: { placeholder: '100, 200' } },
    );
    const every = field('trace-every', 'Record every (steps)', lines, { inputmode: 'numeric' });
    this.sections.trace = el('div', { class: 'sub-group' }, every.wrap);
    const protocol = this.protocolFieldset(
      '',
      [
        ['relax', 'relax: fixed cells'],
        ['sweep', 'sweep: step one parameter through a grid'],
        ['trace', 'trace: time series'],
      ],
      sweep,
      this.sections.trace,
    );

    // Run length, replicates, initial state, seed.
    const runFields = this.runFields('');
    const y0 = field('y0', 'Initial y0', lines, { inputmode: 'decimal' });
    const asym = field('asym', 'Random initial asymmetry ±', lines, { inputmode: 'decimal' });
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
      el('div', { class: 'row-wrap' }, ...runFields, y0.wrap, asym.wrap, families.wrap, sampler.wrap, name.wrap),
    );
    Object.assign(this.inputs, {
      every: every.input,
      y0: y0.input,
      asym: asym.input,
      families: families.select,
      sampler: sampler.select,
      name: name.input,
    });
    this.mount('editor-error', params, protocol, run);
  }

  protected parse(json: unknown): ScanSpec {
    const spec = parseSpec(json);
    validateSpecFor(spec, this.maxRouters);
    return spec;
  }

  /** A new sweep's values: h over ±0.5, a and T about their current values, rho over [0, 1]. */
  protected sweepAround(param: ParamName, v: number): [number, number] {
    const around: Record<string, [number, number]> = {
      h: [-0.5, 0.5],
      a: [Math.max(0, (v || 3) - 1), (v || 3) + 1],
      T: [(v || 1) / 2, 2 * (v || 1)],
      rho: [0, 1],
    };
    return around[param] ?? [(v || 1) / 2, 1.5 * (v || 1)];
  }

  /** A sweep: one family. A trace: about 50 intervals. */
  protected override kindDefaults(kind: string, steps: number): void {
    const i = this.inputs;
    if (kind === 'sweep' && i.families.value === 'opposite') i.families.value = 'single';
    if (kind === 'trace' && i.every.value.trim() === '')
      i.every.value = String(Math.max(1, Math.round((Number.isInteger(steps) && steps > 0 ? steps : 1000) / 50)));
  }

  protected shaped(raw: Record<string, unknown>, axes: Record<string, unknown>[], protocol: Record<string, unknown>): ScanSpec | null {
    if (protocol.kind === 'sweep' && !Array.isArray(protocol.stepsPerPoint)) return null;
    return {
      params: {},
      initial: { y0: 0, asym: 0, families: 'single' },
      seed: 1,
      sampler: 'btrs',
      ...raw,
      axes,
      protocol,
    } as unknown as ScanSpec;
  }

  protected fill(spec: ScanSpec): void {
    const i = this.inputs;
    if (spec.protocol.kind === 'trace') i.every.value = String(spec.protocol.every);
    i.y0.value = fmt(spec.initial.y0);
    i.asym.value = fmt(spec.initial.asym);
    i.families.value = spec.initial.families ?? 'single';
    i.sampler.value = spec.sampler ?? 'btrs';
  }

  protected override protocolFields(kind: string, paths: Paths): Record<string, unknown> {
    if (kind !== 'trace') return {};
    paths.set('protocol.every', this.inputs.every);
    return { every: parseNumber(this.inputs.every.value) };
  }

  protected compose({ params, axes, protocol }: ReadParts, paths: Paths): Record<string, unknown> {
    const i = this.inputs;
    paths.set('initial', i.y0);
    paths.set('initial.y0', i.y0);
    paths.set('initial.asym', i.asym);
    paths.set('initial.families', i.families);
    paths.set('sampler', i.sampler);
    return {
      ...this.named(),
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
  }
}
