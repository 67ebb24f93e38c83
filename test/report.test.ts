// Tests for src/report: ticks, cell edges and hover lookup (draw.ts), the PNGs (png.ts),
// and the self-contained HTML report opened from disk in headless Chromium.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Provenance } from '../src/core/scan.js';
import type { ExperimentResult, HeatmapFigure, LineFigure } from '../src/experiments/types.js';
import {
  cellEdges,
  figureLayout,
  formatTick,
  heatmapAxisIsLog,
  heatmapCellAt,
  lineDomains,
  logTicks,
  niceTicks,
  OVERLAY_COLORS,
  viridis,
  xToPixel,
  yToPixel,
} from '../src/report/draw.js';
import {
  HEATMAP_ROLE_COLORS,
  LINE_ROLE_COLORS,
  overlayColor,
  RAMP_COLORS,
  roleColor,
  SERIES_COLORS,
  seriesColor,
  vlineColor,
} from '../src/report/colors.js';
import { formatDuration, formatNumber } from '../src/report/format.js';
import { contrastRatio, LINE_ROLE_COLORS_DARK, RAMP_COLORS_DARK, SERIES_COLORS_DARK, THEME_COLORS } from '../src/report/colors.js';
import { displayEstimate, displayFigure, displayText, subscriptRuns } from '../src/report/display.js';
import { segmentMeetsRect, wrapText } from '../src/report/draw.js';
import { exportName, figureCaption, figurePngText } from '../src/report/exports.js';
import { readPngText, withPngText } from '../src/report/png-text.js';
import { csvNumber, tableToCsv } from '../src/report/tables.js';
import { scanDescription } from '../src/experiments/run.js';
import { customTitle } from '../src/experiments/spec-describe.js';
import { parseSpec } from '../src/experiments/spec.js';
import { PRESETS, presetSpecs } from '../src/experiments/presets/index.js';
import { buildReportHtml, embedJson, estimateGap, estimatesTable, REPORT_DATA_ID } from '../src/report/html.js';
import { loadReportAssets } from '../src/report/assets.js';
import { renderFigurePng } from '../src/report/png.js';
import { browserSkip, launchBrowser } from './helpers/browser.js';

// ---------------------------------------------------------------------------------------
// Synthetic results: what the experiments produce, with the awkward cases in them.
// ---------------------------------------------------------------------------------------

const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
const logspace = (a: number, b: number, n: number) => linspace(Math.log10(a), Math.log10(b), n).map((e) => 10 ** e);

function provenance(seed: number, elapsedMs: number, routerSteps: number): Provenance {
  return {
    package: 'moe-cusp',
    version: '0.0.0-test',
    engine: 'webgpu',
    adapter: 'llvmpipe (test)',
    backend: 'vulkan',
    sampler: 'btrs-inversion',
    seed,
    startedAt: '2026-01-01T00:00:00.000Z',
    elapsedMs,
    routers: 1000,
    routerSteps,
    routerStepsPerSecond: (routerSteps * 1000) / elapsedMs,
  };
}

/** (T, gamma) map at a = 3: mean-field |u| above T_c = a / (2 gamma), a few cells without data. */
function cuspMap(): HeatmapFigure {
  const T = linspace(0.25, 3, 23),
    gamma = logspace(0.1, 10, 21),
    a = 3;
  const z = gamma.map((g, iy) => T.map((t, ix) => (ix === 4 && iy === 7 ? null : a > 2 * g * t ? Math.sqrt(1 - (2 * g * t) / a) : 0.02)));
  const curve = logspace(0.1, 10, 60);
  return {
    kind: 'heatmap',
    id: 'abs-load',
    title: 'Final |û| over (T, γ), a = 3 </script><!-- & "q"',
    x: { label: 'T', values: T },
    y: { label: 'γ', values: gamma },
    z,
    zLabel: 'mean |û|',
    zRange: [0, 1],
    overlays: [{ label: 'a = 2γT', x: curve.map((g) => a / (2 * g)), y: curve, dashed: true }],
  };
}

/** Hysteresis loop at a = 4: up sweep with a band and a gap, down sweep as points, mean field dashed. */
function hysteresis(): LineFigure {
  const h = linspace(-1.6, 1.6, 41),
    H = 1.06568;
  const up = h.map((v) => (v < H ? -0.8 + 0.05 * v : 0.8 + 0.05 * v));
  const down = h.map((v) => (v > -H ? 0.8 + 0.05 * v : -0.8 + 0.05 * v));
  const upY = up.map((v, i) => (i === 20 ? null : v));
  return {
    kind: 'lines',
    id: 'loop',
    title: 'Hysteresis loop, a = 4',
    x: { label: 'h' },
    y: { label: 'mean û', range: [-1.1, 1.1] },
    series: [
      { label: 'up sweep', x: h, y: upY, lower: up.map((v) => v - 0.08), upper: up.map((v) => v + 0.08) },
      { label: 'down sweep', x: h, y: down, style: 'points' },
      { label: 'mean field', x: h, y: h.map((v) => Math.tanh(2 * v)), style: 'dashed' },
    ],
    vlines: [
      { x: -H, label: '−H(a)' },
      { x: H, label: 'H(a)' },
    ],
  };
}

