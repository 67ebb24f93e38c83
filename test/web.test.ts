// End-to-end tests of the web page (web/) in headless Chromium (Debian's chromium driven by
// playwright-core; on a machine without a GPU it offers a SwiftShader WebGPU adapter). The
// page is built with Vite's JS API and served from a temporary folder by a tiny static
// server. Checks: fig8 at its browser scale against the Node engine on the same spec and
// seed, no console errors, the heatmap and its overlay lines on screen; a lost device and
// the continuation from the last finished chunk; shared URLs; the CLI's bad-input rules in
// the editor; the CPU fallback in Web Workers without WebGPU; the N-expert and training presets
// (fig3; fig5 with the bundled digits data, Stop); readable at desktop and phone widths.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import type { Page } from 'playwright-core';
import type { Engine } from '../src/core/engine.js';
import { DIGITS_SHA256 } from '../src/core/training/digits-data.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { acquireGpu, type AcquiredGpu } from '../src/node/gpu.js';
import { WebGpuEngine } from '../src/core/webgpu-engine.js';
import { webPresetSpecs } from '../src/experiments/browser.js';
import { runSpec } from '../src/experiments/protocols.js';
import { canonicalJson, parseSpec } from '../src/experiments/spec.js';
import type { CellStats } from '../src/core/reductions.js';
import type { ExperimentResult, HeatmapFigure, ScanSpec } from '../src/experiments/types.js';
import { serveStatic } from './helpers/web.js';
import { webSuite } from './helpers/web-suite.js';

// The built page is one folder below the temporary one (the sub-path test serves that).
const web = webSuite('web', { site: 'moe-cusp', open: { viewport: { width: 1280, height: 720 }, timeout: 15_000, readyTimeout: 15_000 } });

/** An older browser, or WebGPU blocked: navigator.gpu is not there (an init script). */
function noWebGpu(): void {
  Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
}

const open = web.open;

async function runToEnd(page: Page, timeout = 120_000): Promise<ExperimentResult> {
  await page.click('#run');
  await page.waitForSelector('body[data-state="done"], body[data-state="failed"], body[data-state="lost"]', { timeout });
  const state = await page.getAttribute('body', 'data-state');
  assert.equal(state, 'done', `run ended ${state}: ${await page.textContent('#progress-text')}`);
  return page.evaluate(() => (window as unknown as { moeCusp: { result: ExperimentResult } }).moeCusp.result);
}

function heatmap(r: ExperimentResult): HeatmapFigure {
  const fig = r.figures.find((f) => f.id === 'fig8-heatmap');
  assert.ok(fig && fig.kind === 'heatmap', 'fig8 heatmap');
  return fig;
}

/** Per-cell standard errors of the page's heatmap values, from its fig8-grid table. */
function gridSe(r: ExperimentResult): number[] {
  const t = r.tables.find((x) => x.name === 'fig8-grid')!;
  const col = t.columns.indexOf('final_abs_mean_u_se');
  return t.rows.map((row) => Number(row[col]));
}

/** The Node side of the comparison: the same spec and seed, unsplit, as the CLI runs it. */
async function nodeRelax(engine: Engine, spec: ScanSpec): Promise<CellStats[]> {
  const run = await runSpec(engine, parseSpec(spec));
  assert.equal(run.outcome.kind, 'relax');
  return run.outcome.kind === 'relax' ? run.outcome.cells[0] : [];
}

// engine=webgpu: on a software adapter the page would pick the faster engine by a probe (engines.ts)
const FIG8_HASH = '#preset=fig8&scale=browser&seed=1&engine=webgpu';
let gpuResult: ExperimentResult | undefined;

