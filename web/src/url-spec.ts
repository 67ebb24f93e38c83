// A custom scan as a link a person can read and edit: one `key=value` per field, in the form's
// terms, the defaults left out.
//
//   #a=3&gamma=1&B=64&eta=0.01&x=T:0.5..4:9&y=h:-0.2,0,0.1&replicates=8&steps=200&window=20
//
//   a, T, gamma, h, rho, B, eta   fixed parameters
//   x, y                          axes: param:from..to:points (linear), param:from..to:points:log,
//                                 or param:v1,v2,... (a list)
//   protocol                      relax (default), sweep or trace
//   sweep                         the swept parameter and its values, as an axis: h:-1..1:21
//   direction, spp, ramp          a sweep's direction (up-down, down-up, up, down), steps per
//                                 point (one per speed: 100,200) and ramp=1 for a ramped h sweep
//   every                         a trace's interval
//   replicates, steps, window, seed, y0, asym, families, sampler, name, description
//
// Values are percent-encoded only where a separator needs it (& # % +), spaces as +. A spec
// the readable form cannot give back exactly, or whose link would be long, is written as
// #spec=<base64url of its canonical JSON> (url-state.ts) instead. Reading a link gives the
// spec's JSON, checked by the editor like a pasted spec (so a mistyped value is marked on its
// field); a key the format does not know is an error sentence.

import { canonicalJson, parseSpec, type ParsedSpec } from '../../src/experiments/spec.js';
import { PARAM_NAMES, type ScanSpec, type ValueGrid } from '../../src/experiments/types.js';

const SPEC_KEYS = [
  'name',
  ...PARAM_NAMES,
  'x',
  'y',
  'protocol',
  'sweep',
  'direction',
  'spp',
  'ramp',
  'every',
  'replicates',
  'steps',
  'window',
  'seed',
  'y0',
  'asym',
  'families',
  'sampler',
  'description',
] as const;

/** Keys left out when the spec parses to the same without them (defaults). */
const OPTIONAL_KEYS = ['h', 'rho', 'seed', 'y0', 'asym', 'families', 'sampler', 'protocol', 'direction', 'window'] as const;

/** Longest readable hash; longer specs (long lists) are linked as base64. */
export const MAX_READABLE_CHARS = 1500;

/** Whether a hash's parameters describe a readable spec (any key of the format). */
export function isReadableSpec(params: URLSearchParams): boolean {
  return SPEC_KEYS.some((k) => params.has(k));
}

function gridText(g: ValueGrid): string {
  if ('list' in g) return g.list.join(',');
  const s = 'linspace' in g ? g.linspace : g.logspace;
  return `${s.from}..${s.to}:${s.count}${'logspace' in g ? ':log' : ''}`;
}

/** A number when the text is one, else the text (parseSpec then names the field). */
function value(text: string): number | string {
  const t = text.trim();
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : t;
}

function parseGrid(text: string): unknown {
  const spaced = /^(.+?)\.\.(.+?):([^:]+)(?::(log|lin))?$/.exec(text);
  if (spaced) {
    const kind = spaced[4] === 'log' ? 'logspace' : 'linspace';
    return { [kind]: { from: value(spaced[1]), to: value(spaced[2]), count: value(spaced[3]) } };
  }
  return {
    list: text
      .split(',')
      .filter((s) => s.trim() !== '')
      .map(value),
  };
}

/** `T:0.5..4:9` as an axis. */
function parseAxis(text: string): unknown {
  const at = text.indexOf(':');
  if (at < 0) return { param: text, values: { list: [] } };
  return { param: text.slice(0, at), values: parseGrid(text.slice(at + 1)) };
}

/** The spec's fields as key-value pairs, every one written. */
function entries(spec: ScanSpec): [string, string][] {
  const out: [string, string][] = [];
  if (spec.name !== undefined) out.push(['name', spec.name]);
  for (const p of PARAM_NAMES) if (spec.params[p] !== undefined) out.push([p, String(spec.params[p])]);
  spec.axes.forEach((a, i) => {
    out.push([i === 0 ? 'x' : 'y', `${a.param}:${gridText(a.values)}`]);
  });
  const p = spec.protocol;
  out.push(['protocol', p.kind]);
  if (p.kind === 'sweep') {
    out.push(['sweep', `${p.param}:${gridText(p.values)}`], ['direction', p.direction], ['spp', p.stepsPerPoint.join(',')]);
    if (p.ramp !== undefined) out.push(['ramp', p.ramp ? '1' : '0']);
  }
  if (p.kind === 'trace') out.push(['every', String(p.every)]);
  out.push(['replicates', String(spec.replicates)], ['steps', String(spec.steps)], ['window', String(spec.window)], ['seed', String(spec.seed)]);
  out.push(['y0', String(spec.initial.y0)], ['asym', String(spec.initial.asym)], ['families', spec.initial.families ?? 'single']);
  out.push(['sampler', spec.sampler ?? 'btrs']);
  if (spec.description !== undefined) out.push(['description', spec.description]);
  return out;
}