/** Convergence of an onset estimate with run length, log x. */
function convergence(): LineFigure {
  const steps = logspace(100, 1e6, 9);
  return {
    kind: 'lines',
    id: 'onset-vs-steps',
    title: 'Onset vs run length',
    x: { label: 'steps', log: true },
    y: { label: 'onset T' },
    series: [
      {
        label: 'measured onset',
        x: steps,
        y: steps.map((n) => 1.5 - 3 / Math.sqrt(n)),
        style: 'points',
        lower: steps.map((n) => 1.5 - 4 / Math.sqrt(n)),
        upper: steps.map((n) => 1.5 - 2 / Math.sqrt(n)),
      },
      { label: 'T_c = a/(2γ)', x: [100, 1e6], y: [1.5, 1.5], style: 'dashed' },
    ],
  };
}

function syntheticResults(): ExperimentResult[] {
  const base = { specs: [], tables: [], observables: {}, predictions: {} };
  return [
    {
      ...base,
      id: 'fig8-cusp-map',
      title: 'Symmetry breaking over (T, γ)',
      scale: 'quick',
      provenance: [provenance(1, 1500, 3e9)],
      figures: [cuspMap()],
      estimates: [],
    },
    {
      ...base,
      id: 'fig7-hysteresis',
      title: 'Hysteresis <loop> & folds',
      scale: 'quick',
      provenance: [provenance(2, 900, 1.2e9)],
      figures: [hysteresis()],
      estimates: [
        { id: 'fig7-hysteresis.width', name: 'loop width', value: 2.2, se: 0.03, prediction: 2.13136, predictionLabel: '2H(a)' },
        {
          id: 'fig7-hysteresis.switch-up',
          name: 'up switch',
          value: 1.02,
          se: 0.004,
          prediction: 1.06568,
          predictionLabel: 'H(a)',
          note: 'finite sweep speed',
        },
      ],
    },
    {
      ...base,
      id: 'fig9-onset',
      title: 'Finite-time onset',
      scale: 'quick',
      provenance: [provenance(3, 2500, 5e9)],
      figures: [convergence()],
      estimates: [
        { id: 'fig9-onset.tc', name: 'T_c from 1/Var(y)', value: 1.4987, ci: [1.495, 1.5024], prediction: 1.5, predictionLabel: 'a/(2γ)' },
        { id: 'fig9-onset.onset.steps=1000000', name: 'onset at 10^6 steps', value: 1.497 },
      ],
    },
  ];
}

/** Degenerate inputs every renderer must survive: one cell, no data, no series, log axes with zeros. */
function edgeCases(): ExperimentResult {
  const heat = (id: string, x: number[], y: number[], z: (number | null)[][]): HeatmapFigure => ({
    kind: 'heatmap',
    id,
    title: '',
    x: { label: 'x', values: x },
    y: { label: '', values: y },
    z,
    zLabel: '',
    overlays: [],
  });
  const lines = (id: string, series: LineFigure['series'], log = false): LineFigure => ({
    kind: 'lines',
    id,
    title: id,
    x: { label: 'x', log },
    y: { label: 'y', log },
    series,
  });
  return {
    id: 'edge-cases',
    title: 'Edge cases',
    scale: 'test',
    specs: [],
    provenance: [],
    estimates: [],
    tables: [],
    observables: null,
    predictions: null,
    figures: [
      heat('one-cell', [1], [2], [[0.5]]),
      heat(
        'no-data',
        [3, 2, 1],
        [0, 1],
        [
          [null, null, null],
          [null, null, null],
        ],
      ),
      lines('no-series', []),
      lines('all-null', [{ label: 's', x: [1, 2, 3], y: [null, null, null] }]),
      lines('log-with-zeros', [{ label: 's', x: [0, 1, 10, 100], y: [0, -1, 5, 50], lower: [null, 0, 4, 40], upper: [null, 1, 6, 60] }], true),
      lines('one-point', [{ label: '', x: [2], y: [3], style: 'points' }]),
    ],
  };
}

// ---------------------------------------------------------------------------------------
// draw.ts: ticks, edges, layout, hover
// ---------------------------------------------------------------------------------------

