// The web page's presentation (issue 15), in headless Chromium at 1280x800 and 390x844, as
// test/web.test.ts drives it (built with Vite, served, playwright-core with Debian's
// chromium): the first screen (the model and its predictions typeset by the bundled KaTeX, a
// sketch per preset, links, no references to files a visitor cannot see, Unicode symbols);
// the estimates table readable at both widths (no clipped column; stacked rows on a phone);
// dark mode (text contrast >= 4.5, figures on the dark background, heatmap overlays distinct
// from it); exports named by experiment, scale and seed, PNGs carrying parameters and seed,
// CSV without float noise; a custom scan describing itself; the figures of fig9, fig10, an
// N-expert and a training preset with titles set in full and legends off the data. Screenshots
// are taken and checked for what they must show; no console errors anywhere.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { EXPERT_PRESET_IDS } from '../src/experiments/experts/presets/index.js';
import { PRESET_IDS, PRESETS } from '../src/experiments/presets/index.js';
import { TRAINING_PRESET_IDS } from '../src/experiments/training/presets/index.js';
import type { ExperimentResult } from '../src/experiments/types.js';
import { contrastRatio, HEATMAP_ROLE_COLORS, THEME_COLORS } from '../src/report/colors.js';
import { readPngText } from '../src/report/png-text.js';
import { clippedCells, countNear, inkPixels, pixels, saved, textColours } from './helpers/web-look.js';
import { webSuite, type Opened } from './helpers/web-suite.js';

let shots = '';
// screenshots stay for a look after a failure: MOE_CUSP_SHOTS=<folder>
const web = webSuite('web-look', { site: 'page', open: { timeout: 20_000, readyTimeout: 20_000 }, keep: () => !!process.env.MOE_CUSP_SHOTS });

