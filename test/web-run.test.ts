// The web page's run flow for real visitors (issue 15), in headless Chromium (Debian's chromium
// with SwiftShader WebGPU, driven by playwright-core; skipped without it, as test/web.test.ts):
// Run brings the run bar and the live figure into view at 1280x800 and 390x844; Stop gives a
// clear Stopped state whose finished cells stay on screen and export; Resume (between chunks
// and within one) gives the numbers of an uninterrupted run, on the CPU workers and on WebGPU;
// the estimated time beside the step count and the confirmation of a long run; the engine
// chosen by a probe on a software adapter, and said; field messages in words, protocol
// defaults, the locked form and out-of-date results; Back and Forward between presets; Share
// and readable links; live figures of sweeps, traces and 1-D scans. Screenshots go to a
// temporary folder (kept when MOE_CUSP_KEEP_SHOTS=1).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { ChunkedRun, StopError } from '../src/experiments/chunked.js';
import { runCustomSpec } from '../src/experiments/run.js';
import { canonicalJson, parseSpec, type ParsedSpec } from '../src/experiments/spec.js';
import type { ExperimentResult } from '../src/experiments/types.js';
import {
  boxOf,
  clickRun,
  colours,
  holdReplies,
  inside,
  numbers,
  pageResult,
  screenshot,
  stopHeld,
  waitInView,
  waitState,
} from './helpers/web-run.js';
import { webSuite } from './helpers/web-suite.js';

let shots = '';
const cpu = new CpuEngine();
const web = webSuite('web-run', {
  keep: () => {
    if (process.env.MOE_CUSP_KEEP_SHOTS !== '1') return false;
    console.log(`screenshots kept in ${shots}`);
    return true;
  },
});

before(() => {
  if (web.skip) return;
  shots = join(web.root, 'shots');
  mkdirSync(shots);
});

after(() => cpu.dispose());

const open = web.open;
const b64 = (spec: ParsedSpec) => `#spec=${Buffer.from(canonicalJson(spec)).toString('base64url')}`;
const refs = new Map<string, Promise<ExperimentResult>>();
/** The Node CPU engine's result of a spec: the Web Workers run the same twin, bit for bit. */
const nodeResult = (spec: ParsedSpec) => {
  const k = canonicalJson(spec);
  if (!refs.has(k)) refs.set(k, runCustomSpec(cpu, spec));
  return refs.get(k)!;
};

/** A 2-D relax map of ~6 M router-steps: a few seconds on two CPU workers, in several chunks. */
const MAP = parseSpec({
  name: 'map',
  params: { a: 3, h: 0, B: 256, eta: 0.02 },
  axes: [
    { param: 'T', values: { linspace: { from: 0.5, to: 3, count: 8 } } },
    { param: 'gamma', values: { linspace: { from: 0.4, to: 2, count: 6 } } },
  ],
  replicates: 64,
  steps: 2000,
  window: 200,
  initial: { y0: 0, asym: 0.05 },
});

/** One h sweep (a single grid cell: one chunk), two speeds: its loop fills in point by point. */
const SWEEP = parseSpec({
  name: 'loop',
  params: { a: 3, T: 1, gamma: 1, B: 128, eta: 0.02 },
  replicates: 512,
  steps: 300,
  window: 50,
  protocol: { kind: 'sweep', param: 'h', values: { linspace: { from: -0.6, to: 0.6, count: 13 } }, direction: 'up-down', stepsPerPoint: [300, 600] },
});

/** One trace (a single grid cell: one chunk): its series grows interval by interval. */
const TRACE = parseSpec({
  name: 'series',
  params: { a: 3, T: 1, gamma: 1, B: 64, eta: 0.002 },
  replicates: 1024,
  steps: 12000,
  protocol: { kind: 'trace', every: 300 },
});

/** A 1-D T scan, for WebGPU: several chunks on SwiftShader. */
const CURVE = parseSpec({
  name: 'curve',
  params: { a: 3, gamma: 1, B: 256, eta: 0.02 },
  axes: [{ param: 'T', values: { linspace: { from: 0.5, to: 3, count: 16 } } }],
  replicates: 256,
  steps: 3000,
  window: 300,
  initial: { y0: 0, asym: 0.05 },
});

