// Display text: the page writes symbols one way throughout (γ, λ, ρ, η, û, ±, ×, →, ≤),
// whichever way an experiment's labels spell them (many use ASCII names, which the CSV and
// JSON exports keep). Figures and estimates are rewritten for display only; their ids, data
// and numbers are untouched. Browser-safe.

import type { Estimate, Figure } from '../experiments/types.js';

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

const RULES: [RegExp, string][] = [
  [/\bu_hat\b/g, 'û'],
  [/\by_hat\b/g, 'ŷ'],
  // a whole word, or before a subscript (lambda_lb); never inside an identifier (lambdaLb)
  ...GREEK.map(([w, g]): [RegExp, string] => [new RegExp(`\\b${w}(?=_|\\b)`, 'g'), g]),
  [/\+-/g, '±'],
  [/->/g, '→'],
  [/<=/g, '≤'],
  [/>=/g, '≥'],
  [/(\S) x (?=\d)/g, '$1 × '],
  [/(\d)x(?=\d)/g, '$1×'],
  [/\bsqrt\(/g, '√('],
  // a minus between two one-symbol operands or numbers: a - ρ, 1 - 1/N
  [/(^|[\s(=])([A-Za-zα-ωΔûŷ]|\d+(?:\.\d+)?|\)) - (?=[A-Za-zα-ωΔûŷ0-9(])/g, '$1$2 − '],
  // a leading minus: -H(a)
  [/(^|[\s(=,])-(?=[A-Za-zα-ωΔ])/g, '$1−'],
];

/** The text with symbols written as the page writes them. Idempotent. */
export function displayText(s: string): string {
  let out = s;
  for (const [re, to] of RULES) out = out.replace(re, to);
  return out;
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
