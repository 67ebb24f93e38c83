// Unicode symbols throughout, consistently (issue 15): the HTML report, the PNG figures and
// the page write human text one way (display.ts: γ, ρ, σ, ±, →, ×, ≤, −, T_c with a
// subscript c), while what machines read (CSV columns, JSON keys and the result's own labels,
// ids, file names) stays as the experiments wrote it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCanvas } from '@napi-rs/canvas';
import type { ExperimentResult, HeatmapFigure, LineFigure } from '../src/experiments/types.js';
import { displayFigure, displayHtml, displayText, subscriptRuns } from '../src/report/display.js';
import { drawFigure, FONT_FAMILY, type DrawContext } from '../src/report/draw.js';
import { buildReportHtml, REPORT_DATA_ID, type ViewerData } from '../src/report/html.js';
import { renderFigurePng } from '../src/report/png.js';
import { tableToCsv } from '../src/report/tables.js';
import { displayedStandIns, figureTexts, htmlText, standIns } from './helpers/unicode.js';

/** Labels as the experiments write many of them: ASCII names. */
function asciiLines(): LineFigure {
  return {
    kind: 'lines',
    id: 'tc-vs-gamma',
    title: 'T_c from 1/Var(y) vs gamma, against a/(2 gamma) -> 0',
    x: { label: 'gamma t' },
    y: { label: 'T / T_c' },
    series: [
      { label: 'mean u_hat +-1 s.d.', x: [1, 2, 3], y: [0.5, 0.6, 0.7], lower: [0.4, 0.5, 0.6], upper: [0.6, 0.7, 0.8] },
      { label: 'a - rho <= 2 gamma T', x: [1, 3], y: [1, 1], style: 'dashed' },
    ],
    vlines: [
      { x: 1.5, label: 'T_sn = a/(K_sn gamma)' },
      { x: 2.5, label: '-H(a)' },
    ],
  };
}

function asciiHeatmap(): HeatmapFigure {
  return {
    kind: 'heatmap',
    id: 'map',
    title: 'final |u_hat| over (T, gamma), 4 x 4 cells',
    x: { label: 'T', values: [1, 2] },
    y: { label: 'sigma', values: [1, 2] },
    z: [
      [0, 1],
      [1, 0],
    ],
    zLabel: 'lambda_lb',
    overlays: [{ label: 'u_c = a - N gamma T', x: [1, 2], y: [1, 2] }],
  };
}

test('displayText: each ASCII stand-in becomes its symbol, once; identifiers and numbers stay', () => {
  const cases: [string, string][] = [
    ['a - rho = 2 gamma T', 'a − ρ = 2γT'],
    ['T_c = a/(2 gamma), K = a/(gamma T), 1/(gamma t) -> 0', 'T_c = a/(2γ), K = a/(γT), 1/(γt) → 0'],
    ['sigma, lambda_lb, eta, u_hat, y_hat, lambdaLb', 'σ, λ_lb, η, û, ŷ, lambdaLb'],
    ['+-1 s.d., +/- 2, a <= b, a >= b, a != b', '±1 s.d., ± 2, a ≤ b, a ≥ b, a ≠ b'],
    ['4 temperatures x 4 blocks, 8x8 digits, t = step * eta', '4 temperatures × 4 blocks, 8×8 digits, t = step × η'],
    ['chi2 1.3/2, s^2, t = infinity, sqrt(B)', 'χ² 1.3/2, s², t = ∞, √(B)'],
    ['|T/T_c - 1|, w(r) - w0, h_up - h_down, -H(a), h = -4, spp^(-2/3)', '|T/T_c − 1|, w(r) − w0, h_up − h_down, −H(a), h = −4, spp^(−2/3)'],
    ['top-1, 1e-5, fig8.tc-slope, 3 gamma rows, at gamma = 0.5', 'top-1, 1e-5, fig8.tc-slope, 3 γ rows, at γ = 0.5'],
    ['up -- down', 'up — down'],
  ];
  for (const [ascii, shown] of cases) {
    assert.ok(standIns(ascii).length > 0, `the stand-ins in ${JSON.stringify(ascii)} are found`);
    assert.equal(displayText(ascii), shown);
    assert.equal(displayText(shown), shown, 'idempotent');
    assert.deepEqual(standIns(shown), [], shown);
  }
  // what stays: names in code and files, and text without symbols
  for (const s of ['final_abs_mean_u', 'T_c_fit', 'every_kth_point', 'mean field: upper stable branch']) assert.equal(displayText(s), s);
  assert.ok(standIns('T_c_fit').length > 0, 'an underscore that is no subscript is a stand-in');
});

