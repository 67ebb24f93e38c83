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
  assert.match(html, /<tr data-estimate-id="fig9\.tc\.gamma=0\.5"><th scope="row" title="fig9\.tc\.gamma=0\.5">T_c &lt;fit&gt;<\/th>/);
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
  assert.match(w0, /-1 σ/);
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
      assert.equal((await row.locator('th').textContent())?.trim(), e.estimates[i].name);
      assert.equal(await row.locator('th').getAttribute('title'), e.estimates[i].id);
    }
  }
  const loop = page.locator('section[data-experiment-id="fig7-hysteresis"] tr[data-estimate-id="fig7-hysteresis.width"]');
  assert.match((await loop.textContent()) ?? '', /2\.2.*± 0\.03.*2\.131.*\+3\.22 %.*\+2\.29 σ/);
  assert.match((await page.locator('tr[data-estimate-id="fig7-hysteresis.switch-up"] .far').textContent()) ?? '', /^-11\.4 σ$/);
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
