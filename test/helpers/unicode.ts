// ASCII stand-ins for symbols in human text: what display text (src/report/display.ts)
// writes as Unicode (γ for gamma, ± for +-, → for ->, − for a minus, × for x between
// numbers, T_c with its c set as a subscript). Shared by the report, PNG and CLI tests.

import { displayEstimate, displayFigure, subscriptRuns } from '../../src/report/display.js';
import type { Estimate, Figure } from '../../src/experiments/types.js';

const STAND_INS: [string, RegExp][] = [
  ['a Greek letter spelled out', /\b(gamma|rho|sigma|eta|lambda|beta|mu|tau|theta|epsilon|Delta|chi2|infinity)s?\b/],
  ['a hat spelled out', /\b[uy]_hat\b/],
  ['+- for ±', /\+-|\+\/-/],
  ['-> for →', /->/],
  ['<=, >= or != for ≤, ≥, ≠', /<=|>=|!=/],
  ['-- for a dash', /--/],
  ['x or * for ×', / x (?=\d)|\dx\d| \* /],
  ['a hyphen for a minus', / - |(?:^|[\s(=,[])-(?=\d)/],
  ['^2 for ²', /\^2\b/],
];

/** The ASCII stand-ins in a human text, as `what: "match"`; [] when there is none. */
export function standIns(text: string): string[] {
  const found = STAND_INS.filter(([, re]) => re.test(text)).map(([what, re]) => `${what}: ${JSON.stringify(re.exec(text)![0])}`);
  // an underscore is a subscript (T_c) or a stand-in for something
  if (subscriptRuns(text).some((r) => r.text.includes('_'))) found.push('an underscore that is no subscript');
  return found;
}

/** Every human text of a figure: title, axis and colour-bar labels, legend entries, vertical lines. */
export function figureTexts(fig: Figure): string[] {
  const own =
    fig.kind === 'heatmap'
      ? [fig.zLabel, ...fig.overlays.map((o) => o.label)]
      : [...fig.series.map((s) => s.label), ...(fig.vlines ?? []).map((v) => v.label)];
  return [fig.title, fig.x.label, fig.y.label, ...own].filter(Boolean);
}

/** Every human text of an estimate: name, prediction label, bias, note. */
export function estimateTexts(e: Estimate): string[] {
  return [e.name, e.predictionLabel, e.bias, e.note].filter((s): s is string => !!s);
}

/** The stand-ins left in what the report, the page and the PNGs show of these figures and estimates, as `where: what`. */
export function displayedStandIns(where: string, figures: Figure[], estimates: Estimate[]): string[] {
  const texts = [
    ...figures.flatMap((f) => figureTexts(displayFigure(f)).map((t) => [`${where} ${f.id}`, t])),
    ...estimates.flatMap((e) => estimateTexts(displayEstimate(e)).map((t) => [`${where} ${e.id}`, t])),
  ];
  return texts.flatMap(([at, t]) => standIns(t).map((s) => `${at}: ${s} in ${JSON.stringify(t)}`));
}

/** The text a reader sees of an HTML page: scripts, styles, tags and attributes dropped, entities read. */
export function htmlText(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