test('subscripts: T_c is T and a subscript c; HTML sets <sub> (escaped); identifiers are not subscripts', () => {
  assert.deepEqual(subscriptRuns('T_c = a/(2γ)'), [
    { text: 'T', sub: false },
    { text: 'c', sub: true },
    { text: ' = a/(2γ)', sub: false },
  ]);
  assert.deepEqual(
    subscriptRuns('max_i l_i').map((r) => r.text),
    ['max', 'i', ' l', 'i'],
  );
  for (const s of ['every_kth_point', 'T_c_fit', 'a_', 'plain']) assert.deepEqual(subscriptRuns(s), [{ text: s, sub: false }]);
  assert.equal(displayHtml('T_c <fit> & a_eff = a - rho'), 'T<sub>c</sub> &lt;fit&gt; &amp; a<sub>eff</sub> = a − ρ');
});

test('the HTML report: titles, navigation, estimates and embedded figure labels in Unicode; ids, data and the result untouched', () => {
  const result: ExperimentResult = {
    id: 'fig9',
    title: 'Fig. 9: onset vs T_c, and T_c from 1/Var(y) (gamma rows)',
    scale: 'quick',
    specs: [],
    provenance: [],
    observables: {},
    predictions: {},
    figures: [asciiLines(), asciiHeatmap()],
    tables: [{ name: 'fig9-onset', columns: ['gamma', 'T_c', 'T_c_fit', 'onset_over_T_c'], rows: [[0.5, 3, 2.9, 0.97]] }],
    estimates: [
      {
        id: 'fig9.tc.gamma=0.5',
        name: 'T_c from 1/Var(y) at gamma = 0.5',
        value: 2.99,
        se: 0.03,
        prediction: 3,
        predictionLabel: 'T_c = a/(2 gamma)',
        note: '4 temperatures x 4 blocks; chi2 1.3/2',
      },
      { id: 'fig9.width', name: 'width h_up - h_down', value: 0.1, bias: 'finite sweep rate r -> 0, a - rho <= 2 gamma T' },
    ],
  };
  const before = JSON.stringify(result);
  const html = buildReportHtml(
    { title: 'moe-cusp: gamma and rho', generatedAt: '2026-12-02T00:00:00Z', experiments: [result] },
    { uplotJs: '', uplotCss: '', viewerJs: '' },
  );
  assert.equal(JSON.stringify(result), before, 'the result (and so result.json) keeps its own labels');

  // the static page: no stand-in, no underscore; T_c as T<sub>c</sub>
  const text = htmlText(html);
  assert.deepEqual(standIns(text), []);
  assert.ok(!text.includes('_'), `an underscore in the report's text: ${text.match(/.{0,30}_.{0,30}/)?.[0]}`);
  assert.ok(html.includes('<h2>Fig. 9: onset vs T<sub>c</sub>, and T<sub>c</sub> from 1/Var(y) (γ rows) <span'), 'the heading');
  assert.ok(html.includes('<title>moe-cusp: γ and ρ</title>') && html.includes('<h1>moe-cusp: γ and ρ</h1>'));
  assert.ok(html.includes('>T<sub>c</sub> from 1/Var(y) at γ = 0.5</th>'), 'the estimate name');
  for (const s of [
    'T<sub>c</sub> = a/(2γ)',
    '4 temperatures × 4 blocks; χ² 1.3/2',
    'bias: finite sweep rate r → 0, a − ρ ≤ 2γT',
    'width h<sub>up</sub> − h<sub>down</sub>',
  ])
    assert.ok(html.includes(s), s);
  // ids stay as they are: anchors, data attributes, tooltips
  assert.ok(html.includes('data-estimate-id="fig9.tc.gamma=0.5"') && html.includes('title="fig9.tc.gamma=0.5"'));

  // the figures the viewer draws: display text, same ids and numbers
  const data = JSON.parse(html.match(new RegExp(`<script type="application/json" id="${REPORT_DATA_ID}">(.*?)</script>`, 's'))![1]) as ViewerData;
  const shown = data.experiments[0].figures;
  assert.deepEqual(displayedStandIns('fig9', shown, []), []);
  assert.deepEqual(shown, result.figures.map(displayFigure));
  assert.deepEqual(
    shown.map((f) => f.id),
    ['tc-vs-gamma', 'map'],
  );
  assert.ok(displayedStandIns('raw', result.figures, result.estimates).length === 0, 'displayed, none is left');
  assert.ok(
    result.figures.flatMap(figureTexts).some((t) => standIns(t).length),
    'the raw labels have stand-ins to find',
  );

  // CSV: the columns as the experiment named them, ASCII
  assert.equal(tableToCsv(result.tables[0]).split('\n')[0], 'gamma,T_c,T_c_fit,onset_over_T_c');
});

