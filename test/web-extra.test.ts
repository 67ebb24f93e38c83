// The N-expert and training presets on the page (issue 15), in headless Chromium (skipped
// without it, as test/web.test.ts), and the live loop of a sweep at several speeds: Stop puts
// the run in a clear Stopped state, with the scans finished so far drawn live and kept as a
// partial result; Resume continues from the checkpoint Stop left and gives the numbers of an uninterrupted run on the page, bit for bit;
// those agree with the Node f64 twins' (the page runs CpuExpertEngine's twin in its Web Workers
// and CpuTrainingEngine on engine=cpu) up to the last bits of Chromium's Math functions.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { CpuExpertEngine } from '../src/core/experts-cpu.js';
import { CpuTrainingEngine } from '../src/core/training/cpu-engine.js';
import { completeExpertExperiment, prepareExpertExperiment, runExpertExperimentPart } from '../src/experiments/experts/experiment.js';
import type { ExpertProvenance } from '../src/experiments/experts/run.js';
import { parseExpertSpec } from '../src/experiments/experts/spec.js';
import { completeTrainingExperiment, prepareTrainingExperiment, runTrainingExperimentPart } from '../src/experiments/training/experiment.js';
import { runCustomSpec } from '../src/experiments/run.js';
import { canonicalJson, parseSpec } from '../src/experiments/spec.js';
import type { ExperimentResult } from '../src/experiments/types.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { clickRun, numbers, pageResult, waitState } from './helpers/web-run.js';
import { webSuite } from './helpers/web-suite.js';

const web = webSuite('web-extra');

type Live = { draws: number; title: string; points: number };
const liveOf = (page: Page) => page.evaluate(() => (window as unknown as { moeCusp: { live?: Live } }).moeCusp.live ?? null);
const partialOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { moeCusp: { partial?: ExperimentResult | null } }).moeCusp.partial ?? null);

/**
 * Two JSON trees equal in shape and text, their numbers within `rel` (relative to the larger,
 * plus 1e-300): the page's f64 twins run Chromium's Math, whose last bits can differ from Node's.
 */