test('niceTicks: round steps of 1, 2 or 5 x 10^k inside the range, no float noise', () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-0.37, 2.1, 5), [0, 0.5, 1, 1.5, 2]);
  assert.deepEqual(niceTicks(0.1, 0.35, 5), [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  assert.deepEqual(niceTicks(-1.1, 1.1, 4), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(niceTicks(1200, 9800, 4), [2000, 4000, 6000, 8000]);
  assert.deepEqual(niceTicks(2, 2), [2]);
  assert.ok(niceTicks(0, 0.3, 3).every((v) => String(v).length <= 4));
});

test('logTicks: decades, 1-2-5 on short ranges, strided decades on long ones, linear fallback', () => {
  const d = logTicks(1e-3, 100);
  assert.deepEqual(d.major, [0.001, 0.01, 0.1, 1, 10, 100]);
  assert.ok(d.minor.includes(0.002) && d.minor.includes(50) && !d.minor.includes(1));
  assert.deepEqual(logTicks(0.5, 3).major, [0.5, 1, 2]);
  assert.deepEqual(logTicks(1, 1e12, 4).major, [1, 1e3, 1e6, 1e9, 1e12]);
  assert.deepEqual(logTicks(1.1, 1.9, 4).major, niceTicks(1.1, 1.9, 4));
});

test('formatTick and formatNumber: decimals from the step, exponents far from 1, real minus', () => {
  assert.equal(formatTick(0.30000000000000004, 0.1), '0.3');
  assert.equal(formatTick(-0.5, 0.05), '\u22120.50');
  assert.equal(formatTick(2, 0.5), '2.0');
  assert.equal(formatTick(2000, 1000), '2000');
  assert.equal(formatTick(1.5e6, 5e5), '1.5e6');
  assert.equal(formatNumber(1234.5678), '1235');
  assert.equal(formatNumber(0.000012345, 3), '1.23e-5');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatDuration(119_700), '2 min 00 s');
});

test('cellEdges: midpoints, mirrored ends, geometric on log axes; log detection', () => {
  assert.deepEqual(cellEdges([0, 1, 3]), [-0.5, 0.5, 2, 4]);
  const log = cellEdges([1, 10, 100], true);
  [Math.sqrt(0.1), Math.sqrt(10), Math.sqrt(1000), Math.sqrt(1e5)].forEach((v, i) => assert.ok(Math.abs(log[i] / v - 1) < 1e-12));
  assert.equal(cellEdges([2]).length, 2);
  assert.equal(heatmapAxisIsLog(logspace(0.1, 10, 5)), true);
  assert.equal(heatmapAxisIsLog([0.01, 0.03, 0.1, 0.3, 1]), true);
  assert.equal(heatmapAxisIsLog(linspace(0.1, 3, 30)), false);
  assert.equal(heatmapAxisIsLog(linspace(0.5, 3, 6)), false);
});

test('heatmapCellAt: the cell under a pixel, on linear and log axes; null outside', () => {
  const fig = cuspMap(),
    l = figureLayout(fig, { width: 640, height: 440 });
  for (const [ix, iy] of [
    [0, 0],
    [4, 7],
    [11, 13],
    [22, 20],
  ]) {
    const px = xToPixel(l, fig.x.values[ix]),
      py = yToPixel(l, fig.y.values[iy]);
    const cell = heatmapCellAt(fig, l, px, py);
    assert.ok(cell, `cell ${ix},${iy}`);
    assert.deepEqual([cell.ix, cell.iy, cell.x, cell.y, cell.z], [ix, iy, fig.x.values[ix], fig.y.values[iy], fig.z[iy][ix]]);
    assert.ok(px >= cell.rect.left && px <= cell.rect.left + cell.rect.width && py >= cell.rect.top && py <= cell.rect.top + cell.rect.height);
  }
  // the log y axis makes the cells equally tall
  const h = (iy: number) => heatmapCellAt(fig, l, xToPixel(l, 1), yToPixel(l, fig.y.values[iy]))!.rect.height;
  assert.ok(Math.abs(h(1) - h(18)) < 1e-6);
  assert.equal(heatmapCellAt(fig, l, 2, 2), null);
  assert.equal(heatmapCellAt(fig, l, l.plot.left + l.plot.width + 3, l.plot.top + 10), null);
  assert.ok(l.colorbar && l.colorbar.rect.left > l.plot.left + l.plot.width);
});

test('lineDomains: explicit ranges kept, data, bands and vlines padded into view', () => {
  const d = lineDomains(hysteresis());
  assert.deepEqual(d.y, [-1.1, 1.1]);
  assert.ok(d.x[0] < -1.6 && d.x[1] > 1.6);
  const c = lineDomains(convergence());
  assert.ok(c.x[0] < 100 && c.x[0] > 50 && c.x[1] > 1e6 && c.y[0] < 1.5 - 0.4);
});

// ---------------------------------------------------------------------------------------
// png.ts
// ---------------------------------------------------------------------------------------

async function decode(png: Buffer): Promise<{ width: number; height: number; rgba: Uint8ClampedArray }> {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height),
    ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, rgba: ctx.getImageData(0, 0, img.width, img.height).data };
}