before(() => {
  if (web.skip) return;
  shots = process.env.MOE_CUSP_SHOTS || join(web.root, 'shots');
  mkdirSync(shots, { recursive: true });
});

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** The page at `hash`, its first screen typeset (the intro's KaTeX and sketches). */
async function open(hash: string, viewport = DESKTOP, colorScheme: 'light' | 'dark' = 'light'): Promise<Opened> {
  const opened = await web.open(hash, { viewport, colorScheme });
  await opened.page.waitForSelector('body[data-intro="ready"]');
  return opened;
}

async function runToEnd(page: Page, timeout = 120_000): Promise<ExperimentResult> {
  await page.click('#run');
  await page.waitForSelector('body[data-state="done"], body[data-state="failed"], body[data-state="lost"]', { timeout });
  assert.equal(await page.getAttribute('body', 'data-state'), 'done', (await page.textContent('#progress-text')) ?? '');
  return page.evaluate(() => (window as unknown as { moeCusp: { result: ExperimentResult } }).moeCusp.result);
}

/** A screenshot of the page or of one element (fixed bars, e.g. the run dock, hidden meanwhile so they do not cover it). */
async function shot(page: Page, name: string, selector?: string): Promise<Buffer> {
  let png: Buffer;
  if (selector) {
    const hidden = await page.evaluate(() => {
      const fixed = Array.from(document.body.querySelectorAll<HTMLElement>('*')).filter((e) => getComputedStyle(e).position === 'fixed');
      for (const e of fixed) e.dataset.shotHidden = e.style.visibility || 'unset';
      for (const e of fixed) e.style.visibility = 'hidden';
      return fixed.length;
    });
    png = await page.locator(selector).screenshot();
    if (hidden)
      await page.evaluate(() => {
        for (const e of Array.from(document.querySelectorAll<HTMLElement>('[data-shot-hidden]'))) {
          e.style.visibility = e.dataset.shotHidden === 'unset' ? '' : e.dataset.shotHidden!;
          delete e.dataset.shotHidden;
        }
      });
  } else png = await page.screenshot();
  writeFileSync(join(shots, `${name}.png`), png);
  return png;
}

/** File references a visitor cannot follow, and ASCII spellings the page writes as symbols. */
const FILE_REFERENCE = /\b[\w-]+\.ts\b|\bsrc\/|\bdocs\/|MODEL\.md/;
const ASCII_SYMBOL = /\b(gamma|rho|eta|lambda|u_hat)\b|\+-/;

describe('web page presentation', { skip: web.skip }, () => {
  test('the first screen explains: the model and predictions typeset by KaTeX, a sketch per preset, links, symbols, no file references', {
    timeout: 120_000,
  }, async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, errors, requests } = await open('#preset=fig8&scale=quick&seed=1', viewport);
      const tag = `first-${viewport.width}`;
      // The formulas: KaTeX output for every [data-tex], none in error, the predictions there.
      const tex = await page.evaluate(() => ({
        sources: (Array.from(document.querySelectorAll('[data-tex]')) as HTMLElement[]).map((e) => e.dataset.tex ?? ''),
        rendered: Array.from(document.querySelectorAll('[data-tex]')).filter((e) => e.querySelector('.katex .katex-html')).length,
        errors: document.querySelectorAll('.katex-error').length,
        annotations: Array.from(document.querySelectorAll('annotation[encoding="application/x-tex"]')).map((a) => a.textContent ?? ''),
      }));
      assert.ok(tex.sources.length >= 7, `${tag}: ${tex.sources.length} formulas`);
      assert.equal(tex.rendered, tex.sources.length, `${tag}: every formula typeset`);
      assert.equal(tex.errors, 0);
      for (const needle of [
        'y \\;\\leftarrow\\; y + \\eta',
        'T_c = \\frac{a}{2\\gamma}',
        'H(a) = 2\\gamma T',
        'a = N\\gamma T',
        'K_{\\mathrm{sn}}(N)',
      ])
        assert.ok(
          tex.annotations.some((a) => a.includes(needle)),
          `${tag}: ${needle} typeset`,
        );
      // KaTeX's fonts come with the page: loaded, from the page's own host; nothing else fetched.
      await page.evaluate(() => document.fonts.ready);
      assert.ok(
        requests.some((u) => /\/assets\/KaTeX_Main-Regular-[\w-]+\.woff2$/.test(u)),
        `${tag}: KaTeX font requested`,
      );
      assert.deepEqual(
        requests.filter((u) => !u.startsWith(web.server.url)),
        [],
        `${tag}: no network`,
      );
      // Links: the paper; no visible reference to the project's files; Unicode symbols.
      assert.equal(await page.locator('#intro a[href="https://arxiv.org/abs/2605.29121"]').count(), 1);
      // biome-ignore lint/performance/useDomNodeTextContent: what is rendered (not hidden) is what counts
      const visible = await page.evaluate(() => document.body.innerText);
      assert.doesNotMatch(visible, FILE_REFERENCE, `${tag}: file references in the page text`);
      assert.doesNotMatch(visible, ASCII_SYMBOL, `${tag}: ASCII symbol names in the page text`);
      // Each experiment's note: no file references, symbols as the page writes them.
      if (viewport === DESKTOP) {
        for (const id of await page.locator('#experiment option').evaluateAll((o) => (o as HTMLOptionElement[]).map((x) => x.value))) {
          await page.selectOption('#experiment', id);
          const note = (await page.textContent('#experiment-note')) ?? '';
          assert.doesNotMatch(note, FILE_REFERENCE, `${id}: ${note}`);
          assert.doesNotMatch(note, ASCII_SYMBOL, `${id}: ${note}`);
        }
        await page.selectOption('#experiment', 'fig8');
      }
      // A card per preset, each with a sketch drawn (more than a few colours), titled in display text.
      const cards = await page.locator('.preset-card').evaluateAll((bs) =>
        bs.map((b) => {
          const c = b.querySelector('canvas')!;
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          const colours = new Set<number>();
          for (let i = 0; i < data.length; i += 16) colours.add((data[i] >> 4) * 256 + (data[i + 1] >> 4) * 16 + (data[i + 2] >> 4));
          return { id: (b as HTMLElement).dataset.preset!, colours: colours.size, label: b.textContent ?? '' };
        }),
      );
      assert.deepEqual(
        cards.map((c) => c.id),
        [...PRESET_IDS, ...TRAINING_PRESET_IDS, ...EXPERT_PRESET_IDS],
      );
      for (const c of cards) assert.ok(c.colours >= 4, `${c.id}: sketch with ${c.colours} colours`);
      assert.equal(cards.find((c) => c.id === 'fig8')?.label, 'Fig. 8: final |û| over (T, γ)');
      assert.equal(await page.getAttribute('.preset-card[data-preset="fig8"]', 'aria-pressed'), 'true');
      // The screenshot shows the typeset rule (ink in its box) and the fig8 sketch in viridis.
      const png = await pixels(await shot(page, tag));
      const dpr = png.width / viewport.width;
      const rule = (await page.locator('.tex-display').first().boundingBox())!;
      assert.ok(
        inkPixels(png, '#ffffff', { x: rule.x * dpr, y: rule.y * dpr, w: rule.width * dpr, h: rule.height * dpr }) > 200,
        'the update rule is drawn',
      );
      const card = page.locator('.preset-card[data-preset="fig8"] canvas');
      await card.scrollIntoViewIfNeeded();
      const sketch = await pixels(await card.screenshot());
      const all = { x: 0, y: 0, w: sketch.width, h: sketch.height };
      assert.ok(countNear(sketch, '#fde725', all, 60) > 20 && countNear(sketch, '#440154', all, 60) > 20, 'fig8 sketch: viridis ends');
      // No sideways scrolling; the cards and formulas fit.
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= viewport.width, `${tag}: page wider than the screen`);
      // A card selects its preset in the form (and the URL follows).
      await page.click('.preset-card[data-preset="fig7"]');
      assert.equal(await page.inputValue('#experiment'), 'fig7');
      await page.waitForFunction(() => location.hash.startsWith('#preset=fig7&'));
      assert.equal(await page.getAttribute('.preset-card[data-preset="fig7"]', 'aria-pressed'), 'true');
      assert.match((await page.textContent('#experiment-note')) ?? '', /^Slow sweep of h up, then down, at a = 4, γ = T = 1/);
      assert.deepEqual(errors, []);
      await page.close();
    }
  });

  test('the estimates table reads at 1280 px and on a phone: no clipped column; rows stacked on a phone; caption and bias rows kept', {
    timeout: 120_000,
  }, async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, errors } = await open('#preset=fig10&scale=quick&seed=1', viewport);
      const result = await runToEnd(page);
      const wrap = page.locator('#estimates .estimates-wrap');
      await wrap.scrollIntoViewIfNeeded();
      assert.equal(await page.locator('#estimates tbody tr').count(), result.estimates.length);
      assert.deepEqual(await clippedCells(wrap), [], `${viewport.width}: clipped cells`);
      const layout = await page.evaluate(() => {
        const head = document.querySelector('#estimates thead')!;
        const cell = document.querySelector<HTMLElement>('#estimates tbody td')!;
        return {
          headHidden: getComputedStyle(head).position === 'absolute',
          cellDisplay: getComputedStyle(cell).display,
          label: getComputedStyle(cell, '::before').content,
          caption: document.querySelector('#estimates caption')?.textContent ?? '',
        };
      });
      if (viewport === PHONE) {
        assert.equal(layout.cellDisplay, 'block', 'stacked rows on a phone');
        assert.ok(layout.headHidden);
        assert.equal(layout.label, '"Estimate ± s.e."', 'each cell names its column');
      } else {
        assert.equal(layout.cellDisplay, 'table-cell', 'a table at 1280 px');
        assert.ok(!layout.headHidden);
      }
      assert.match(layout.caption, /^Each row: an estimate/);
      // a known bias replaces the gap in s.e. (fig10's raw widths)
      const raw = page.locator('#estimates tr[data-estimate-id="fig10.raw-width.a=3"]');
      assert.match((await raw.textContent()) ?? '', /bias: finite sweep rate/);
      assert.doesNotMatch((await raw.textContent()) ?? '', /σ/);
      // The screenshot: the table is all there (its right edge carries no cut-off ink).
      const png = await pixels(await shot(page, `estimates-${viewport.width}`, '#estimates .estimates-wrap'));
      assert.ok(inkPixels(png, '#ffffff', { x: 0, y: 0, w: png.width, h: png.height }) > 5000, 'the table is drawn');
      // ink in the last two pixel columns that is not a horizontal rule (ink right across the row)
      const rule = (y: number) => inkPixels(png, '#ffffff', { x: 0, y, w: png.width, h: 1 }, 120) > 0.6 * png.width;
      let cut = 0;
      for (let y = 0; y < png.height; y++) if (!rule(y)) cut += inkPixels(png, '#ffffff', { x: png.width - 2, y, w: 2, h: 1 }, 120);
      assert.equal(cut, 0, 'no text cut at the right edge');
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= viewport.width, `${viewport.width}: no sideways scrolling`);
      assert.deepEqual(errors, []);
      await page.close();
    }
  });

  test('dark mode: every text has contrast >= 4.5 on its background (both themes); figures on the dark background; overlays distinct from it', {
    timeout: 120_000,
  }, async () => {
    for (const scheme of ['dark', 'light'] as const) {
      const { page, errors } = await open('#preset=fig8&scale=quick&seed=1', DESKTOP, scheme);
      await runToEnd(page);
      const texts = await textColours(page);
      assert.ok(texts.length > 50, `${scheme}: ${texts.length} texts`);
      const low = texts.filter((t) => t.ratio < 4.5).map((t) => `${t.where} "${t.text}": ${t.color} on ${t.background} = ${t.ratio.toFixed(2)}`);
      assert.deepEqual(low, [], `${scheme}: texts below 4.5:1`);
      const bg = THEME_COLORS[scheme].background;
      if (scheme === 'dark') {
        assert.equal(
          await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
          'rgb(28, 30, 34)',
          'the page background is the figures’ dark background',
        );
      }
      // The heatmap: drawn on the theme's background, its overlays (the white pitchfork line,
      // the orange onset curve) in the plot and in the legend, all distinct from the background.
      const fig = result8(await page.evaluate(() => (window as unknown as { moeCusp: { result: ExperimentResult } }).moeCusp.result));
      // each overlay stands out from the background, or its legend sample is outlined (white on white, black on dark)
      const faint = fig.overlays.map((o) => HEATMAP_ROLE_COLORS[o.role as keyof typeof HEATMAP_ROLE_COLORS]).filter((c) => contrastRatio(c, bg) < 3);
      assert.ok(contrastRatio(THEME_COLORS[scheme].outline, bg) >= 2.5, 'the outline reads');
      const canvas = page.locator('[data-figure-id="fig8-heatmap"] canvas.heatmap');
      await canvas.scrollIntoViewIfNeeded();
      const png = await pixels(await shot(page, `fig8-heatmap-${scheme}`, '[data-figure-id="fig8-heatmap"] canvas.heatmap'));
      const box = (await canvas.boundingBox())!;
      const s = png.width / box.width;
      const [left, top, width, height] = (await canvas.getAttribute('data-plot'))!.split(',').map((v) => Number(v) * s);
      assert.equal(countNear(png, bg, { x: 0, y: 0, w: 4, h: 4 }, 6), 16, `${scheme}: canvas background ${bg}`);
      const plot = { x: left + 2, y: top + 2, w: width - 4, h: height - 4 };
      assert.ok(countNear(png, '#ffffff', plot, 30) > 100, 'the white pitchfork line');
      assert.ok(countNear(png, HEATMAP_ROLE_COLORS.onset, plot, 60) > 100, 'the orange onset curve');
      const legendRow = { x: 0, y: 0, w: png.width, h: top - 2 };
      assert.ok(countNear(png, HEATMAP_ROLE_COLORS.onset, legendRow, 60) > 10, 'the onset curve in the legend');
      assert.ok(inkPixels(png, bg, legendRow) > 500, 'title and legend drawn in ink');
      if (faint.length) assert.ok(countNear(png, THEME_COLORS[scheme].outline, legendRow, 30) > 10, `${faint.join(', ')} outlined in the legend`);
      // A line figure (uPlot) draws its axes in the theme's ink.
      const lines = await pixels(await shot(page, `fig8-tc-${scheme}`, '[data-figure-id="fig8-tc"] .uplot canvas'));
      assert.ok(countNear(lines, THEME_COLORS[scheme].ink, { x: 0, y: 0, w: lines.width, h: lines.height }, 60) > 50, 'axis labels in ink');
      if (scheme === 'dark') await shot(page, 'page-dark');
      assert.deepEqual(errors, []);
      await page.close();
    }
  });

  test('exports explain themselves: names with experiment, scale and seed; PNG caption and metadata with parameters and seed; CSV without float noise', {
    timeout: 120_000,
  }, async () => {
    const { page, errors } = await open('#preset=fig8&scale=quick&seed=3');
    const result = await runToEnd(page);
    const names = await page.locator('#export-buttons button').allTextContents();
    assert.ok(names.includes('fig8-quick-seed3-result.json') && names.includes('fig8-quick-seed3-grid.csv'), names.join(', '));
    assert.equal(new Set(names).size, names.length, 'distinct names');
    const json = await saved(page, '#export-buttons button:has-text("result.json")');
    assert.equal(json.name, 'fig8-quick-seed3-result.json');
    const csv = await saved(page, '[data-figure-id="fig8-heatmap"] .fig-actions button:has-text("CSV")');
    assert.equal(csv.name, 'fig8-quick-seed3-heatmap.csv');
    // every number as written: re-reads as itself, at most 12 significant digits unless an integer
    const cells = csv.bytes
      .toString('utf8')
      .trim()
      .split('\n')
      .slice(1)
      .flatMap((l) => l.split(','));
    const numbers = cells.filter((c) => /^-?[\d.]+(e-?\d+)?$/.test(c));
    assert.ok(numbers.length > 300, `${numbers.length} numbers`);
    const noisy = numbers.filter(
      (n) => String(Number(n)) !== n || (!Number.isInteger(Number(n)) && n.replace(/e.*$|^-?0\.0*|[.-]/g, '').length > 12),
    );
    assert.deepEqual(noisy, [], 'numbers with float noise');
    const png = await saved(page, '[data-figure-id="fig8-heatmap"] .fig-actions button:has-text("PNG")');
    assert.equal(png.name, 'fig8-quick-seed3-heatmap.png');
    const meta = readPngText(png.bytes);
    assert.match(meta.Description, /^fig8: Fig\. 8: final \|û\| over \(T, γ\) · scale quick · a = 3, h = 0, ρ = 0, B = 512, η = 0\.02 · .*seed 3/);
    assert.match(meta['moe-cusp seed'], /^seeds 3–\d+ \(scan i: seed \+ i\)$/);
    assert.deepEqual(JSON.parse(meta['moe-cusp specs']), result.specs);
    assert.match(meta.Software, /^moe-cusp \d/);
    // the caption sits in the image's bottom margin, under the axes
    const image = await pixels(png.bytes);
    writeFileSync(join(shots, 'fig8-export.png'), png.bytes);
    assert.equal(image.width, 1800);
    assert.ok(inkPixels(image, '#ffffff', { x: 0, y: image.height - 70, w: image.width, h: 60 }) > 2000, 'a caption in the margin');
    // another seed, another name
    await page.fill('#preset-seed', '4');
    await runToEnd(page);
    const other = await saved(page, '[data-figure-id="fig8-heatmap"] .fig-actions button:has-text("PNG")');
    assert.equal(other.name, 'fig8-quick-seed4-heatmap.png');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a custom scan describes itself: edited from fig8, its title, description, figure titles and file names come from its own spec', {
    timeout: 120_000,
  }, async () => {
    const { page, errors } = await open('#preset=fig8&scale=quick&seed=1');
    await page.click('#edit-preset');
    await page.fill('#p-a-value', '3.5');
    await page.fill('#spec-name', 'mymap');
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('mymap'));
    const result = await runToEnd(page);
    assert.equal(result.id, 'mymap');
    assert.equal(result.scale, 'custom');
    assert.equal(result.title, 'mymap (custom scan): final |û| over (T, γ) at a = 3.5, h = 0, ρ = 0, B = 512, η = 0.02');
    for (const text of [result.title, result.description ?? '', ...result.figures.map((f) => f.title)]) {
      assert.ok(!text.includes(PRESETS.fig8.description) && !text.includes('Fig. 8'), `preset text in "${text}"`);
    }
    assert.match(result.description ?? '', /^final \|û\| over \(T, γ\) at a = 3\.5, .*; \d+ replicates, \d+ steps, window \d+, .*seed 1\.$/);
    assert.match(result.figures[0].title, /a = 3\.5/);
    const meta = (await page.textContent('#results-meta')) ?? '';
    assert.ok(meta.startsWith(result.title), meta);
    assert.ok(meta.includes(result.description!), 'the description is shown');
    const png = await saved(page, '[data-figure-id="mymap-heatmap"] .fig-actions button:has-text("PNG")');
    assert.equal(png.name, 'mymap-custom-seed1-heatmap.png');
    assert.match(readPngText(png.bytes).Description, /^mymap \(custom scan\): final .* a = 3\.5,.* · scale custom · \d+ replicates/);
    await shot(page, 'custom-results', '#results');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('fig9, fig10, an N-expert and a training preset render well at both widths: titles in full, legends off the data', {
    timeout: 150_000,
  }, async () => {
    for (const [hash, viewport] of [
      ['#preset=fig9&scale=quick&seed=1', DESKTOP],
      ['#preset=fig10&scale=quick&seed=1', PHONE],
      ['#preset=nexp-bistability&scale=browser&seed=1', PHONE],
      ['#preset=fig1&scale=browser&seed=1', DESKTOP],
    ] as const) {
      const { page, errors } = await open(hash, viewport);
      const result = await runToEnd(page);
      assert.equal(await page.locator('#figures figure').count(), result.figures.length);
      const report = await page.locator('#figures figure').evaluateAll((figs) =>
        figs.map((f) => {
          const card = f.getBoundingClientRect();
          const id = (f as HTMLElement).dataset.figureId!;
          const problems: string[] = [];
          const title = f.querySelector<HTMLElement>('.u-title');
          if (title) {
            const t = title.getBoundingClientRect();
            if (title.scrollWidth > title.clientWidth + 1 || t.left < card.left - 1 || t.right > card.right + 1) problems.push('title clipped');
            const over = f.querySelector('.u-over')!.getBoundingClientRect();
            const legend = f.querySelector('.u-legend')?.getBoundingClientRect();
            if (legend && legend.top < over.bottom - 1) problems.push('legend over the plot');
          }
          const canvas = f.querySelector<HTMLCanvasElement>('canvas.heatmap');
          if (canvas && canvas.dataset.legend === 'box') problems.push('heatmap legend inside the plot');
          const plot = f.querySelector('.fig-plot')!;
          if (plot.scrollWidth > plot.clientWidth + 1 || card.right > document.documentElement.clientWidth + 1) problems.push('wider than its card');
          return { id, problems };
        }),
      );
      assert.deepEqual(
        report.filter((r) => r.problems.length),
        [],
        hash,
      );
      await shot(page, `figures-${hash.replace(/\W+/g, '-')}-${viewport.width}`, '#figures');
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= viewport.width, `${hash}: no sideways scrolling`);
      assert.deepEqual(errors, []);
      await page.close();
    }
  });
});

function result8(r: ExperimentResult) {
  const fig = r.figures.find((f) => f.id === 'fig8-heatmap');
  assert.ok(fig && fig.kind === 'heatmap');
  return fig;
}
