// The scan editors' building blocks (editor.ts, expert-editor.ts): labelled inputs and selects,
// each with its own error line beside it (id `<control id>-error`), the grid controls of an
// axis or a sweep (spacing, from, to, points, or a list), the parsing of what a person typed
// into the values the spec's JSON takes (a number when the text is one; the text itself
// otherwise, so parseSpec names it in its message), the JSON paths of InputErrors as keys, and
// the check that finds every field in error (checkRepeatedly) and marks each (ErrorMarks).

import { InputError } from '../../src/core/model.js';
import type { ValueGrid } from '../../src/experiments/types.js';

export function el<K extends keyof HTMLElementTagNameMap>(
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

/** Every control of the form and its error line. */
export type ErrorLines = Map<HTMLElement, HTMLElement>;

function errorLine(id: string): HTMLElement {
  return el('span', { id: `${id}-error`, class: 'field-error', hidden: '', role: 'alert' });
}

export function field(
  id: string,
  label: string,
  lines: ErrorLines,
  attrs: Record<string, string> = {},
): { wrap: HTMLElement; input: HTMLInputElement; error: HTMLElement } {
  const input = el('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });
  const error = errorLine(id);
  input.setAttribute('aria-describedby', error.id);
  lines.set(input, error);
  return { wrap: el('span', { class: 'field' }, el('label', { for: id, text: label }), input, error), input, error };
}

export function select(
  id: string,
  label: string,
  options: [string, string][],
  lines: ErrorLines,
  labelClass = '',
): { wrap: HTMLElement; select: HTMLSelectElement } {
  const s = el('select', { id });
  for (const [value, text] of options) s.append(el('option', { value, text }));
  const error = errorLine(id);
  s.setAttribute('aria-describedby', error.id);
  lines.set(s, error);
  return {
    wrap: el('span', { class: 'field' }, el('label', { for: id, text: label, ...(labelClass && { class: labelClass }) }), s, error),
    select: s,
  };
}

/** A number if the text is one, the text itself otherwise (parseSpec names it), undefined if empty. */
export function parseNumber(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : t;
}

export function parseList(text: string): (number | string)[] | string {
  const t = text.trim();
  if (t === '') return [];
  return t
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((s) => parseNumber(s) ?? s);
}

export const fmt = (v: number | undefined) => (v === undefined ? '' : String(v));

type Spacing = 'linspace' | 'logspace' | 'list';

/** Grid controls: spacing, from, to, points, or a list of values. */
export class GridControls {
  readonly wrap: HTMLElement;
  readonly spacing: HTMLSelectElement;
  readonly from: HTMLInputElement;
  readonly to: HTMLInputElement;
  readonly count: HTMLInputElement;
  readonly list: HTMLInputElement;
  private readonly spaced: HTMLElement;
  private readonly listWrap: HTMLElement;

  constructor(prefix: string, what: string, lines: ErrorLines) {
    const sp = select(
      `${prefix}-spacing`,
      `${what} spacing`,
      [
        ['linspace', 'linear'],
        ['logspace', 'log'],
        ['list', 'list'],
      ],
      lines,
    );
    const from = field(`${prefix}-from`, 'from', lines, { inputmode: 'decimal' });
    const to = field(`${prefix}-to`, 'to', lines, { inputmode: 'decimal' });
    const count = field(`${prefix}-count`, 'points', lines, { inputmode: 'numeric', class: 'short' });
    const list = field(`${prefix}-list`, 'values', lines, { placeholder: '1, 2, 3' });
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

  /** The controls, for locking and error marks. */
  get controls(): HTMLElement[] {
    return [this.spacing, this.from, this.to, this.count, this.list];
  }

  sync(): void {
    const isList = this.spacing.value === 'list';
    this.spaced.hidden = isList;
    this.listWrap.hidden = !isList;
  }

  /** Nothing entered: no bounds and no list. */
  get empty(): boolean {
    return this.spacing.value === 'list' ? this.list.value.trim() === '' : this.from.value.trim() === '' && this.to.value.trim() === '';
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

// JSON paths of the spec (InputError fields), for the editor's repeated checks

/** A JSON path as keys: `axes[0].values.list[3]` -> axes, 0, values, list, 3. */
export function pathKeys(path: string): (string | number)[] | null {
  const keys: (string | number)[] = [];
  const re = /(?:^|\.)([A-Za-z_]\w*)|\[(\d+)\]/gy;
  let at = 0;
  while (at < path.length) {
    const m = re.exec(path);
    if (!m) break;
    keys.push(m[1] !== undefined ? m[1] : Number(m[2]));
    at = re.lastIndex;
  }
  return at === path.length && keys.length ? keys : null;
}

export function getAt(value: unknown, keys: (string | number)[]): unknown {
  let v = value;
  for (const k of keys) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

/** Sets the value at a path in place; false when the path does not reach an object there. */
export function setAt(value: unknown, keys: (string | number)[], v: unknown): boolean {
  const parent = getAt(value, keys.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return false;
  (parent as Record<string | number, unknown>)[keys[keys.length - 1]] = structuredClone(v);
  return true;
}

/** A valid stand-in for a leaf the last valid spec does not have (the form's other checks go on). */
export const STAND_INS: Record<string, unknown> = {
  a: 3,
  T: 1,
  gamma: 1,
  h: 0,
  rho: 0,
  B: 64,
  eta: 0.01,
  from: 1,
  to: 2,
  count: 3,
  replicates: 4,
  steps: 100,
  window: 10,
  seed: 1,
  y0: 0,
  asym: 0,
  every: 10,
  stepsPerPoint: [10],
};

/** The control of a JSON path, or of its nearest enclosing path. */
export function controlFor(path: string, paths: Map<string, HTMLElement>): HTMLElement | null {
  for (let p = path; p; p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '')) {
    const c = paths.get(p);
    if (c) return c;
    if (!/(\.[^.[\]]+|\[\d+\])$/.test(p)) break;
  }
  return null;
}

/** The parameter rows on the x and y axes (x first), and what is wrong with the layout: two x axes, two y, a y without an x. */
export function axisRows<R extends { name: string; mode: HTMLSelectElement }>(
  rows: readonly R[],
  swept: string | undefined,
): { axes: R[]; layoutError: { element: HTMLElement; problem: string } | undefined } {
  const xs = rows.filter((r) => r.name !== swept && r.mode.value === 'x');
  const ys = rows.filter((r) => r.name !== swept && r.mode.value === 'y');
  let layoutError: { element: HTMLElement; problem: string } | undefined;
  if (xs.length > 1) layoutError = { element: xs[1].mode, problem: `${xs[0].name} is already the x axis; pick one parameter per axis` };
  else if (ys.length > 1) layoutError = { element: ys[1].mode, problem: `${ys[0].name} is already the y axis; pick one parameter per axis` };
  else if (ys.length && !xs.length) layoutError = { element: ys[0].mode, problem: 'a y axis needs an x axis; make this the x axis or add one' };
  return { axes: [...xs, ...ys], layoutError };
}

/**
 * Checks a form's JSON with the CLI's parser and finds every problem: parsers report one at a
 * time, so after each the field it names is set back (`standIn`: its last valid value or a
 * stand-in; false when there is none) and the JSON checked again, until it passes or a problem
 * repeats (at most 12 rounds). `rephrase` may move a problem onto the control that holds it.
 */
export function checkRepeatedly<S>(
  raw: Record<string, unknown>,
  parse: (json: unknown) => S,
  standIn: (attempt: Record<string, unknown>, keys: (string | number)[]) => boolean,
  rephrase: (err: InputError, attempt: Record<string, unknown>) => InputError = (err) => err,
): { spec: S } | { errors: InputError[] } {
  const attempt = structuredClone(raw);
  const seen = new Set<string>();
  const errors: InputError[] = [];
  for (let round = 0; round < 12; round++) {
    try {
      const spec = parse(attempt);
      if (round === 0) return { spec };
      break;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const err = rephrase(e, attempt);
      if (seen.has(err.field)) break;
      seen.add(err.field);
      errors.push(err);
      const keys = pathKeys(err.field);
      if (!keys || !standIn(attempt, keys)) break;
    }
  }
  return { errors };
}

/** The fields in error, marked: aria-invalid, each message on its control's error line, the rest on the form's general line. */
export class ErrorMarks {
  private marked: HTMLElement[] = [];

  constructor(
    private readonly lines: ErrorLines,
    private readonly general: HTMLElement,
  ) {}

  mark(found: readonly { control: HTMLElement | null; message: string }[]): void {
    for (const control of this.marked) {
      control.removeAttribute('aria-invalid');
      control.removeAttribute('aria-errormessage');
      const line = this.lines.get(control);
      if (line) {
        line.hidden = true;
        line.textContent = '';
      }
    }
    this.marked = [];
    const general: string[] = [];
    const byControl = new Map<HTMLElement, string[]>();
    for (const { control, message } of found) {
      const line = control && this.lines.get(control);
      if (!control || !line) general.push(message);
      else byControl.set(control, [...(byControl.get(control) ?? []), message]);
    }
    for (const [control, messages] of byControl) {
      const line = this.lines.get(control)!;
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-errormessage', line.id);
      line.textContent = messages.join(' ');
      line.hidden = false;
      this.marked.push(control);
    }
    this.general.textContent = general.join(' ');
    this.general.hidden = general.length === 0;
  }
}