function closeTree(a: unknown, b: unknown, rel: number, at: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    const tol = rel * Math.max(Math.abs(a), Math.abs(b)) + 1e-300;
    assert.ok(a === b || Math.abs(a - b) <= tol, `${at}: ${a} vs ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, `${at}: length`);
    a.forEach((v, i) => closeTree(v, b[i], rel, `${at}[${i}]`));
  } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a), Object.keys(b), `${at}: keys`);
    for (const k of Object.keys(a)) closeTree((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], rel, `${at}.${k}`);
  } else assert.deepEqual(a, b, at);
}

/** Runs, stops once `ready` (of `arg`, evaluated in the page) holds, checks the Stopped state; returns the progress line. */
async function stopWhen(page: Page, ready: (arg: number) => boolean, arg = 0): Promise<string> {
  await clickRun(page);
  await page.waitForFunction(ready, arg, { timeout: 120_000, polling: 50 });
  await page.click('#dock-stop');
  // a run that ends before Stop is heard is Done: say so rather than wait for a Stopped that cannot come
  await page.waitForSelector('body[data-state="stopped"], body[data-state="done"], body[data-state="failed"]', { timeout: 120_000 });
  assert.equal(await page.getAttribute('body', 'data-state'), 'stopped', `Stop did not take effect: ${await page.textContent('#progress-text')}`);
  assert.equal(await page.textContent('#dock-state'), 'Stopped');
  assert.ok(await page.locator('#resume').isVisible(), 'Resume is offered');
  assert.equal(await page.isDisabled('#run'), false);
  return (await page.textContent('#progress-text')) ?? '';
}

/** One h sweep at two speeds (one grid cell, one chunk): the second speed, 40 M router-steps, draws over ~2 s of CPU. */
const TWO_SPEEDS = parseSpec({
  name: 'two-speeds',
  params: { a: 3, T: 1, gamma: 1, B: 128, eta: 0.02 },
  replicates: 512,
  steps: 300,
  window: 50,
  protocol: { kind: 'sweep', param: 'h', values: { linspace: { from: -0.6, to: 0.6, count: 13 } }, direction: 'up-down', stepsPerPoint: [200, 3000] },
});

describe('web page: a sweep at several speeds keeps the finished speeds on screen', { skip: web.skip }, () => {
  test('the live loop of the second speed shows the first speed as dots; Stop keeps both; Resume gives the uninterrupted numbers', {
    timeout: 180_000,
  }, async () => {
    const cpu = new CpuEngine();
    const reference = await runCustomSpec(cpu, TWO_SPEEDS);
    await cpu.dispose();
    const hash = `#spec=${Buffer.from(canonicalJson(TWO_SPEEDS)).toString('base64url')}&engine=cpu`;
    const { page, context, errors } = await web.open(hash);
    await stopWhen(page, () =>
      /earlier speeds as dots/.test((window as unknown as { moeCusp: { live?: { title: string } } }).moeCusp.live?.title ?? ''),
    );
    const kept = await liveOf(page);
    assert.match(kept?.title ?? '', /^Stopped: .*3000 steps per point.*; earlier speeds as dots/);
    const legend = (await page.textContent('#live')) ?? '';
    assert.match(legend, /\(200 steps per point\)/, 'the first speed is in the legend');
    assert.match(legend, /\(3000 steps per point\)/, 'the second speed is in the legend');
    // both legs of the first speed (13 points each) and the second speed's points so far
    assert.ok((kept?.points ?? 0) > 26, `points on screen: ${kept?.points}`);
    await page.click('#resume');
    await waitState(page, 'done');
    assert.deepEqual(numbers(await pageResult(page)), numbers(reference), 'resumed = the Node CPU engine, bit for bit');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

/**
 * An N-expert sweep whose routers the page's workers split inside a plan cell (15 routers of
 * 5 replicates: 8 + 7 on two workers), with the sign bias and a capacity, ~4.8 M router-steps:
 * setCells and resetTallies at each point, a Stop inside the one scan restores the workers' blocks.
 */
const SPLIT_SWEEP = parseExpertSpec({
  model: 'experts',
  name: 'split-sweep',
  seed: 3,
  params: { N: 6, a: 4, T: 1, gamma: 1, B: 256, eta: 0.05, u: 0.5, cf: 1.25 },
  bias: 'sign',
  axes: [{ param: 'T', values: { list: [0.8, 1.2, 1.6] } }],
  replicates: 5,
  steps: 20_000,
  window: 2_000,
  initial: { family: 'winner', asym: 0.01 },
  protocol: { kind: 'sweep', param: 'a', values: { linspace: { from: 2, to: 6, count: 5 } }, direction: 'up-down', stepsPerPoint: 30_000 },
});

describe('web page: N-expert and training runs stop and resume', { skip: web.skip }, () => {
  test('an N-expert sweep on the Web Workers: the numbers of the Node CpuExpertEngine, bit for bit, also after a Stop inside the scan', {
    timeout: 300_000,
  }, async () => {
    const reference = completeExpertExperiment(
      await runExpertExperimentPart(new CpuExpertEngine(), prepareExpertExperiment({ kind: 'expert-spec', spec: SPLIT_SWEEP })),
    );
    const hash = `#spec=${Buffer.from(canonicalJson(SPLIT_SWEEP)).toString('base64url')}&engine=cpu`;
    const { page, context, errors } = await web.open(hash);
    await clickRun(page);
    await waitState(page, 'done', 200_000);
    const whole = await pageResult(page);
    assert.match(whole.provenance[0].adapter, /^cpu x \d+ Web Workers \(f64 twin\)$/);
    assert.deepEqual(numbers(whole), numbers(reference), 'the page = the Node CPU twin, bit for bit');
    const text = await stopWhen(page, () => /^(2\d|[3-7]\d)(\.\d)? %/.test(document.getElementById('progress-text')?.textContent ?? ''));
    assert.match(text, /^Stopped at \d+ % \(.* of 4\.8 M router-steps\): 0 of 1 scan finished\. Resume continues this N-expert run/);
    await page.click('#resume');
    await waitState(page, 'done', 200_000);
    const resumed = await pageResult(page);
    assert.equal((resumed.provenance[0] as ExpertProvenance).segments?.length, 2, 'the resumed scan ran in two segments');
    assert.deepEqual(numbers(resumed), numbers(reference), 'stopped inside the scan and resumed = the Node CPU twin, bit for bit');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('nexp-balancing on the CPU twin: finished scans drawn live and kept after Stop; Resume gives the uninterrupted numbers', {
    timeout: 300_000,
  }, async () => {
    // 4 scans, the last ~8 M of the 10.7 M router-steps: a Stop after the first scan lands before the end
    const experiment = prepareExpertExperiment({ kind: 'expert-preset', id: 'nexp-balancing', scale: 'quick', seed: 1 });
    const reference = completeExpertExperiment(await runExpertExperimentPart(new CpuExpertEngine(), experiment));
    const { page, context, errors } = await web.open('#preset=nexp-balancing&scale=browser&seed=1&engine=cpu');
    assert.match((await page.textContent('#experiment-note')) ?? '', /Resume continues from there/);
    await clickRun(page);
    await waitState(page, 'done', 200_000);
    const whole = await pageResult(page);
    closeTree(numbers(whole), numbers(reference), 1e-12, 'nexp-balancing');
    // stopped once the first scan of this run is drawn (the live figure; `draws` counts the page's draws, the first run's too)
    const drawn = (await liveOf(page))?.draws ?? 0;
    const text = await stopWhen(
      page,
      (before: number) => {
        const w = window as unknown as { moeCusp: { live?: { draws: number } } };
        return (w.moeCusp.live?.draws ?? 0) > before;
      },
      drawn,
    );
    const live = await liveOf(page);
    assert.match(live?.title ?? '', /^Live, \d+ % \(scan [1-3] of 4 finished\): /);
    assert.ok((live?.points ?? 0) > 0, 'the live figure has data');
    const m = /^Stopped at (\d+) % \(.* of 10\.7 M router-steps\): ([1-3]) of 4 scans finished \(their figures below\)\. Resume continues/.exec(text);
    assert.ok(m, text);
    const partial = await partialOf(page);
    assert.ok(partial, 'a partial result');
    assert.equal(partial.specs.length, Number(m[2]));
    assert.ok(partial.figures.length >= Number(m[2]), 'a figure per finished scan');
    assert.equal(await page.locator('#figures figure').count(), partial.figures.length);
    assert.match((await page.textContent('#results-meta')) ?? '', /^Stopped: Resume continues from there/);
    assert.ok(await page.locator('#exports button', { hasText: 'partial result.json' }).isVisible());
    await page.click('#resume');
    await waitState(page, 'done', 200_000);
    assert.deepEqual(numbers(await pageResult(page)), numbers(whole), 'resumed = uninterrupted, bit for bit');
    assert.equal(await page.locator('#figures figure').count(), whole.figures.length);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('fig3 on the CPU twin: Stop inside its one scan keeps an exact checkpoint; Resume gives the uninterrupted numbers', {
    timeout: 180_000,
  }, async () => {
    const experiment = prepareTrainingExperiment({ kind: 'training-preset', id: 'fig3', scale: 'quick', seed: 1 });
    const reference = completeTrainingExperiment(await runTrainingExperimentPart(new CpuTrainingEngine(), experiment, {}));
    const { page, context, errors } = await web.open('#preset=fig3&scale=browser&seed=1&engine=cpu');
    // uninterrupted first: the page's twin is the Node one, up to the last bits of Chromium's Math.exp
    await clickRun(page);
    await waitState(page, 'done', 150_000);
    const whole = await pageResult(page);
    closeTree(numbers(whole), numbers(reference), 1e-12, 'fig3');
    // pressed at the first progress report (Stop is heard within a quarter of a second of
    // training, the run takes seconds); a later trigger can miss on a loaded machine
    const text = await stopWhen(page, () => /^\d+(\.\d)? %/.test(document.getElementById('progress-text')?.textContent ?? ''));
    assert.match(text, /^Stopped at \d+ % \(.* of 160 k model-steps\): 0 of 1 scan finished\. Resume continues this training run/);
    assert.equal(await partialOf(page), null, 'no scan finished: no partial figures');
    await page.click('#resume');
    await waitState(page, 'done', 150_000);
    assert.deepEqual(numbers(await pageResult(page)), numbers(whole), 'resumed = uninterrupted, bit for bit');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