function countNear(rgba: Uint8ClampedArray, [r, g, b]: number[], tol = 30): number {
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) if (Math.abs(rgba[i] - r) + Math.abs(rgba[i + 1] - g) + Math.abs(rgba[i + 2] - b) <= tol) n++;
  return n;
}

test('renderFigurePng: PNG of the asked size, not blank, heatmap colours and overlay drawn', async () => {
  const hex = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  for (const fig of syntheticResults().flatMap((e) => e.figures)) {
    for (const dpr of [1, 2]) {
      const png = renderFigurePng(fig, { width: 640, height: 420, dpr });
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [640 * dpr, 420 * dpr], 'IHDR size');
      const { rgba } = await decode(png);
      const colours = new Set<number>();
      for (let i = 0; i < rgba.length; i += 4) colours.add(((rgba[i] >> 4) << 8) | ((rgba[i + 1] >> 4) << 4) | (rgba[i + 2] >> 4));
      assert.ok(colours.size > (fig.kind === 'heatmap' ? 40 : 8), `${fig.id}: ${colours.size} colours`);
      const white = countNear(rgba, [255, 255, 255], 6),
        total = rgba.length / 4;
      assert.ok(white > 0.05 * total && white < 0.995 * total, `${fig.id}: background and ink`);
      if (fig.kind === 'heatmap') {
        assert.ok(countNear(rgba, hex(OVERLAY_COLORS[0]), 40) > 60 * dpr, `${fig.id}: overlay colour`);
        const zs = fig.z.flat().filter((v): v is number => v != null);
        for (const t of [Math.min(...zs), Math.max(...zs)]) {
          assert.ok(countNear(rgba, /\d+,\d+,\d+/.exec(viridis(t))![0].split(',').map(Number), 6) > 100, `viridis(${t}) cells`);
        }
      } else {
        assert.ok(countNear(rgba, hex('#1f77b4'), 40) > 50, `${fig.id}: first series colour`);
      }
    }
  }
});

// ---------------------------------------------------------------------------------------
// html.ts + viewer.ts in a browser
// ---------------------------------------------------------------------------------------

test('renderFigurePng: degenerate figures still give a framed, labelled PNG', async () => {
  for (const fig of edgeCases().figures) {
    const { width, height, rgba } = await decode(renderFigurePng(fig, { width: 400, height: 300 }));
    assert.deepEqual([width, height], [400, 300]);
    assert.ok(countNear(rgba, [0x44, 0x44, 0x44], 40) > 200, `${fig.id}: axes frame`);
  }
});

test('estimateGap: absolute, percent of the prediction, and standard errors', () => {
  const g = estimateGap({ id: 'x.w', name: 'w', value: 2.2, se: 0.05, prediction: 2 });
  assert.ok(Math.abs(g.gap! - 0.2) < 1e-12 && Math.abs(g.percent! - 10) < 1e-9 && Math.abs(g.sigmas! - 4) < 1e-9);
  assert.deepEqual(estimateGap({ id: 'x.v', name: 'v', value: 1 }), {});
  assert.equal(estimateGap({ id: 'x.v', name: 'v', value: 1, prediction: 0 }).percent, undefined);
});

