// Display text: the page, the HTML report and the PNGs write symbols one way throughout (γ,
// λ, ρ, σ, η, û, ±, ×, →, ≤, χ², ∞, − for minus, 2γT for products), whichever way an
// experiment's labels spell them (many use ASCII names, which the CSV and JSON exports keep).
// A subscript with no Unicode form in every font (T_c, a_eff, λ_lb, K_sn) stays written
// `base_sub`: subscriptRuns splits it out, and each renderer sets it as a subscript (the
// report's HTML with <sub> by displayHtml, the canvas by draw/rich.ts). Figures and estimates
// are rewritten for display only; their ids, data and numbers are untouched. Browser-safe.

import type { Estimate, Figure } from '../experiments/types.js';
import { escapeHtml } from './format.js';

const GREEK: [string, string][] = [
  ['gamma', 'γ'],
  ['rho', 'ρ'],
  ['eta', 'η'],
  ['lambda', 'λ'],
  ['sigma', 'σ'],
  ['beta', 'β'],
  ['mu', 'μ'],
  ['tau', 'τ'],
  ['theta', 'θ'],
  ['epsilon', 'ε'],
  ['Delta', 'Δ'],
];

/** One symbol: a Latin or Greek letter, û or ŷ, optionally with a `_sub` subscript. */
const SYMBOL = '[A-Za-zα-ωΑ-Ωûŷ](?:_[A-Za-z0-9]+)?';

/** A factor of a product: a number, a symbol, a Greek letter. */
const FACTOR = `\\d+(?:\\.\\d+)?|${SYMBOL}|[α-ωΔ]`;

const RULES: [RegExp, string | ((m: string, at: number, s: string) => string)][] = [
  [/\bu_hat\b/g, 'û'],
  [/\by_hat\b/g, 'ŷ'],
  // a whole word, or before a subscript (lambda_lb); never inside an identifier (lambdaLb)
  ...GREEK.map(([w, g]): [RegExp, string] => [new RegExp(`\\b${w}(?=_|\\b)`, 'g'), g]),
  [/\bchi2\b/g, 'χ²'],
  [/\binfinity\b/g, '∞'],
  [/\+\/-|\+-/g, '±'],
  [/->/g, '→'],
  [/<=/g, '≤'],
  [/>=/g, '≥'],
  [/!=/g, '≠'],
  [/ -- /g, ' — '],
  [/(\S) x (?=\d)/g, '$1 × '],
  [/(\S) \* (?=\S)/g, '$1 × '],
  [/(\d)x(?=\d)/g, '$1×'],
  [/\^2\b/g, '²'],
  [/\bsqrt\(/g, '√('],
  // a minus between two operands (a symbol, a number, a closing bracket): a - ρ, 1 - 1/N, |T/T_c - 1|, w(r) - w0
  [new RegExp(`(?:(?<=^|[\\s(=/|])(?:${SYMBOL}\\d?|\\d+(?:\\.\\d+)?)|[)|]) - (?=[A-Za-zα-ωΑ-Ωûŷ0-9(|])`, 'g'), (m) => m.replace(' - ', ' − ')],
  // a leading minus: -H(a), h = -4, r^(-2/3); never inside a word or a number (top-1, 1e-5)
  [/(?<=^|[\s(=,[])-(?=[A-Za-zα-ωΔ\d.])/g, '−'],
  // a product of one-symbol factors with a Greek one: 2 γ T -> 2γT, a/(2 γ) -> a/(2γ), γ t -> γt;
  // not a count of a Greek-named thing (3 γ rows)
  [
    new RegExp(`(?<![\\w.α-ωΑ-Ω])(?:${FACTOR})(?: (?:${FACTOR}))+(?![\\w.(α-ωΑ-Ω])`, 'g'),
    (m: string, at: number, s: string) => (/[α-ωΔ]/.test(m) && !(/[α-ωΔ]$/.test(m) && s[at + m.length] === ' ') ? m.replace(/ /g, '') : m),
  ],
];

/** The text with symbols written as the page writes them. Idempotent. */
export function displayText(s: string): string {
  let out = s;
  for (const [re, to] of RULES) out = out.replace(re, to as string);
  return out;
}

/** A `base_sub` subscript: one symbol (or max) before `_`, letters or digits after, neither inside a word. */
const SUBSCRIPT = /(?<![A-Za-z0-9_])(max|[A-Za-zα-ωΑ-Ω])_([A-Za-z0-9]+)(?![A-Za-z0-9_])/g;

/** A run of display text, set as a subscript or not. */
export interface TextRun {
  text: string;
  sub: boolean;
}

/** The text split into plain runs and the subscripts written `base_sub` (T_c: 'T', then 'c' as a subscript). */
export function subscriptRuns(s: string): TextRun[] {
  const runs: TextRun[] = [];
  let at = 0;
  for (const m of s.matchAll(SUBSCRIPT)) {
    const base = m.index + m[1].length;
    if (base > at) runs.push({ text: s.slice(at, base), sub: false });
    runs.push({ text: m[2], sub: true });
    at = m.index + m[0].length;
  }
  if (at < s.length || !runs.length) runs.push({ text: s.slice(at), sub: false });
  return runs;
}

/** Display text as escaped HTML, subscripts in <sub>: `T<sub>c</sub> = a/(2γ)`. */
export function displayHtml(s: string): string {
  return subscriptRuns(displayText(s))
    .map((r) => (r.sub ? `<sub>${escapeHtml(r.text)}</sub>` : escapeHtml(r.text)))
    .join('');
}

/** A copy of the figure with its title, labels and legend entries in display text. */
export function displayFigure(fig: Figure): Figure {
  const t = displayText;
  if (fig.kind === 'heatmap') {
    return {
      ...fig,
      title: t(fig.title),
      x: { ...fig.x, label: t(fig.x.label) },
      y: { ...fig.y, label: t(fig.y.label) },
      zLabel: t(fig.zLabel),
      overlays: fig.overlays.map((o) => ({ ...o, label: t(o.label) })),
    };
  }
  return {
    ...fig,
    title: t(fig.title),
    x: { ...fig.x, label: t(fig.x.label) },
    y: { ...fig.y, label: t(fig.y.label) },
    series: fig.series.map((s) => ({ ...s, label: t(s.label) })),
    ...(fig.vlines && { vlines: fig.vlines.map((v) => ({ ...v, label: t(v.label) })) }),
  };
}

/** A copy of the estimate with its name, prediction label, bias and note in display text. */
export function displayEstimate(e: Estimate): Estimate {
  return {
    ...e,
    name: displayText(e.name),
    ...(e.predictionLabel !== undefined && { predictionLabel: displayText(e.predictionLabel) }),
    ...(e.bias !== undefined && { bias: displayText(e.bias) }),
    ...(e.note !== undefined && { note: displayText(e.note) }),
  };
}