type Live = { draws: number; chunks: number; title: string; points: number };
const liveOf = (page: import('playwright-core').Page) =>
  page.evaluate(() => (window as unknown as { moeCusp: { live?: Live } }).moeCusp.live ?? null);

describe('web page: the run flow', { skip: web.skip }, () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    test(`${viewport.width}x${viewport.height}: Run brings the run bar and the live figure into view; Stop is a clear Stopped state that keeps and exports the finished cells; Resume gives the uninterrupted numbers`, {
      timeout: 120_000,
    }, async () => {
      // The workers' replies are held after the first chunk until Stop: on an idle machine this
      // map ends in under a second, before the checks below could run (the old intermittent
      // timeout of the 1280x800 variant).
      const { page, context, errors } = await open(`${b64(MAP)}&engine=cpu`, { viewport, init: holdReplies, initArg: { after: 'chunk' } });
      const name = `map-${viewport.width}`;
      await clickRun(page);
      await page.waitForSelector('#run-dock:not([hidden])');
      assert.match((await page.textContent('#dock-state')) ?? '', /^Running$/);
      await page.waitForFunction(() => Number(document.body.dataset.chunks) >= 1);
      await waitInView(page, '#live', 60);
      const dock = await boxOf(page, '#run-dock');
      assert.ok(inside(dock, viewport), `the run bar in the viewport: ${JSON.stringify(dock)}`);
      const fig = (await boxOf(page, '#live canvas.heatmap'))!;
      // (a scroll may stop a fraction of a pixel past the target: a 2 px tolerance)
      assert.ok(fig.y >= -2 && fig.y < dock!.y, `the live map starts in view above the run bar: ${JSON.stringify(fig)}`);
      const running = await screenshot(page, shots, `${name}-running`);
      const seen = colours(running, { ...fig, height: Math.min(fig.height, dock!.y - fig.y) });
      assert.ok(seen.distinct > 20, `the screenshot shows the live heatmap: ${seen.distinct} colours`);
      assert.ok(colours(running, dock!).inked > 200, 'the screenshot shows the run bar');
      assert.equal(await page.isDisabled('#p-T-mode'), true, 'the form is locked while the run goes');

      assert.match((await page.textContent('#dock-state')) ?? '', /^Running$/, 'still running when Stop is pressed');
      await stopHeld(page);
      await waitState(page, 'stopped');
      const stopped = await screenshot(page, shots, `${name}-stopped`);
      assert.equal(await page.textContent('#dock-state'), 'Stopped');
      const meta = (await page.textContent('#results-meta')) ?? '';
      assert.match(meta, /^Stopped: partial results, \d+ of 48 grid cells finished/);
      assert.doesNotMatch(meta, /Running/);
      const title = (await page.getAttribute('#live canvas.heatmap', 'aria-label')) ?? '';
      assert.match(title, /^Stopped: .*\(the data so far\)/);
      assert.doesNotMatch(title, /%/, 'the live title loses its percentage');
      assert.ok(colours(stopped, (await boxOf(page, '#live canvas.heatmap'))!).distinct > 20, 'the finished cells stay on screen');
      assert.equal(await page.isDisabled('#p-T-mode'), false, 'unlocked after Stop');
      assert.ok(await page.isVisible('#resume'), 'Resume offered beside Run');
      // The finished cells export: the partial result.json holds their rows.
      const partial = await page.evaluate(() => (window as unknown as { moeCusp: { partial: ExperimentResult } }).moeCusp.partial);
      const done = (partial.observables as { finishedCells: number[] }).finishedCells[0];
      assert.ok(done > 0 && done < 48, `finished ${done} of 48`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-buttons button:has-text("partial result.json")')]);
      const chunks: Buffer[] = [];
      for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
      const saved = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExperimentResult;
      assert.equal(saved.tables[0].rows.length, done);
      const reference = await nodeResult(MAP);
      assert.deepEqual(saved.tables[0].rows, reference.tables[0].rows.slice(0, done), 'the exported cells are those of the whole run');

      await page.click('#dock-resume');
      await waitState(page, 'done');
      assert.ok(Number(await page.getAttribute('body', 'data-chunks')) >= 2);
      assert.deepEqual(numbers(await pageResult(page)), numbers(reference), 'resumed: identical to the uninterrupted run');
      assert.equal(await page.textContent('#dock-state'), 'Done');
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test('live figures of a sweep and a trace fill in within their one chunk; Stop inside the chunk and Resume give the uninterrupted numbers', {
    timeout: 120_000,
  }, async () => {
    for (const spec of [SWEEP, TRACE]) {
      // the workers' replies held from the first live frame until Stop (holdReplies)
      const { page, context, errors } = await open(`${b64(spec)}&engine=cpu`, { init: holdReplies, initArg: { after: 'live' } });
      await clickRun(page);
      // drawn while the one chunk runs (no chunk finished yet)
      await page.waitForFunction(() => ((window as unknown as { moeCusp: { live?: Live } }).moeCusp.live?.points ?? 0) > 0);
      const first = (await liveOf(page))!;
      await stopHeld(page);
      assert.equal(first.chunks, 0, `${spec.name}: drawn before the chunk finished`);
      assert.match(first.title, /^Live, \d+ %/);
      await waitState(page, 'stopped');
      assert.equal(await page.getAttribute('body', 'data-chunks'), '0', `${spec.name}: stopped inside its one chunk`);
      const kept = (await liveOf(page))!;
      assert.match(kept.title, /^Stopped/);
      assert.ok(kept.points >= first.points, `${spec.name}: the series so far stay on screen: ${JSON.stringify({ first, kept })}`);
      assert.ok(await page.isVisible('#live'), 'the live figure on screen');
      await screenshot(page, shots, `${spec.name}-stopped`);
      await page.click('#resume');
      // the figure goes on from where it stopped, and grows
      await page.waitForFunction((n) => ((window as unknown as { moeCusp: { live?: Live } }).moeCusp.live?.points ?? 0) > n, kept.points);
      await waitState(page, 'done');
      assert.deepEqual(numbers(await pageResult(page)), numbers(await nodeResult(spec)), `${spec.name}: resumed inside the chunk, identical`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  });

  test('on WebGPU (SwiftShader) Stop and Resume give the numbers of an uninterrupted run; a 1-D scan draws its curve as chunks finish', {
    timeout: 150_000,
  }, async () => {
    // buffer reads held after the first chunk of the second run until Stop (holdReplies)
    const { page, context, errors } = await open(`${b64(CURVE)}&engine=webgpu`, { init: holdReplies, initArg: { after: 'chunk', armed: false } });
    assert.equal(await page.getAttribute('body', 'data-engine'), 'webgpu');
    await clickRun(page);
    await waitState(page, 'done');
    const whole = numbers(await pageResult(page));
    await page.evaluate(() => (window as unknown as { moeCuspArm: () => void }).moeCuspArm());
    await clickRun(page);
    await page.waitForSelector('body[data-state="running"]');
    await page.waitForFunction(() => Number(document.body.dataset.chunks) >= 1);
    const live = (await liveOf(page))!;
    // two measured series (final |u_hat| and the window's mean |u_hat|) of 16 points each
    assert.ok(live.points > 0 && live.points < 32, `the curve so far: ${live.points} of 32 points`);
    await stopHeld(page, '#stop');
    await waitState(page, 'stopped');
    await page.click('#resume');
    await waitState(page, 'done');
    assert.deepEqual(numbers(await pageResult(page)), whole);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('cost before commitment: the time estimated on this engine beside the step count; a long run asks first', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await open(`${b64(MAP)}&engine=cpu`);
    // measured by the probe when the page opened
    assert.match(
      (await page.textContent('#run-estimate')) ?? '',
      /^Estimated time: (under a second|about \d+ (s|min)) on this engine \([\d.]+ [kM]? ?router-steps\/s in a short probe\)\.$/,
    );
    await context.close();
    // A slow engine remembered from earlier runs: the same scan now takes over three minutes.
    const slow = await open(`${b64(MAP)}&engine=cpu`, {
      init: () => {
        const threads = Math.max(1, Math.min(16, navigator.hardwareConcurrency || 2));
        localStorage.setItem('moe-cusp:rates:v1', JSON.stringify({ [`router|cpu x ${threads} Web Workers`]: { rate: 5000, source: 'run', at: 0 } }));
      },
    });
    const p = slow.page;
    assert.match((await p.textContent('#run-estimate')) ?? '', /about \d+ (min|h) on this engine \(5 k router-steps\/s as the last runs here\)/);
    await clickRun(p);
    await p.waitForSelector('#run-confirm:not([hidden])');
    assert.match((await p.textContent('#run-confirm-text')) ?? '', /^This run is estimated at about \d+ (min|h) on the CPU in \d+ Web Workers/);
    await screenshot(p, shots, 'confirm');
    await p.click('#run-confirm-no');
    assert.equal(await p.getAttribute('body', 'data-state'), 'ready', 'Cancel: nothing runs');
    await clickRun(p);
    await p.click('#run-confirm-yes');
    await waitState(p, 'done');
    // the run's own rate replaces the slow one
    assert.match((await p.textContent('#run-estimate')) ?? '', /as the last runs here/);
    assert.ok(Number(await p.getAttribute('#run-estimate', 'data-ms')) < 60_000);
    assert.deepEqual([...errors, ...slow.errors], []);
    await slow.context.close();
  });

  test('on a software adapter the page times WebGPU against the CPU workers, runs the faster and says so; a link or a person overrides it', {
    timeout: 90_000,
  }, async (t) => {
    const { page, context, errors } = await open('');
    assert.equal(await page.getAttribute('body', 'data-engine-choice'), 'probe');
    const probed = await page.evaluate(() => (window as unknown as { moeCusp: { probed: Record<string, number> } }).moeCusp.probed);
    t.diagnostic(`probe: WebGPU (SwiftShader) ${(probed.webgpu / 1e6).toFixed(2)} M, CPU workers ${(probed.cpu / 1e6).toFixed(2)} M router-steps/s`);
    const faster = probed.cpu > probed.webgpu ? 'cpu' : 'webgpu';
    assert.equal(await page.getAttribute('body', 'data-engine'), faster);
    assert.equal(await page.inputValue('#engine'), faster);
    const line = (await page.textContent('#engine-choice')) ?? '';
    assert.match(
      line,
      /^Engine: (WebGPU on .*swiftshader.*|the CPU in \d+ Web Workers): [\d.]+x faster than .* in a short probe \([\d.]+ [kM]? ?against [\d.]+ [kM]? ?router-steps\/s\), as the GPU is a software one/,
    );
    assert.ok(await page.isVisible('#engine-choice'));
    await page.locator('#engine-choice').scrollIntoViewIfNeeded();
    await screenshot(page, shots, 'engine-choice');
    // a person's choice: said, and kept in the link
    const other = faster === 'cpu' ? 'webgpu' : 'cpu';
    await page.selectOption('#engine', other);
    assert.equal(await page.getAttribute('body', 'data-engine-choice'), 'user');
    assert.match((await page.textContent('#engine-choice')) ?? '', /\(your choice\)\.$/);
    assert.match(page.url(), new RegExp(`engine=${other}$`));
    await context.close();
    // a link's engine
    const linked = await open('#preset=fig6&scale=browser&seed=1&engine=webgpu');
    assert.equal(await linked.page.getAttribute('body', 'data-engine'), 'webgpu');
    assert.equal(await linked.page.getAttribute('body', 'data-engine-choice'), 'link');
    assert.match((await linked.page.textContent('#engine-choice')) ?? '', /as the link asks \(engine=webgpu\)/);
    assert.deepEqual([...errors, ...linked.errors], []);
    await linked.context.close();
  });

  test('the editor for people: each invalid field its own message in words; protocol defaults; results marked out of date after a change', {
    timeout: 90_000,
  }, async () => {
    const small = parseSpec({
      name: 'small',
      params: { a: 3, gamma: 1, B: 64, eta: 0.01 },
      axes: [{ param: 'T', values: { linspace: { from: 0.5, to: 2, count: 4 } } }],
      replicates: 8,
      steps: 200,
      window: 20,
    });
    const { page, context, errors } = await open(`${b64(small)}&engine=cpu`);
    await page.fill('#p-T-from', '0');
    await page.fill('#replicates', '0');
    await page.fill('#p-T-count', '2.5');
    await page.fill('#p-eta-value', 'fast');
    await page.waitForSelector('#p-eta-value[aria-invalid="true"]');
    const messages = {
      '#p-T-from': 'T axis from must be greater than 0; you entered 0.',
      '#replicates': 'Replicates must be at least 1; you entered 0.',
      '#p-T-count': 'T axis points must be a whole number; you entered 2.5.',
      '#p-eta-value': 'eta must be a number; you entered "fast".',
    };
    for (const [field, message] of Object.entries(messages)) {
      assert.equal(await page.getAttribute(field, 'aria-invalid'), 'true', field);
      assert.equal(await page.textContent(`${field}-error`), message, field);
      assert.ok(await page.isVisible(`${field}-error`), `${field}: its message beside it`);
      const near = (await boxOf(page, `${field}-error`))!;
      const own = (await boxOf(page, field))!;
      assert.ok(Math.abs(near.y - (own.y + own.height)) < 40 && Math.abs(near.x - own.x) < 40, `${field}: the message right under the field`);
    }
    const all = await page.locator('.field-error:visible').allTextContents();
    assert.ok(
      all.every((m) => !/params\.|axes\[|protocol\.|--/.test(m)),
      `no JSON paths or flags: ${all.join(' | ')}`,
    );
    await page.locator('#p-T-from').scrollIntoViewIfNeeded();
    await screenshot(page, shots, 'field-messages');
    assert.equal(await page.isDisabled('#run'), true);
    for (const [field, value] of [
      ['#p-T-from', '0.5'],
      ['#replicates', '8'],
      ['#p-T-count', '4'],
      ['#p-eta-value', '0.01'],
    ])
      await page.fill(field, value);
    await page.waitForSelector('#p-eta-value:not([aria-invalid])');
    assert.equal(await page.isDisabled('#run'), false);
    // Switching the protocol fills in what it needs: the spec stays runnable.
    await page.selectOption('#protocol-kind', 'sweep');
    assert.equal(await page.inputValue('#sweep-param'), 'h');
    assert.deepEqual(
      [await page.inputValue('#sweep-from'), await page.inputValue('#sweep-to'), await page.inputValue('#sweep-count')],
      ['-0.5', '0.5', '11'],
    );
    assert.equal(await page.inputValue('#sweep-spp'), '200');
    assert.equal(await page.isDisabled('#run'), false, `sweep defaults runnable: ${await page.textContent('#run-summary')}`);
    await page.selectOption('#protocol-kind', 'trace');
    assert.equal(await page.inputValue('#trace-every'), '4');
    assert.equal(await page.isDisabled('#run'), false);
    await page.selectOption('#protocol-kind', 'relax');
    // Results of a finished run are marked out of date once the setup changes.
    await clickRun(page);
    await waitState(page, 'done');
    assert.equal(await page.isHidden('#results-stale'), true);
    await page.fill('#seed', '2');
    await page.waitForSelector('#results-stale:visible');
    assert.equal(await page.getAttribute('#results', 'data-stale'), 'true');
    await page.fill('#seed', '1');
    await page.waitForSelector('#results-stale', { state: 'hidden' });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('Back and Forward move between presets (history entries); Share copies a readable link that restores the scan; bad links fall back with a note', {
    timeout: 90_000,
  }, async () => {
    const { page, context, errors } = await open('#preset=fig8&scale=quick&seed=1&engine=cpu', {
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    await page.selectOption('#experiment', 'cusp');
    await page.selectOption('#scale', 'browser');
    await page.selectOption('#experiment', 'fig9');
    assert.match(page.url(), /#preset=fig9&scale=browser&seed=1&engine=cpu$/);
    await page.goBack();
    await page.waitForFunction(() => (document.getElementById('experiment') as HTMLSelectElement).value === 'cusp');
    assert.equal(await page.inputValue('#scale'), 'browser');
    await page.goBack();
    await page.waitForFunction(() => (document.getElementById('scale') as HTMLSelectElement).value === 'quick');
    assert.equal(await page.inputValue('#experiment'), 'cusp');
    await page.goBack();
    await page.waitForFunction(() => (document.getElementById('experiment') as HTMLSelectElement).value === 'fig8');
    await page.goForward();
    await page.waitForFunction(() => (document.getElementById('experiment') as HTMLSelectElement).value === 'cusp');
    // Share: a visible button; the link copied is readable and says what it holds.
    await page.selectOption('#experiment', 'custom');
    await page.fill('#replicates', '12');
    await page.locator('#share').scrollIntoViewIfNeeded();
    assert.ok(await page.isVisible('#share'));
    assert.match((await page.textContent('#share-note')) ?? '', /holds the setup, not the results.*from its seed/);
    await page.click('#share');
    await page.waitForFunction(() => document.getElementById('share-status')?.textContent === 'Link copied.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, page.url());
    const hash = new URL(copied).hash;
    assert.doesNotMatch(hash, /spec=/, 'readable, not base64');
    assert.match(hash, /(^#|&)replicates=12(&|$)/);
    assert.match(hash, /(^#|&)x=T:[\d.]+\.\.[\d.]+:\d+(&|$)/);
    await screenshot(page, shots, 'share');
    const canonical = await page.evaluate(() => (window as unknown as { moeCusp: { canonicalSpec(): string } }).moeCusp.canonicalSpec());
    const reopened = await open(hash);
    assert.equal(await reopened.page.inputValue('#experiment'), 'custom');
    assert.equal(
      await reopened.page.evaluate(() => (window as unknown as { moeCusp: { canonicalSpec(): string } }).moeCusp.canonicalSpec()),
      canonical,
    );
    await reopened.context.close();
    // A link edited by hand: the bad value is marked on its field, in words.
    const edited = await open(hash.replace('replicates=12', 'replicates=0'));
    assert.equal(await edited.page.textContent('#replicates-error'), 'Replicates must be at least 1; you entered 0.');
    assert.equal(await edited.page.isDisabled('#run'), true);
    await edited.context.close();
    // Damaged and unknown links: the default page, with a note.
    for (const [bad, note] of [
      ['#spec=%%%', /damaged/],
      ['#replicatez=3&steps=10', /does not know: "replicatez"/],
      ['#preset=fig99', /unknown figure "fig99"/],
    ] as const) {
      const o = await open(bad);
      assert.match((await o.page.textContent('#engine-status')) ?? '', note);
      assert.equal(await o.page.isDisabled('#run'), false, `${bad}: the default preset runs`);
      assert.deepEqual(o.errors, []);
      await o.context.close();
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('chunked runs: Stop inside a chunk (what the page resumes)', () => {
  for (const spec of [SWEEP, TRACE]) {
    test(`${spec.protocol.kind}: the stopped chunk's series so far, then run() resumes its snapshot: identical to an uninterrupted run`, async () => {
      const small = parseSpec({ ...spec, replicates: 32 });
      const run = new ChunkedRun({ kind: 'spec', spec: small });
      const abort = new AbortController();
      let lives = 0;
      await assert.rejects(
        run.run(cpu, {
          signal: abort.signal,
          liveMs: 0,
          onLive: () => {
            if (++lives === 3) abort.abort();
          },
        }),
        StopError,
      );
      assert.equal(run.finishedCells(0), 0, 'inside the one chunk');
      const part = run.partial(0);
      assert.ok(part.running, 'the stopped chunk has series so far');
      const o = part.outcome.outcome;
      const points =
        o.kind === 'sweep' ? o.speeds[0].cells[0].reduce((n, l) => n + l.values.length, 0) : o.kind === 'trace' ? o.cells[0][0].steps.length : 0;
      assert.ok(points > 0, `points so far: ${points}`);
      const resumed = await run.run(cpu);
      assert.deepEqual(numbers(resumed), numbers(await nodeResult(small)));
    });
  }
});