/** A context that records each fillText with its font, drawing on a real canvas. */
function recording(width: number, height: number) {
  const ctx = createCanvas(width, height).getContext('2d');
  const calls: { text: string; font: string; x: number; y: number }[] = [];
  const fill = ctx.fillText.bind(ctx);
  ctx.fillText = (text: string, x: number, y: number) => {
    calls.push({ text, font: ctx.font, x, y });
    fill(text, x, y);
  };
  return { ctx: ctx as unknown as DrawContext, calls };
}

test('PNG figures: labels in display text, subscripts set smaller and lower, never an underscore', () => {
  for (const fig of [asciiLines(), asciiHeatmap()]) {
    // the CLI's PNG draws the display text of the figure it is given
    assert.ok(
      renderFigurePng(fig, { width: 500, height: 360 }).equals(renderFigurePng(displayFigure(fig), { width: 500, height: 360 })),
      `${fig.id}: renderFigurePng shows display text`,
    );
    const { ctx, calls } = recording(500, 360);
    drawFigure(ctx, displayFigure(fig), { width: 500, height: 360 });
    const drawn = calls.map((c) => c.text).join(' | ');
    assert.deepEqual(standIns(drawn), [], drawn);
    assert.ok(!drawn.includes('_'), drawn);
  }
  // T_c: a T, then a c at 72% of its size with its baseline lower
  const { ctx, calls } = recording(500, 360);
  drawFigure(ctx, displayFigure(asciiLines()), { width: 500, height: 360 });
  const axis = calls.findIndex((c) => c.text === 'T / T');
  assert.ok(axis >= 0, calls.map((c) => c.text).join(' | '));
  const [base, sub] = [calls[axis], calls[axis + 1]];
  assert.equal(sub.text, 'c');
  const px = (f: string) => Number(/(\d+(?:\.\d+)?)px/.exec(f)![1]);
  assert.ok(Math.abs(px(sub.font) / px(base.font) - 0.72) < 0.01, `${sub.font} after ${base.font}`);
  assert.ok(sub.y > base.y && sub.x > base.x, 'lower, after the T');
});

test('PNG font: every symbol the labels use has a glyph (no missing-glyph box)', () => {
  renderFigurePng(asciiLines(), { width: 200, height: 150 }); // registers DejaVu Sans
  const glyph = (ch: string) => {
    const c = createCanvas(48, 48);
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 48, 48);
    g.fillStyle = '#000';
    g.font = `32px ${FONT_FAMILY}`;
    g.fillText(ch, 6, 36);
    return Buffer.from(g.getImageData(0, 0, 48, 48).data);
  };
  const blank = glyph(' ');
  // code points no font here covers draw the missing-glyph box (or nothing)
  const missing = [glyph('\uA700'), glyph('\u{10FFFD}')];
  const symbols = [...'γρσηλβμτθεΔχûŷ±→≤≥≠×√−—–²∞·…₁₊₋'];
  for (const s of symbols) {
    const img = glyph(s);
    assert.ok(!img.equals(blank), `${s} (U+${s.codePointAt(0)!.toString(16)}) draws nothing`);
    for (const m of missing) assert.ok(!img.equals(m), `${s} (U+${s.codePointAt(0)!.toString(16)}) draws the missing-glyph box`);
  }
});