/** The spec's JSON of a readable link's parameters, or an error sentence. */
export function readableToJson(params: URLSearchParams): { json: Record<string, unknown> } | { error: string } {
  const unknown = [...params.keys()].filter((k) => k !== 'engine' && !(SPEC_KEYS as readonly string[]).includes(k));
  if (unknown.length) return { error: `The link has a setting this page does not know: "${unknown[0].slice(0, 40)}"; it was not loaded.` };
  const get = (k: string) => params.get(k) ?? undefined;
  const json: Record<string, unknown> = {};
  const name = get('name');
  if (name !== undefined) json.name = name;
  const description = get('description');
  if (description !== undefined) json.description = description;
  json.params = Object.fromEntries(PARAM_NAMES.filter((p) => params.has(p)).map((p) => [p, value(get(p)!)]));
  json.axes = (['x', 'y'] as const).filter((k) => params.has(k)).map((k) => parseAxis(get(k)!));
  const kind = get('protocol') ?? (params.has('sweep') ? 'sweep' : params.has('every') ? 'trace' : 'relax');
  if (kind === 'sweep') {
    const axis = parseAxis(get('sweep') ?? '') as { param: string; values: unknown };
    const ramp = get('ramp');
    json.protocol = {
      kind,
      param: axis.param,
      values: axis.values,
      direction: get('direction') ?? 'up-down',
      stepsPerPoint: (get('spp') ?? '')
        .split(',')
        .filter((s) => s.trim() !== '')
        .map(value),
      ...(ramp !== undefined && { ramp: ramp === '1' || ramp === 'true' }),
    };
  } else if (kind === 'trace') {
    json.protocol = { kind, every: value(get('every') ?? '') };
  } else {
    json.protocol = { kind };
  }
  for (const k of ['replicates', 'steps', 'window', 'seed'] as const) if (params.has(k)) json[k] = value(get(k)!);
  if (params.has('y0') || params.has('asym') || params.has('families')) {
    json.initial = {
      ...(params.has('y0') && { y0: value(get('y0')!) }),
      ...(params.has('asym') && { asym: value(get('asym')!) }),
      ...(params.has('families') && { families: get('families') }),
    };
  }
  if (params.has('sampler')) json.sampler = get('sampler');
  return { json };
}

/** A value in the hash: percent-encoded, but for the separators of the format that read well. */
function encode(v: string): string {
  return encodeURIComponent(v)
    .replace(/%2C/gi, ',')
    .replace(/%3A/gi, ':')
    .replace(/%2F/gi, '/')
    .replace(/%3D/gi, '=')
    .replace(/%3B/gi, ';')
    .replace(/%20/g, '+');
}

const hashOf = (list: [string, string][]) => list.map(([k, v]) => `${k}=${encode(v)}`).join('&');

/**
 * The readable hash of a parsed spec (without '#'), or null when it cannot give the spec back
 * exactly or would pass MAX_READABLE_CHARS (then the caller links the base64 form).
 */
export function readableHash(spec: ParsedSpec): string | null {
  const canonical = canonicalJson(spec);
  const same = (list: [string, string][]): boolean => {
    const r = readableToJson(new URLSearchParams(hashOf(list)));
    if ('error' in r) return false;
    try {
      return canonicalJson(parseSpec(r.json)) === canonical;
    } catch {
      return false;
    }
  };
  let list = entries(spec);
  if (!same(list)) return null;
  for (const key of OPTIONAL_KEYS) {
    const without = list.filter(([k]) => k !== key);
    if (without.length < list.length && same(without)) list = without;
  }
  const hash = hashOf(list);
  return hash.length <= MAX_READABLE_CHARS ? hash : null;
}