test('colors.ts: roles map to colours per surface; numbers index the palette, ramps the ramp, no role the position', () => {
  assert.equal(roleColor('measured', 'lines', 5), LINE_ROLE_COLORS.measured);
  assert.equal(roleColor('theory', 'heatmap', 0), HEATMAP_ROLE_COLORS.theory);
  assert.equal(roleColor(2, 'lines', 0), SERIES_COLORS[2]);
  assert.equal(roleColor(SERIES_COLORS.length + 1, 'lines', 0), SERIES_COLORS[1]);
  assert.equal(roleColor({ ramp: 1 }, 'lines', 0), RAMP_COLORS[1]);
  assert.equal(roleColor(undefined, 'lines', 3), SERIES_COLORS[3]);
  assert.equal(roleColor(undefined, 'heatmap', 1), OVERLAY_COLORS[1]);
  assert.equal(seriesColor({ label: '', x: [], y: [], role: 'up' }, 0), LINE_ROLE_COLORS.up);
  assert.equal(overlayColor({ label: '', x: [], y: [], role: 'onset' }, 0), HEATMAP_ROLE_COLORS.onset);
  assert.equal(vlineColor({ x: 0, label: '' }), LINE_ROLE_COLORS.reference);
  // every colour is a #rrggbb the band code (charts.ts withAlpha) and the legend's light-colour test understand
  for (const c of [...Object.values(LINE_ROLE_COLORS), ...Object.values(HEATMAP_ROLE_COLORS), ...SERIES_COLORS, ...OVERLAY_COLORS, ...RAMP_COLORS]) {
    assert.match(c, /^#[0-9a-f]{6}$/);
  }
});

test('estimatesTable: each row carries its estimate id (data attribute and tooltip), escaped', () => {
  const html = estimatesTable([
    { id: 'fig9.tc.gamma=0.5', name: 'T_c <fit>', value: 3 },
    { id: 'a"b', name: 'q', value: 1 },
  ]);
  assert.match(html, /<tr data-estimate-id="fig9\.tc\.gamma=0\.5"><th scope="row" title="fig9\.tc\.gamma=0\.5">T<sub>c<\/sub> &lt;fit&gt;<\/th>/);
  assert.match(html, /<tr data-estimate-id="a&quot;b">/);
});

test('estimatesTable: a caption says how to read it; a known bias replaces the gap in s.e.', () => {
  const html = estimatesTable([
    { id: 'x.raw', name: 'raw width', value: 2.5, se: 1e-4, prediction: 2.131, bias: 'finite sweep rate r = 0.001' },
    { id: 'x.w0', name: 'slow limit', value: 2.1305, se: 5e-4, prediction: 2.131 },
  ]);
  assert.match(html, /<caption>Each row: an estimate with its standard error/);
  const [raw, w0] = html.split('<tr data-estimate-id=').slice(1);
  assert.match(raw, /bias: finite sweep rate r = 0\.001/);
  assert.doesNotMatch(raw, /σ|class="num far"/, 'no alarm for a known bias (3690 s.e. otherwise)');
  assert.match(w0, /−1 σ/);
  assert.equal(estimateGap({ id: 'b', name: 'b', value: 2, se: 0.1, prediction: 1, bias: 'finite time' }).sigmas, undefined);
});

test('buildReportHtml: one file, data embedded without breaking out of its <script>', () => {
  assert.ok(!/<\/script|<!--/i.test(embedJson({ s: '</script><!-- x' })));
  assert.deepEqual(JSON.parse(embedJson({ s: '</script><!-- \u2028' })), { s: '</script><!-- \u2028' });
  const html = buildReportHtml({ title: 'Report <test>', generatedAt: '2026-01-01T00:00:00Z', experiments: syntheticResults() }, loadReportAssets());
  assert.equal(html.match(/<\/script>/g)?.length, 3, 'only the three real closing tags');
  assert.ok(
    !/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/i.test(html.replace(/<script>[\s\S]*?<\/script>/g, '')),
    'no external resources',
  );
  assert.ok(html.includes('<title>Report &lt;test&gt;</title>'));
  assert.ok(html.includes(`id="${REPORT_DATA_ID}"`));
});

let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
after(async () => {
  await browser?.close();
});

test('report.html opens from disk in Chromium: every figure drawn, no errors, estimates tables, hover', { skip: browserSkip() }, async () => {
  const experiments = [...syntheticResults(), edgeCases()];
  const dir = mkdtempSync(join(tmpdir(), 'moe-cusp-report-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, buildReportHtml({ title: 'Synthetic report', generatedAt: '2026-01-01T00:00:00Z', experiments }, loadReportAssets()));

  browser ??= await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(5000);
  const errors: string[] = [],
    requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-rendered="true"]', { timeout: 15_000 });
  const figures = experiments.flatMap((e) => e.figures);

  assert.deepEqual(errors, []);
  assert.deepEqual(requests, [], 'no network');
  const body = await page.evaluate(() => ({ ...document.body.dataset }));
  assert.equal(body.figures, String(figures.length));
  assert.equal(body.failed, '0');
  for (const e of experiments) {
    assert.equal(await page.locator(`section[data-experiment-id="${e.id}"]`).count(), 1);
    for (const f of e.figures) {
      const el = page.locator(`section[data-experiment-id="${e.id}"] [data-figure-id="${f.id}"]`);
      assert.equal(await el.count(), 1, f.id);
      // a heatmap is one canvas of ours; uPlot draws on its own canvas inside .uplot
      const sel = f.kind === 'heatmap' ? 'canvas.heatmap' : '.uplot canvas';
      assert.equal(await el.locator(sel).count(), 1, `${f.id}: ${sel}`);
      const box = await el.locator(sel).boundingBox();
      assert.ok(box && box.width > 300 && box.height > 200, `${f.id}: size`);
    }
  }
  assert.ok((await page.locator('canvas').count()) >= figures.length);

  // Estimates: one row per estimate, name first; the 1/Var(y) row has a CI and no se.
  for (const e of experiments) {
    const rows = page.locator(`section[data-experiment-id="${e.id}"] table.estimates tbody tr`);
    assert.equal(await rows.count(), e.estimates.length, e.id);
    for (let i = 0; i < e.estimates.length; i++) {
      // rows are found by the estimate's id; the name is what they show
      const row = page.locator(`section[data-experiment-id="${e.id}"] table.estimates tbody tr[data-estimate-id="${e.estimates[i].id}"]`);
      assert.equal(await row.count(), 1, e.estimates[i].id);
      // in display text, subscripts (T_c) set in <sub>
      const shown = subscriptRuns(displayText(e.estimates[i].name));
      assert.equal((await row.locator('th').textContent())?.trim(), shown.map((r) => r.text).join(''));
      assert.equal(await row.locator('th sub').count(), shown.filter((r) => r.sub).length);
      assert.equal(await row.locator('th').getAttribute('title'), e.estimates[i].id);
    }
  }
  const loop = page.locator('section[data-experiment-id="fig7-hysteresis"] tr[data-estimate-id="fig7-hysteresis.width"]');
  assert.match((await loop.textContent()) ?? '', /2\.2.*± 0\.03.*2\.131.*\+3\.22 %.*\+2\.29 σ/);
  assert.match((await page.locator('tr[data-estimate-id="fig7-hysteresis.switch-up"] .far').textContent()) ?? '', /^−11\.4 σ$/);
  assert.match((await page.locator('tr[data-estimate-id="fig9-onset.tc"]').textContent()) ?? '', /\[1\.495, 1\.502\]/);
  assert.equal(
    await page.locator('section[data-experiment-id="fig7-hysteresis"] h2').evaluate((h) => h.firstChild?.textContent?.trim()),
    'Hysteresis <loop> & folds',
  );

  // Hover over a heatmap cell reads out x, y and z.
  const canvas = page.locator('[data-figure-id="abs-load"] canvas.heatmap');
  const cb = (await canvas.boundingBox())!;
  await page.mouse.move(cb.x + cb.width * 0.5, cb.y + cb.height * 0.5);
  const readout = (await page.locator('[data-figure-id="abs-load"] .readout').textContent()) ?? '';
  assert.match(readout, /^T = [\d.]+, {2}γ = [\d.]+, {2}mean \|û\| = ([\d.]+|no data)$/);
  await page.close();
});

// ---------------------------------------------------------------------------------------
// Exports that explain themselves, legends off the data, titles in full, themes (issue 15)
// ---------------------------------------------------------------------------------------

test('csvNumber and tableToCsv: no float noise (12 significant digits at most), integers exact, missing values empty', () => {
  assert.equal(csvNumber(0.1 + 0.2), '0.3');
  assert.equal(csvNumber(-(0.1 + 0.2)), '-0.3');
  assert.equal(csvNumber(1 / 3), '0.333333333333');
  assert.equal(csvNumber(0.1234), '0.1234');
  assert.equal(csvNumber(2.675), '2.675');
  assert.equal(csvNumber(3e-7), '3e-7');
  assert.equal(csvNumber(Number.MAX_SAFE_INTEGER), '9007199254740991');
  assert.equal(csvNumber(123456789012345), '123456789012345');
  assert.equal(csvNumber(NaN), '');
  const grid = Array.from({ length: 11 }, (_, i) => 0.1 * i); // 0.30000000000000004, 0.6000000000000001, ...
  const csv = tableToCsv({ name: 't', columns: ['x', 'y', 'note'], rows: grid.map((x) => [x, x * 3, x > 0.5 ? 'a, "b"' : null]) });
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'x,y,note');
  assert.equal(lines[4], '0.3,0.9,');
  assert.equal(lines[8], '0.7,2.1,"a, ""b"""');
  for (const cell of lines
    .slice(1)
    .flatMap((l) => l.split(','))
    .filter((c) => /^[\d.]+$/.test(c)))
    assert.ok(cell.replace('.', '').replace(/^0+/, '').length <= 12, cell);
});

test('PNG text metadata: tEXt and iTXt chunks after IHDR, read back, the image still decodes; a caption in the margin', async () => {
  const fig = hysteresis();
  const plain = renderFigurePng(fig, { width: 600, height: 400 });
  const text = { Title: 'Hysteresis loop', Description: 'a = 4, γ = T = 1, seed 7', 'moe-cusp seed': 'seed 7' };
  const png = renderFigurePng(fig, { width: 600, height: 400, text });
  assert.deepEqual(readPngText(png), text);
  assert.ok(png.includes(Buffer.from('iTXt')) && png.includes(Buffer.from('tEXt')), 'UTF-8 text as iTXt, Latin-1 as tEXt');
  assert.equal(png.indexOf(Buffer.from('IHDR')), 12, 'IHDR still first');
  const img = await loadImage(png);
  assert.deepEqual([img.width, img.height], [600, 400]);
  assert.deepEqual(readPngText(withPngText(plain, { Comment: 'x' })), { Comment: 'x' });
  const broken = Buffer.from(png);
  broken[broken.indexOf(Buffer.from('seed 7')) + 5] ^= 1;
  assert.throws(() => readPngText(broken), /bad CRC/);
  assert.throws(() => withPngText(Buffer.from('not a png'), {}), /not a PNG/);
  // the caption: ink in the bottom strip, which is blank without it
  const bottom = async (buf: Buffer) => {
    const im = await loadImage(buf);
    const c = createCanvas(im.width, im.height);
    c.getContext('2d').drawImage(im, 0, 0);
    // bottom left, under the axes: where a caption starts (the x label is centred)
    const d = c.getContext('2d').getImageData(10, im.height - 22, 140, 18).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 600) ink++;
    return ink;
  };
  assert.equal(await bottom(plain), 0);
  assert.ok((await bottom(renderFigurePng(fig, { width: 600, height: 400, caption: 'fig7 · scale quick · seed 7' }))) > 100);
});

