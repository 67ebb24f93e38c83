// The HTML report: one self-contained file (data, scripts and styles inline; opens from
// disk with no server and no network). Provenance and the estimates tables are static
// HTML; the figures are drawn in the page by viewer.ts from the embedded JSON.
// Browser-safe: no Node-only imports (assets.ts loads the assets under Node).

import { stepsNoun, type Provenance } from '../core/scan.js';
import type { Estimate, ExperimentResult, Figure } from '../experiments/types.js';
import { displayFigure, displayHtml, displayText } from './display.js';
import { escapeHtml, formatDuration, formatNumberText, formatSI } from './format.js';

export { escapeHtml };

/** Provenance over all scans of a report. */
export interface ProvenanceSummary {
  package: string;
  version: string;
  engine: string;
  adapter: string;
  backend?: string;
  seeds: number[];
  /** summed over scans */
  elapsedMs: number;
  routerSteps: number;
  /** routerSteps / elapsed */
  routerStepsPerSecond: number;
}

export interface ReportInput {
  title: string;
  generatedAt: string;
  experiments: ExperimentResult[];
  /** default: summarizeProvenance over the experiments' provenance */
  provenanceSummary?: ProvenanceSummary;
}

export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  viewerJs: string;
}

/** What the viewer reads from <script type="application/json" id="report-data">. */
export interface ViewerData {
  experiments: { id: string; figures: Figure[] }[];
}

export const REPORT_DATA_ID = 'report-data';

const unique = <T>(xs: T[]) => [...new Set(xs)];

export function summarizeProvenance(list: Provenance[]): ProvenanceSummary | undefined {
  if (!list.length) return undefined;
  const elapsedMs = list.reduce((s, p) => s + p.elapsedMs, 0),
    routerSteps = list.reduce((s, p) => s + p.routerSteps, 0);
  return {
    package: list[0].package,
    version: list[0].version,
    engine: unique(list.map((p) => p.engine)).join(', '),
    adapter: unique(list.map((p) => p.adapter)).join('; '),
    backend: unique(list.map((p) => p.backend)).join(', '),
    seeds: unique(list.map((p) => p.seed)),
    elapsedMs,
    routerSteps,
    routerStepsPerSecond: elapsedMs > 0 ? (routerSteps * 1000) / elapsedMs : 0,
  };
}

/** JSON safe inside <script>: every '<' escaped, so neither '</script>' nor '<!--' can occur. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Inline script text with '</script' and '<!--' defused ('\/' and '\u0021' mean the same in JS strings and regexes). */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\u0021--');
}

/** Estimate minus prediction: absolute, in % of |prediction| and in standard errors, where defined. */
export function estimateGap(e: Estimate): { gap?: number; percent?: number | undefined; sigmas?: number | undefined } {
  if (e.prediction == null || !Number.isFinite(e.prediction)) return {};
  const gap = e.value - e.prediction;
  return {
    gap,
    percent: e.prediction !== 0 ? (100 * gap) / Math.abs(e.prediction) : undefined,
    // Where a known bias dominates the gap, the s.e. does not measure it (Estimate.bias).
    sigmas: e.se != null && e.se > 0 && !e.bias ? gap / e.se : undefined,
  };
}

const DASH = '<span class="na">—</span>';

/** The estimates table's columns: header text (also each cell's data-label, for stacked rows). */
const ESTIMATE_COLUMNS = ['Quantity', 'Estimate ± s.e.', 'CI', 'Prediction', 'Gap', 'Gap / s.e.', 'Note'];

/**
 * The estimates as an HTML table (escaped; text in display text, subscripts in <sub>):
 * value ± s.e., CI, prediction, gap in % and in s.e.; each row carries its estimate's id
 * (data-estimate-id, and as the name's tooltip), each cell its column's name (data-label:
 * narrow screens stack a row's cells under it).
 */