describe('web page', { skip: web.skip }, () => {
  test('fig8 at browser scale on WebGPU: agrees with the Node engine, no console errors, heatmap with overlays on screen', {
    timeout: 300_000,
  }, async (t) => {
    const { page, errors } = await open(FIG8_HASH);
    assert.equal(await page.getAttribute('body', 'data-engine'), 'webgpu', `WebGPU expected: ${await page.textContent('#engine-status')}`);
    const result = await runToEnd(page);
    gpuResult = result;
    // fig8's scans: the heatmap grid (compared below), then its variance rows.
    const specs = webPresetSpecs('fig8', 'browser', 1);
    const spec = specs[0];
    assert.deepEqual(
      result.specs,
      specs.map((s) => parseSpec(s)),
    );
    assert.ok(Number(await page.getAttribute('body', 'data-chunks')) >= 2, 'ran in several chunks');

    // Node on the same kind of adapter where there is one (SwiftShader through Vulkan), else
    // the best adapter, else the CPU engine.
    let gpu: AcquiredGpu | null = await acquireGpu('swiftshader');
    let label = 'Node WebGPU on SwiftShader';
    if (!gpu) {
      gpu = await acquireGpu('auto');
      label = 'Node WebGPU (auto adapter)';
    }
    const engine: Engine = gpu
      ? new WebGpuEngine(gpu.device, { engine: 'webgpu', adapter: gpu.description, backend: gpu.backend }, {}, () => gpu!.release())
      : new CpuEngine();
    if (!gpu) label = 'Node CPU engine';
    let node: CellStats[];
    try {
      node = await nodeRelax(engine, spec);
    } finally {
      await engine.dispose();
    }
    // Tolerance. Both sides draw the same Threefry streams (seed, router, step), so an adapter
    // that computes identically gives identical numbers. Another adapter (or f64 on the CPU)
    // rounds exp/log differently; a rare flipped binomial draw then decorrelates that
    // router's path, and a cell's value differs by at most sampling error: each value is a
    // mean over its replicates with standard error se, so |page - node| <= 5 * hypot(se_page,
    // se_node) per cell (a 5-sigma band: with ~120 cells a false alarm has odds below 1e-4).
    const fig = heatmap(result);
    const se = gridSe(result);
    const nx = fig.x.values.length;
    let identical = 0;
    node.forEach((c, i) => {
      const z = fig.z[Math.floor(i / nx)][i % nx]!;
      if (z === c.absMeanLoad) identical++;
      const tol = 5 * Math.hypot(se[i], c.absMeanLoadSE) + 1e-12;
      assert.ok(Math.abs(z - c.absMeanLoad) <= tol, `cell ${i}: page ${z} vs node ${c.absMeanLoad} (tolerance ${tol})`);
    });
    t.diagnostic(`${identical} of ${node.length} cells bit-identical with ${label}`);
    if (label === 'Node WebGPU on SwiftShader')
      t.diagnostic(
        identical === node.length
          ? 'SwiftShader in Chromium and in Dawn/Node compute identically'
          : 'SwiftShader in Chromium and in Dawn/Node round differently',
      );

    // The heatmap on screen: viridis cells, the white dashed line a - rho = 2 gamma T and the
    // orange onset curve inside the plot rectangle (viridis never reaches pure white).
    const canvas = page.locator('[data-figure-id="fig8-heatmap"] canvas.heatmap');
    const shot = await canvas.screenshot();
    const img = await loadImage(shot);
    const c2 = createCanvas(img.width, img.height);
    c2.getContext('2d').drawImage(img, 0, 0);
    const rgba = c2.getContext('2d').getImageData(0, 0, img.width, img.height).data;
    const box = (await canvas.boundingBox())!;
    const scale = img.width / box.width;
    const [left, top, width, height] = (await canvas.getAttribute('data-plot'))!.split(',').map((v) => Number(v) * scale);
    const colours = new Set<number>();
    let white = 0,
      orange = 0;
    for (let y = Math.ceil(top + 2); y < top + height - 2; y++) {
      for (let x = Math.ceil(left + 2); x < left + width - 2; x++) {
        const i = 4 * (y * img.width + x),
          r = rgba[i],
          g = rgba[i + 1],
          b = rgba[i + 2];
        if (r > 245 && g > 245 && b > 245) white++;
        if (Math.abs(r - 0xff) + Math.abs(g - 0x7f) + Math.abs(b - 0x0e) < 60) orange++;
        colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
      }
    }
    assert.ok(colours.size > 20, `heatmap colours: ${colours.size}`);
    assert.ok(white > 100, `the dashed white line a - rho = 2 gamma T: ${white} pixels`);
    assert.ok(orange > 100, `the orange onset curve: ${orange} pixels`);

    // Hover reads out the cell's value and parameters.
    await page.mouse.move(box.x + (left + width / 2) / scale, box.y + (top + height / 2) / scale);
    assert.match(
      (await page.locator('[data-figure-id="fig8-heatmap"] .readout').textContent()) ?? '',
      /^T \(temperature\) = [\d.]+, {2}γ \(forgetting\) = [\d.]+, {2}final \|û\| = [\d.e-]+; {2}a = 3, h = 0, ρ = 0, B = 512, η = 0\.02; 16 replicates, 2000 steps$/,
    );
    // The keyboard reads out cells too.
    await canvas.focus();
    await page.keyboard.press('ArrowRight');
    assert.match((await page.locator('[data-figure-id="fig8-heatmap"] .readout').textContent()) ?? '', /^T \(temperature\) = /);
    // Estimates table; downloads: result.json is the result shown, a figure's CSV its cells.
    assert.ok((await page.locator('#estimates table.estimates tbody tr').count()) >= 2);
    // rows carry the estimates' ids (the page and the report share the table)
    assert.equal(await page.locator('#estimates tr[data-estimate-id="fig8.side-agreement"]').count(), 1);
    const saved = async (locator: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(locator)]);
      const chunks: Buffer[] = [];
      for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
      return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
    };
    const json = await saved('#export-buttons button:has-text("result.json")');
    assert.equal(json.name, 'fig8-browser-seed1-result.json');
    assert.deepEqual(heatmap(JSON.parse(json.text)).z, fig.z);
    const csv = await saved('[data-figure-id="fig8-heatmap"] .fig-actions button:has-text("CSV")');
    assert.equal(csv.name, 'fig8-browser-seed1-heatmap.csv');
    const lines = csv.text.trim().split('\n');
    assert.equal(lines[0], 'what,T (temperature),gamma (forgetting),final |u_hat|');
    assert.equal(lines.filter((l) => l.startsWith('cell,')).length, node.length);
    const png = await saved('[data-figure-id="fig8-heatmap"] .fig-actions button:has-text("PNG")');
    assert.equal(png.name, 'fig8-browser-seed1-heatmap.png');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a lost GPU device is reported; the scan continues from the last finished chunk and gives the same numbers', {
    timeout: 300_000,
  }, async () => {
    assert.ok(gpuResult, 'needs the first test');
    const { page } = await open(FIG8_HASH);
    await page.click('#run');
    await page.waitForFunction(() => Number(document.body.dataset.chunks) >= 1);
    await page.evaluate(() => (window as unknown as { moeCusp: { loseDevice(): void } }).moeCusp.loseDevice());
    await page.waitForSelector('body[data-state="lost"]', { timeout: 120_000 });
    assert.ok(await page.locator('#alert').isVisible());
    assert.match((await page.textContent('#alert-text')) ?? '', /GPU device was lost.*finished chunks? (is|are) kept.*continue/);
    const kept = Number(await page.getAttribute('body', 'data-chunks'));
    await page.click('#continue-gpu');
    await page.waitForSelector('body[data-state="done"]', { timeout: 120_000 });
    assert.ok(Number(await page.getAttribute('body', 'data-chunks')) > kept, 'more chunks ran after the loss');
    const result = await page.evaluate(() => (window as unknown as { moeCusp: { result: ExperimentResult } }).moeCusp.result);
    assert.deepEqual(heatmap(result).z, heatmap(gpuResult).z, 'identical to the uninterrupted run on the same adapter');
    await page.close();
  });

  test('Stop ends the run at the next progress report and keeps the finished cells on screen', { timeout: 120_000 }, async () => {
    const { page, errors } = await open(FIG8_HASH);
    await page.click('#run');
    await page.waitForFunction(() => Number(document.body.dataset.chunks) >= 1);
    await page.click('#stop');
    await page.waitForSelector('body[data-state="stopped"]');
    assert.match((await page.textContent('#progress-text')) ?? '', /^Stopped after \d+ chunks/);
    assert.ok(await page.locator('#live canvas.heatmap').isVisible(), 'the live heatmap stays');
    assert.equal(await page.isDisabled('#run'), false);
    assert.equal(await page.isDisabled('#stop'), true);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('an N-expert preset runs on the page from its link: nexp-threshold, T_c per N next to a/(N gamma)', { timeout: 180_000 }, async () => {
    const { page, errors } = await open('#preset=nexp-threshold&scale=quick&seed=1');
    assert.equal(await page.inputValue('#experiment'), 'nexp-threshold');
    assert.match((await page.textContent('#run-summary')) ?? '', /5 N-expert scans/);
    const result = await runToEnd(page, 150_000);
    assert.deepEqual(
      result.estimates.map((e) => e.id),
      [2, 3, 4, 8, 16].map((N) => `nexp-threshold.tc.N=${N}`),
    );
    // quick scale: 5 temperatures x 256 replicates; T_c = 1 within 5% (the CLI's quick run: within 1%)
    for (const e of result.estimates) assert.ok(Math.abs(e.value - 1) < 0.05, `${e.id}: ${e.value}`);
    assert.equal(await page.locator('#figures figure').count(), result.figures.length);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a training preset runs on the page from its link: fig3, the λ_lb threshold in the estimates, figures drawn', {
    timeout: 90_000,
  }, async () => {
    const { page, errors } = await open('#preset=fig3&scale=browser');
    assert.equal(await page.inputValue('#experiment'), 'fig3');
    assert.equal(await page.locator('#experiment optgroup[label^="Trainable MoE"] option').count(), 5);
    assert.match((await page.textContent('#run-summary')) ?? '', /^1 training scan, 160 k model-steps, 80 models$/);
    assert.match((await page.textContent('#experiment-note')) ?? '', /hard top-1 router.*Resume continues from there/);
    assert.equal(JSON.parse(await page.inputValue('#spec-json')).model, 'training');
    // the URL follows the form (and a link of it reopens this preset)
    await page.selectOption('#scale', 'paper');
    assert.match(page.url(), /#preset=fig3&scale=paper&seed=1$/);
    await page.selectOption('#scale', 'browser');
    assert.match(page.url(), /#preset=fig3&scale=browser&seed=1$/);
    const result = await runToEnd(page, 60_000);
    assert.equal(result.id, 'fig3');
    assert.match((await page.textContent('#progress-text')) ?? '', /^Done: 160 k model-steps in /);
    const row = page.locator('#estimates tr[data-estimate-id="fig3.lambda-threshold"] th');
    assert.match((await row.innerHTML()) ?? '', /^λ<sub>lb<\/sub> above which the mean \|load\| ≤ 0\.2$/);
    assert.ok(result.figures.length >= 1);
    assert.equal(await page.locator('#figures figure').count(), result.figures.length);
    assert.ok(await page.locator('#figures figure canvas').first().isVisible(), 'a figure is drawn');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the digits presets load the bundled data (sha256 checked) and run on the CPU twin: fig5, Stop, rerun', { timeout: 90_000 }, async () => {
    const { page, errors } = await open('#preset=fig5&scale=browser&engine=cpu');
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const digits = await page.evaluate(() => (window as unknown as { moeCusp: { digits(): Promise<unknown> } }).moeCusp.digits());
    assert.deepEqual(digits, { rows: 1797, train: 1352, test: 445, sha256: DIGITS_SHA256, checked: 'gzip' });
    // the data is an asset of the built folder: fetched from the page's own host, no other network
    assert.ok(
      requests.some((u) => /\/assets\/digits\.csv-[\w-]+\.gz$/.test(u)),
      requests.join(', '),
    );
    assert.deepEqual(
      requests.filter((u) => !u.startsWith(web.server.url)),
      [],
    );
    await page.click('#run');
    await page.waitForFunction(() => /%/.test(document.getElementById('progress-text')?.textContent ?? ''));
    await page.click('#stop');
    await page.waitForSelector('body[data-state="stopped"]');
    assert.match((await page.textContent('#progress-text')) ?? '', /^Stopped/);
    const result = await runToEnd(page, 75_000);
    assert.equal(result.provenance[0].adapter, 'CPU (f64 twin)');
    assert.ok(result.estimates.some((e) => e.id === 'fig5.lambda-threshold'));
    assert.equal(await page.locator('#figures figure').count(), result.figures.length);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the built folder works from a sub-path of a static host (relative URLs, module worker)', { timeout: 120_000 }, async () => {
    const parent = await serveStatic(web.root);
    try {
      const spec = parseSpec({ params: { a: 3, T: 1, gamma: 1, B: 64, eta: 0.01 }, replicates: 8, steps: 100, window: 10 });
      const page = await web.browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${parent.url}${basename(web.site)}/#spec=${Buffer.from(canonicalJson(spec)).toString('base64url')}&engine=cpu`);
      await page.waitForSelector('body[data-state="ready"]');
      assert.equal(await page.getAttribute('body', 'data-engine'), 'cpu');
      const result = await runToEnd(page);
      assert.match(result.provenance[0].adapter, /Web Workers/);
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      await parent.close();
    }
  });

  test('a shared URL restores the scan exactly; the URL follows the editor', async () => {
    const specs: ScanSpec[] = [
      parseSpec({
        name: 'shared',
        description: 'T log-spaced, h listed',
        params: { a: 3.5, gamma: 0.75, B: 300, eta: 0.015, rho: 0.25 },
        axes: [
          { param: 'T', values: { logspace: { from: 0.5, to: 4, count: 9 } } },
          { param: 'h', values: { list: [-0.2, 0, 0.1, 0.35] } },
        ],
        replicates: 6,
        steps: 700,
        window: 70,
        seed: 123456789,
        initial: { y0: 0.5, asym: 0.02, families: 'opposite' },
        sampler: 'tokens',
      }),
      parseSpec({
        params: { a: 4, gamma: 1, T: 1, B: 128, eta: 0.01 },
        axes: [{ param: 'rho', values: { linspace: { from: 0, to: 1, count: 3 } } }],
        replicates: 4,
        steps: 100,
        window: 25,
        seed: 3,
        protocol: { kind: 'sweep', param: 'h', values: { linspace: { from: -1, to: 1, count: 5 } }, direction: 'down-up', stepsPerPoint: [50, 80] },
      }),
      parseSpec({ params: { a: 3, T: 1, gamma: 1, B: 64, eta: 0.002, h: 0.08 }, replicates: 10, steps: 600, protocol: { kind: 'trace', every: 60 } }),
    ];
    for (const spec of specs) {
      const canonical = canonicalJson(spec);
      const hash = '#spec=' + Buffer.from(canonical, 'utf8').toString('base64url');
      const { page, errors } = await open(hash);
      assert.equal(await page.inputValue('#experiment'), 'custom');
      assert.equal(await page.evaluate(() => (window as unknown as { moeCusp: { canonicalSpec(): string } }).moeCusp.canonicalSpec()), canonical);
      assert.equal(canonicalJson(parseSpec(JSON.parse(await page.inputValue('#spec-json')))), canonical, 'the JSON box shows the spec');
      assert.equal(await page.isDisabled('#run'), false);
      assert.equal(new URL(page.url()).hash, hash, 'the URL is kept as given');
      assert.deepEqual(errors, []);
      await page.close();
    }
    // Editor fields restored from the first spec.
    const { page } = await open('#spec=' + Buffer.from(canonicalJson(specs[0])).toString('base64url'));
    assert.deepEqual(
      await Promise.all(
        [
          '#p-T-mode',
          '#p-T-spacing',
          '#p-T-from',
          '#p-T-count',
          '#p-h-mode',
          '#p-h-spacing',
          '#p-h-list',
          '#p-rho-value',
          '#replicates',
          '#seed',
          '#families',
          '#sampler',
        ].map((s) => page.inputValue(s)),
      ),
      ['x', 'logspace', '0.5', '9', 'y', 'list', '-0.2, 0, 0.1, 0.35', '0.25', '6', '123456789', 'opposite', 'tokens'],
    );
    // Editing a field rewrites the URL (now in the readable form, url-spec.ts); the new URL opens the edited spec.
    await page.fill('#replicates', '11');
    await page.waitForFunction((h) => location.hash !== h, '#spec=' + Buffer.from(canonicalJson(specs[0])).toString('base64url'));
    const edited = page.url();
    const reopened = await web.browser.newPage();
    await reopened.goto(edited);
    await reopened.waitForSelector('body[data-state="ready"]');
    assert.equal(
      await reopened.evaluate(() => (window as unknown as { moeCusp: { canonicalSpec(): string } }).moeCusp.canonicalSpec()),
      canonicalJson({ ...specs[0], replicates: 11 }),
    );
    await reopened.close();
    await page.close();
    // A preset link restores figure, scale and seed; the JSON box shows its first scan.
    const p2 = await open('#preset=cusp&scale=quick&seed=9');
    assert.deepEqual(
      [await p2.page.inputValue('#experiment'), await p2.page.inputValue('#scale'), await p2.page.inputValue('#preset-seed')],
      ['cusp', 'quick', '9'],
    );
    assert.deepEqual(JSON.parse(await p2.page.inputValue('#spec-json')), parseSpec(webPresetSpecs('cusp', 'quick', 9)[0]));
    await p2.page.close();
  });

  test("the editor applies the CLI's bad-input rules: the field is marked with its message in words beside it and Run stays disabled", async () => {
    const spec = parseSpec({
      params: { a: 3, gamma: 1, B: 64, eta: 0.01 },
      axes: [{ param: 'T', values: { linspace: { from: 1, to: 2, count: 4 } } }],
      replicates: 8,
      steps: 200,
      window: 20,
    });
    const { page, errors } = await open('#spec=' + Buffer.from(canonicalJson(spec)).toString('base64url'));
    assert.equal(await page.isDisabled('#run'), false);
    // The CLI's rules (parseSpec), each message in words on the field's own line (field-words.ts).
    const cases: { field: string; value: string; error: string; message: string }[] = [
      { field: '#replicates', value: '0', error: '#replicates-error', message: 'Replicates must be at least 1; you entered 0.' },
      { field: '#window', value: '500', error: '#window-error', message: 'Window must be at most 200 (the steps); you entered 500.' },
      { field: '#p-T-count', value: '2.5', error: '#p-T-count-error', message: 'T axis points must be a whole number; you entered 2.5.' },
      { field: '#p-eta-value', value: 'fast', error: '#p-eta-value-error', message: 'eta must be a number; you entered "fast".' },
      { field: '#p-B-value', value: '0', error: '#p-B-value-error', message: 'B must be at least 1; you entered 0.' },
    ];
    for (const c of cases) {
      const before = await page.inputValue(c.field);
      await page.fill(c.field, c.value);
      await page.waitForSelector(`${c.field}[aria-invalid="true"]`);
      assert.equal(await page.textContent(c.error), c.message, c.field);
      assert.ok(await page.isVisible(c.error));
      assert.equal(await page.isDisabled('#run'), true, `${c.field}: Run disabled`);
      await page.fill(c.field, before);
      await page.waitForSelector(`${c.field}:not([aria-invalid])`);
      assert.equal(await page.isDisabled('#run'), false, `${c.field}: fixed`);
    }
    // Pasted JSON: a syntax error and an unknown key, in the CLI's words.
    await page.evaluate(() => {
      (document.getElementById('json-panel') as HTMLDetailsElement).open = true;
    });
    for (const [text, message] of [
      ['{"params": ', /^spec: is not valid JSON/],
      [
        '{"params": {"temperature": 1}, "replicates": 1, "steps": 1, "window": 1}',
        /^params\.temperature: unknown key; allowed: a, T, gamma, h, rho, B, eta$/,
      ],
    ] as const) {
      await page.fill('#spec-json', text);
      await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('spec-json-error')!.textContent ?? ''), message.source);
      assert.equal(await page.getAttribute('#spec-json', 'aria-invalid'), 'true');
      assert.equal(await page.isDisabled('#run'), true);
    }
    await page.fill('#spec-json', JSON.stringify(spec));
    await page.waitForSelector('#spec-json:not([aria-invalid])');
    assert.equal(await page.isDisabled('#run'), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('without WebGPU the page says so and runs fig8 on the CPU in Web Workers, bit-identical to the Node CPU engine', {
    timeout: 300_000,
  }, async () => {
    const { page, errors } = await open('', { init: noWebGpu });
    assert.equal(await page.getAttribute('body', 'data-engine'), 'cpu');
    assert.match(
      (await page.textContent('#engine-status')) ?? '',
      /WebGPU is not available here: This browser does not offer WebGPU.*CPU in Web Workers.*reduced default scale \(quick\)/,
    );
    assert.equal(await page.inputValue('#scale'), 'quick');
    const result = await runToEnd(page);
    // The same TypeScript twin of the kernel in V8 on both sides: exactly equal.
    const spec = webPresetSpecs('fig8', 'quick', 1)[0];
    const cpu = new CpuEngine();
    const node = await nodeRelax(cpu, spec);
    await cpu.dispose();
    const fig = heatmap(result),
      nx = fig.x.values.length;
    assert.deepEqual(
      fig.z.flat(),
      node.map((c, i) => (fig.z[Math.floor(i / nx)][i % nx] === c.absMeanLoad ? c.absMeanLoad : `cell ${i}: ${c.absMeanLoad}`)),
    );
    assert.match(result.provenance[0].adapter, /Web Workers/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('readable at 1280x720 and at phone width: no sideways scrolling, every control labelled', async () => {
    for (const viewport of [
      { width: 1280, height: 720 },
      { width: 390, height: 844 },
    ]) {
      const { page } = await open('#preset=fig8&scale=browser&seed=1', { viewport });
      await page.selectOption('#experiment', 'custom');
      const report = await page.evaluate(() => {
        const unlabelled = Array.from(
          document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea'),
        )
          .filter((e) => !e.labels?.length && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
          .map((e) => e.id || e.outerHTML);
        return { unlabelled, scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth };
      });
      assert.deepEqual(report.unlabelled, [], `${viewport.width}: unlabelled controls`);
      assert.ok(report.scrollWidth <= report.width, `${viewport.width}: page ${report.scrollWidth} px wide`);
      assert.ok(await page.locator('#run').isVisible());
      // Keyboard: Tab reaches the Run button.
      await page.focus('#experiment');
      let reached = false;
      for (let i = 0; i < 200 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.id === 'run');
      }
      assert.ok(reached, `${viewport.width}: Run reachable by Tab`);
      await page.close();
    }
  });
});