test('exports: file names carry experiment, scale and seed; a PNG caption and metadata carry the parameters, seed and specs', () => {
  const spec = parseSpec({
    name: 'myscan',
    params: { a: 3, gamma: 1, B: 64, eta: 0.01 },
    axes: [{ param: 'T', values: { linspace: { from: 1, to: 2, count: 4 } } }],
    replicates: 8,
    steps: 200,
    window: 20,
    seed: 7,
  });
  const [fig8] = syntheticResults();
  const preset: ExperimentResult = { ...fig8, id: 'fig7', scale: 'quick', specs: [{ ...spec, name: 'fig7', seed: 3 }] };
  const custom: ExperimentResult = { ...fig8, id: 'myscan', title: customTitle(spec), scale: 'custom', specs: [spec] };
  assert.equal(exportName(preset, 'fig7-loop', 'png'), 'fig7-quick-seed3-loop.png');
  assert.equal(exportName(preset, 'result', 'json'), 'fig7-quick-seed3-result.json');
  assert.equal(exportName(preset, 'fig7', 'csv'), 'fig7-quick-seed3.csv');
  assert.equal(exportName(custom, 'myscan-curve', 'csv'), 'myscan-custom-seed7-curve.csv');
  const fig = hysteresis();
  assert.equal(
    figureCaption(preset, fig),
    `fig7: Symmetry breaking over (T, γ) · scale quick · a = 3, γ = 1, h = 0, ρ = 0, B = 64, η = 0.01 · 8 replicates, 200 steps, window 20, start y0 = 0, seed 3 · moe-cusp 0.0.0-test · https://arxiv.org/abs/2605.29121`,
  );
  const meta = figurePngText(custom, fig);
  assert.match(
    meta.Description,
    /^myscan \(custom scan\): final \|û\| vs T at a = 3, γ = 1, h = 0, ρ = 0, B = 64, η = 0\.01 · scale custom · .*seed 7/,
  );
  assert.equal(meta['moe-cusp seed'], 'seed 7');
  assert.deepEqual(JSON.parse(meta['moe-cusp specs']), [spec]);
  // many scans without a known one: their seeds
  const many: ExperimentResult = { ...preset, specs: [3, 4, 5].map((seed) => ({ ...spec, seed })) };
  assert.match(figureCaption(many, fig), / · 3 scans, seeds 3–5 \(scan i: seed \+ i\) · /);
});