export function estimatesTable(estimates: Estimate[]): string {
  if (!estimates.length) return '';
  const h = displayHtml;
  const [, cEst, cCi, cPred, cGap, cSigma, cNote] = ESTIMATE_COLUMNS.map((c) => `data-label="${escapeHtml(c)}"`);
  const rows = estimates.map((e) => {
    const { percent, sigmas } = estimateGap(e);
    const far = sigmas != null && Math.abs(sigmas) > 3 ? ' far' : '';
    const signed = (v: number, digits: number) => (v > 0 ? '+' : '') + formatNumberText(v, digits);
    const cells = [
      `<th scope="row" title="${escapeHtml(e.id)}">${h(e.name)}</th>`,
      `<td class="num" ${cEst}><span class="v">${formatNumberText(e.value, 5)}</span>${e.se != null ? ` <span class="se">± ${formatNumberText(e.se, 2)}</span>` : ''}</td>`,
      `<td class="num" ${cCi}>${e.ci ? `<span class="v">[${formatNumberText(e.ci[0], 4)},</span> <span class="v">${formatNumberText(e.ci[1], 4)}]</span>` : DASH}</td>`,
      `<td class="num" ${cPred}>${e.prediction != null ? `<span class="v">${formatNumberText(e.prediction, 5)}</span>` : DASH}${e.predictionLabel ? ` <span class="label">${h(e.predictionLabel)}</span>` : ''}</td>`,
      `<td class="num" ${cGap}>${percent != null ? `<span class="v">${signed(percent, 3)} %</span>` : DASH}</td>`,
      `<td class="num${far}" ${cSigma}>${sigmas != null ? `<span class="v">${signed(sigmas, 3)} σ</span>` : e.bias ? `<span class="label">bias: ${h(e.bias)}</span>` : DASH}</td>`,
      `<td class="note" ${cNote}>${e.note ? h(e.note) : ''}</td>`,
    ];
    return `<tr data-estimate-id="${escapeHtml(e.id)}">${cells.join('')}</tr>`;
  });
  return `<table class="estimates">
<caption>Each row: an estimate with its standard error and confidence interval, the theory's prediction, and the gap between them in % and in standard errors. Where a known bias (finite sweep rate, finite run time, finite B) dominates the gap, the row names the bias instead of a gap in standard errors.</caption>
<thead><tr>${ESTIMATE_COLUMNS.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function provenanceList(p: ProvenanceSummary, generatedAt: string): string {
  const items: [string, string][] = [
    ['Package', `${p.package} ${p.version}`],
    ['Engine', p.engine + (p.backend ? ` (${p.backend})` : '')],
    ['Adapter', p.adapter],
    ['Seeds', p.seeds.join(', ')],
    ['Run time', formatDuration(p.elapsedMs)],
    ['Router steps', `${formatSI(p.routerSteps)} (${p.routerSteps.toLocaleString('en-US')})`],
    ['Throughput', `${formatSI(p.routerStepsPerSecond)} router-steps/s`],
    ['Generated', generatedAt],
  ];
  return `<dl class="provenance">${items.map(([k, v]) => `<div><dt>${k}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>`;
}

function experimentMeta(e: ExperimentResult): string {
  const s = summarizeProvenance(e.provenance);
  const parts = [`scale: ${e.scale}`];
  if (e.specs.length) parts.push(`${e.specs.length} scan${e.specs.length === 1 ? '' : 's'}`);
  if (s)
    parts.push(
      `${formatSI(s.routerSteps)} ${stepsNoun(e.provenance)} in ${formatDuration(s.elapsedMs)} (${formatSI(s.routerStepsPerSecond)}/s)`,
      `seed${s.seeds.length === 1 ? '' : 's'} ${s.seeds.join(', ')}`,
    );
  return parts.map(escapeHtml).join(' · ');
}

function experimentSection(e: ExperimentResult): string {
  const figures = e.figures.map(
    (
      f,
      i,
    ) => `<figure class="fig fig-${f.kind}" id="${escapeHtml(`fig-${e.id}-${f.id}`)}" data-figure-id="${escapeHtml(f.id)}" data-figure-index="${i}" data-kind="${f.kind}">
<div class="fig-plot"><p class="pending">Drawing ${displayHtml(f.title || f.id)}…</p></div>
<figcaption class="readout" aria-live="polite"></figcaption>
</figure>`,
  );
  return `<section class="experiment" id="${escapeHtml(`exp-${e.id}`)}" data-experiment-id="${escapeHtml(e.id)}">
<h2>${displayHtml(e.title)} <span class="exp-id">${escapeHtml(e.id)}</span></h2>
<p class="meta">${experimentMeta(e)}</p>
<div class="figures">
${figures.join('\n')}
</div>
${estimatesTable(e.estimates)}
</section>`;
}

const STYLE = `
:root { --ink: #222; --muted: #666; --rule: #e3e3e3; --accent: #1f77b4; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 14px/1.45 "DejaVu Sans", "Helvetica Neue", Helvetica, Arial, sans-serif; }
header, main, nav { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 1px solid var(--rule); }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 18px; margin: 0 0 4px; }
.exp-id { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); font-weight: normal; margin-left: 6px; }
.provenance { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 6px 24px; margin: 0 0 18px; }
.provenance div { min-width: 0; }
.provenance dt { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.provenance dd { margin: 0; overflow-wrap: anywhere; }
nav { padding-top: 10px; padding-bottom: 10px; font-size: 13px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 16px; white-space: nowrap; }
.experiment { padding: 22px 0 10px; border-bottom: 1px solid var(--rule); }
.meta { color: var(--muted); font-size: 12.5px; margin: 0 0 12px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); gap: 16px 24px; }
.fig { margin: 0; min-width: 0; }
.fig-plot { position: relative; width: 100%; }
.fig-plot canvas.heatmap { display: block; }
.pending, .failed { color: var(--muted); font-size: 13px; margin: 40px 0; text-align: center; }
.failed { color: #b00020; }
.readout { min-height: 1.4em; font-size: 12.5px; color: var(--muted); font-variant-numeric: tabular-nums; }
.cell-mark { position: absolute; pointer-events: none; outline: 2px solid #fff; box-shadow: 0 0 0 3px rgba(0,0,0,.45); display: none; }
.estimates caption { caption-side: top; text-align: left; font-size: 12px; color: var(--muted); padding-bottom: 4px; }
.estimates { border-collapse: collapse; margin: 16px 0 8px; font-size: 13px; font-variant-numeric: tabular-nums; }
.estimates th, .estimates td { padding: 4px 12px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: baseline; }
.estimates thead th { border-bottom: 1.5px solid #999; font-size: 12px; color: var(--muted); font-weight: 600; }
.estimates tbody th { font-weight: 600; }
.estimates .num { text-align: right; }
.estimates .v, .estimates .se { white-space: nowrap; }
.estimates .se, .estimates .label, .na { color: var(--muted); }
.estimates .label { font-size: 11.5px; margin-left: 4px; overflow-wrap: anywhere; }
.estimates .far { color: #b00020; font-weight: 600; }
.estimates .note { color: var(--muted); font-size: 12px; }
.u-title { font-size: 14px !important; font-weight: bold; }
.u-legend { font-size: 12px; }
sub { font-size: 75%; line-height: 0; }
footer { max-width: 1240px; margin: 0 auto; padding: 16px 24px 32px; color: var(--muted); font-size: 12px; }
`;

export function buildReportHtml(report: ReportInput, assets: ReportAssets): string {
  const prov = report.provenanceSummary ?? summarizeProvenance(report.experiments.flatMap((e) => e.provenance));
  // the figures in display text, as the page shows them (result.json keeps their own labels)
  const data: ViewerData = { experiments: report.experiments.map((e) => ({ id: e.id, figures: e.figures.map(displayFigure) })) };
  const nav = report.experiments.map((e) => `<a href="#${escapeHtml(`exp-${e.id}`)}">${displayHtml(e.title)}</a>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(displayText(report.title))}</title>
<style>${assets.uplotCss.replace(/<\/(style)/gi, '<\\/$1')}</style>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${displayHtml(report.title)}</h1>
${prov ? provenanceList(prov, report.generatedAt) : `<p class="meta">Generated ${escapeHtml(report.generatedAt)}</p>`}
</header>
<nav>${nav}</nav>
<main>
${report.experiments.map(experimentSection).join('\n')}
</main>
<footer>Figures are drawn in the page from the data embedded in this file; hover a heatmap for cell values, drag on a line plot to zoom (double-click resets).</footer>
<script type="application/json" id="${REPORT_DATA_ID}">${embedJson(data)}</script>
<script>${inlineScript(assets.uplotJs)}</script>
<script>${inlineScript(assets.viewerJs)}</script>
</body>
</html>
`;
}