test("a custom scan's title and description come from its spec, never from the preset text it was copied from", () => {
  const fromPreset = parseSpec({ ...presetSpecs('fig8', 'quick', 1)[0], params: { a: 3.5, h: 0, rho: 0, B: 512, eta: 0.02 } });
  assert.equal(fromPreset.description, PRESETS.fig8.description);
  assert.equal(customTitle(fromPreset), 'fig8 (custom scan): final |û| over (T, γ) at a = 3.5, h = 0, ρ = 0, B = 512, η = 0.02');
  const d = scanDescription(fromPreset);
  assert.ok(!d.includes(PRESETS.fig8.description), d);
  assert.match(d, /^final \|û\| over \(T, γ\) at a = 3\.5, .*; 8 replicates, 2000 steps, window 200, start y0 = 0 ± 0\.05 \(uniform\), seed 1\.$/);
  const own = parseSpec({ ...fromPreset, description: 'my map' });
  assert.match(scanDescription(own), /^my map \(final \|û\| over/);
  const sweep = parseSpec({
    params: { a: 4, gamma: 1, T: 1, B: 128, eta: 0.01 },
    axes: [{ param: 'rho', values: { list: [0, 1] } }],
    replicates: 4,
    steps: 100,
    window: 25,
    protocol: { kind: 'sweep', param: 'h', values: { linspace: { from: -1, to: 1, count: 5 } }, direction: 'up-down', stepsPerPoint: [50] },
  });
  assert.equal(customTitle(sweep), 'scan (custom scan): h swept up then down at a = 4, T = 1, γ = 1, B = 128, η = 0.01; one sweep for each ρ');
});

test('line legends never cover data: a free corner if there is one, else rows above the plot; long titles wrap onto lines that fit', () => {
  const measure = (t: string, f: string) => t.length * 0.6 * Number(/(\d+)px/.exec(f)![1]);
  // a rising line: two corners free
  const base: LineFigure = {
    ...hysteresis(),
    vlines: [],
    series: [
      { label: 'rising', x: linspace(-1.6, 1.6, 9), y: linspace(-1, 1, 9) },
      { label: 'mean field', x: [-1.6, 1.6], y: [-1, 1], style: 'dashed' },
    ],
  };
  // data in every corner (a band over the whole plot): the legend goes above the plot
  const crowded: LineFigure = {
    ...base,
    series: [{ label: 'everywhere', x: [-1.6, 1.6], y: [0, 0], lower: [-1.1, -1.1], upper: [1.1, 1.1] }, ...base.series],
  };
  for (const [fig, where] of [
    [base, 'box'],
    [crowded, 'rows'],
    [hysteresis(), 'rows'],
  ] as const) {
    const l = figureLayout(fig, { width: 700, height: 420 }, measure);
    assert.ok(l.legend, fig.id);
    assert.equal(l.legend.box ? 'box' : 'rows', where);
    if (l.legend.box) {
      // no point of any series (or band edge), nor any segment between two, meets the box
      const b = l.legend.box;
      for (const s of fig.series)
        for (const ys of [s.y, s.lower, s.upper]) {
          if (!ys) continue;
          for (let i = 0; i + 1 < s.x.length; i++) {
            const [y0, y1] = [ys[i], ys[i + 1]];
            if (y0 == null || y1 == null) continue;
            const hit = segmentMeetsRect(xToPixel(l, s.x[i]), yToPixel(l, y0), xToPixel(l, s.x[i + 1]), yToPixel(l, y1), b);
            assert.ok(!hit || s.style === 'points', `${s.label} crosses the legend`);
          }
        }
    } else {
      for (const it of l.legend.items) assert.ok(it.y < l.plot.top, `${it.label} above the plot`);
    }
  }
  const long = { ...base, title: 'A title far too long for one line of a narrow figure, with every parameter: a = 4, γ = 1, T = 1, B = 65536' };
  const narrow = figureLayout(long, { width: 360, height: 300 }, measure);
  assert.ok(narrow.title && narrow.title.lines.length >= 2, 'wrapped');
  for (const line of narrow.title.lines) assert.ok(measure(line, `bold ${narrow.title.size}px x`) <= 360 - 20, line);
  assert.ok(narrow.plot.top > narrow.title.lines.length * narrow.title.size, 'the plot starts below the title');
  assert.deepEqual(wrapText('one two three', 1000, '12px x', measure), ['one two three']);
});

test('themes and display text: dark line colours read on the dark background; symbols as the page writes them', () => {
  const dark = THEME_COLORS.dark.background;
  for (const c of [...Object.values(LINE_ROLE_COLORS_DARK), ...SERIES_COLORS_DARK, ...RAMP_COLORS_DARK])
    assert.ok(contrastRatio(c, dark) >= 3, `${c} on ${dark}: ${contrastRatio(c, dark).toFixed(2)}`);
  assert.ok(contrastRatio(THEME_COLORS.dark.ink, dark) >= 7 && contrastRatio(THEME_COLORS.light.ink, THEME_COLORS.light.background) >= 7);
  assert.equal(displayText('a - rho = 2 gamma T'), 'a − ρ = 2γT');
  assert.equal(displayText('mean u_hat +-1 s.d., lambda_lb -> 0, 5 runs x 256, lambdaLb'), 'mean û ±1 s.d., λ_lb → 0, 5 runs × 256, lambdaLb');
  assert.equal(displayText('-H(a) and top-1, 1e-5'), '−H(a) and top-1, 1e-5');
  assert.equal(displayText(displayText('T_c = (a - rho)/(2 gamma)')), 'T_c = (a − ρ)/(2γ)', 'idempotent');
  const shown = displayFigure({ ...cuspMap(), x: { label: 'gamma', values: [1, 2] } });
  assert.ok(shown.kind === 'heatmap' && shown.x.label === 'γ');
  assert.deepEqual(displayEstimate({ id: 'x.y', name: 'width at rho = 1', value: 1, bias: 'finite eta' }), {
    id: 'x.y',
    name: 'width at ρ = 1',
    value: 1,
    bias: 'finite η',
  });
  // the estimates table names each cell's column (stacked rows on narrow screens)
  const html = estimatesTable([{ id: 'q', name: 'q', value: 1, se: 0.1, prediction: 1, predictionLabel: 'T_c' }]);
  for (const label of ['Estimate ± s.e.', 'CI', 'Prediction', 'Gap', 'Gap / s.e.', 'Note']) assert.ok(html.includes(`data-label="${label}"`), label);
});
