// End-to-end tests of the page's N-expert editor (web/src/expert-editor.ts, the "Custom N-expert
// scan (editor)" experiment) in headless Chromium, set up as test/web.test.ts is: the page
// built with Vite's JS API, served from a temporary folder. Checks: every field there and
// labelled; the CLI's bad-input rules (parseExpertSpec) shown beside each field in words with
// Run disabled; the protocol switch's defaults; a small relax scan run to Done on the page's
// CPU twin with the numbers of the Node CPU twin; a shared link and a pasted spec reopen the
// same spec; Back and Forward; Edit this preset on an N-expert preset.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { CpuExpertEngine } from '../src/core/experts-cpu.js';
import { completeExpertExperiment, prepareExpertExperiment, runExpertExperimentPart } from '../src/experiments/experts/experiment.js';
import { expertPresetSpecs } from '../src/experiments/experts/presets/index.js';
import { parseExpertSpec, type ExpertScanSpec } from '../src/experiments/experts/spec.js';
import { canonicalJson } from '../src/experiments/spec.js';
import type { ExperimentResult } from '../src/experiments/types.js';
import { webSuite } from './helpers/web-suite.js';

const web = webSuite('web-experts', { open: { viewport: { width: 1280, height: 720 }, timeout: 20_000 } });
const open = web.open;

const link = (spec: unknown) => '#spec=' + Buffer.from(canonicalJson(spec), 'utf8').toString('base64url');

/** The N-expert editor's spec, canonical (null while invalid). */
const pageSpec = (page: Page) =>
  page.evaluate(() => (window as unknown as { moeCusp: { canonicalExpertSpec(): string | null } }).moeCusp.canonicalExpertSpec());

/** Every control of the N-expert editor and its label's text. */
const FIELDS: Record<string, RegExp> = {
  '#ne-N-mode': /^N experts$/,
  '#ne-N-value': /^N value$/,
  '#ne-a-mode': /^a reinforcement$/,
  '#ne-T-mode': /^T temperature$/,
  '#ne-T-spacing': /^T axis spacing$/,
  '#ne-T-from': /^from$/,
  '#ne-T-to': /^to$/,
  '#ne-T-count': /^points$/,
  '#ne-T-list': /^values$/,
  '#ne-gamma-value': /^gamma value$/,
  '#ne-B-value': /^B value$/,
  '#ne-eta-value': /^eta value$/,
  '#ne-b': /^Per-expert drift b/,
  '#ne-rho-mode': /^rho negative feedback$/,
  '#ne-bias': /^Loss-free bias$/,
  '#ne-u-mode': /^u loss-free bias rate$/,
  '#ne-u-value': /^u value$/,
  '#ne-cf-mode': /^cf capacity factor/,
  '#ne-protocol-kind': /^Protocol$/,
  '#ne-sweep-param': /^Swept parameter$/,
  '#ne-sweep-direction': /^Direction$/,
  '#ne-sweep-spp': /^Steps per point$/,
  '#ne-sweep-from': /^from$/,
  '#ne-family': /^Start$/,
  '#ne-winner-gap': /^Winner gap/,
  '#ne-asym': /^Random initial asymmetry/,
  '#ne-r0': /^Initial scores r0/,
  '#ne-replicates': /^Replicates per cell$/,
  '#ne-steps': /^Steps$/,
  '#ne-window': /^Window/,
  '#ne-seed': /^Seed$/,
  '#ne-name': /^Name$/,
};

async function waitState(page: Page, state: string, timeout = 120_000): Promise<void> {
  await page.waitForSelector(`body[data-state="${state}"], body[data-state="failed"]`, { timeout });
  const now = await page.getAttribute('body', 'data-state');
  assert.equal(now, state, `run ended ${now}: ${await page.textContent('#progress-text')}`);
}

describe('web page: the N-expert editor', { skip: web.skip }, () => {
  test('Custom N-expert scan (editor): every field there and labelled, the JSON box shows the spec, Run enabled', async () => {
    const { page, errors } = await open('#preset=fig8&scale=browser&seed=1');
    assert.equal(await page.isHidden('#expert-editor'), true);
    assert.equal(await page.locator('#experiment option[value="custom-experts"]').textContent(), 'Custom N-expert scan (editor)');
    await page.selectOption('#experiment', 'custom-experts');
    await page.waitForSelector('#expert-editor:visible');
    assert.equal(await page.isHidden('#editor'), true, 'the two-expert editor is hidden');
    assert.equal(await page.isHidden('#preset-fields'), true);
    const labels = await page.evaluate((ids) => {
      return ids.map((id) => {
        const e = document.querySelector<HTMLInputElement | HTMLSelectElement>(id);
        return e ? Array.from(e.labels ?? [], (l) => l.textContent ?? '').join(' | ') : null;
      });
    }, Object.keys(FIELDS));
    Object.values(FIELDS).forEach((re, i) => {
      const id = Object.keys(FIELDS)[i];
      assert.notEqual(labels[i], null, `${id} is there`);
      assert.match(labels[i]!, re, `${id} label`);
    });
    const json = JSON.parse(await page.inputValue('#spec-json'));
    assert.equal(json.model, 'experts');
    assert.equal(canonicalJson(parseExpertSpec(json)), await pageSpec(page), 'the JSON box shows the editor spec');
    assert.equal(await page.isDisabled('#run'), false);
    assert.match((await page.textContent('#run-summary')) ?? '', /^1 N-expert scan, [\d.]+ k router-steps$/);
    assert.match((await page.textContent('#experiment-note')) ?? '', /N-expert scan of your own/);
    assert.match(page.url(), /#spec=/);
    // at phone width: no sideways scrolling
    await page.setViewportSize({ width: 390, height: 844 });
    const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(width[0] <= width[1], `page ${width[0]} px wide at ${width[1]}`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the CLI's bad-input rules: each invalid field its own message in words beside it, Run disabled; the protocol switch fills in a sweep", async () => {
    const { page, errors } = await open('#preset=fig8&scale=browser&seed=1');
    await page.selectOption('#experiment', 'custom-experts');
    await page.waitForSelector('#expert-editor:visible');
    // one at a time: the field marked, its message in words beside it, Run disabled; fixed again: Run enabled
    await page.selectOption('#ne-T-mode', 'fixed');
    await page.fill('#ne-T-value', '1');
    const cases: { field: string; value: string; message: string }[] = [
      { field: '#ne-N-value', value: '1', message: 'N must be at least 2; you entered 1.' },
      { field: '#ne-T-value', value: '0', message: 'T must be greater than 0; you entered 0.' },
      { field: '#ne-N-value', value: '3.5', message: 'N must be a whole number; you entered 3.5.' },
      { field: '#ne-eta-value', value: 'fast', message: 'eta must be a number; you entered "fast".' },
      { field: '#ne-B-value', value: '', message: 'B is needed: give it a value or put it on an axis.' },
      { field: '#ne-replicates', value: '0', message: 'Replicates must be at least 1; you entered 0.' },
      { field: '#ne-window', value: '500', message: 'Window must be at most 400 (the steps); you entered 500.' },
      { field: '#ne-u-value', value: '0.5', message: 'u sets the loss-free bias rate; choose bias "linear" or "sign".' },
      { field: '#ne-cf-value', value: '-1', message: 'cf must be at least 0; you entered -1.' },
      { field: '#ne-asym', value: '-0.1', message: 'Random initial asymmetry must be at least 0; you entered -0.1.' },
      { field: '#ne-b', value: '0.1, 0', message: 'Per-expert drift b holds 2 values; it needs N = 4, one per expert.' },
    ];
    for (const c of cases) {
      const before = await page.inputValue(c.field);
      await page.fill(c.field, c.value);
      await page.waitForSelector(`${c.field}[aria-invalid="true"]`);
      assert.equal(await page.textContent(`${c.field}-error`), c.message, c.field);
      assert.ok(await page.isVisible(`${c.field}-error`), `${c.field}: its message beside it`);
      assert.equal(await page.isDisabled('#run'), true, `${c.field}: Run disabled`);
      assert.equal(await page.textContent('#run-summary'), 'Fix the marked field to run.');
      await page.fill(c.field, before);
      await page.waitForSelector(`${c.field}:not([aria-invalid])`);
      assert.equal(await page.isDisabled('#run'), false, `${c.field}: fixed`);
    }
    // several at once: each marked with its own message
    await page.fill('#ne-N-value', '1');
    await page.fill('#ne-T-value', '0');
    await page.fill('#ne-steps', '0');
    await page.waitForSelector('#ne-steps[aria-invalid="true"]');
    assert.deepEqual(await Promise.all(['#ne-N-value-error', '#ne-T-value-error', '#ne-steps-error'].map((s) => page.textContent(s))), [
      'N must be at least 2; you entered 1.',
      'T must be greater than 0; you entered 0.',
      'Steps must be at least 1; you entered 0.',
    ]);
    const all = await page.locator('#expert-editor .field-error:visible').allTextContents();
    assert.ok(
      all.every((m) => !/params\.|axes\[|protocol\.|initial\./.test(m)),
      `no JSON paths: ${all.join(' | ')}`,
    );
    assert.equal(await page.isDisabled('#run'), true);
    await page.fill('#ne-N-value', '4');
    await page.fill('#ne-T-value', '1');
    await page.fill('#ne-steps', '400');
    await page.waitForSelector('#ne-steps:not([aria-invalid])');
    // a grid's bad value on the control that holds it
    await page.selectOption('#ne-T-mode', 'x');
    await page.fill('#ne-T-from', '0');
    await page.waitForSelector('#ne-T-from[aria-invalid="true"]');
    assert.equal(await page.textContent('#ne-T-from-error'), 'T axis from must be greater than 0; you entered 0.');
    await page.fill('#ne-T-from', '0.6');
    await page.waitForSelector('#ne-T-from:not([aria-invalid])');
    assert.equal(await page.isDisabled('#run'), false);
    // an N axis whose points give values that are not whole
    await page.selectOption('#ne-N-mode', 'y');
    await page.selectOption('#ne-N-spacing', 'linspace');
    await page.fill('#ne-N-from', '2');
    await page.fill('#ne-N-to', '8');
    await page.fill('#ne-N-count', '5');
    await page.waitForSelector('#ne-N-count[aria-invalid="true"]');
    assert.match((await page.textContent('#ne-N-count-error')) ?? '', /^N axis points gives N = 3\.5 between the ends, not a whole number/);
    await page.fill('#ne-N-count', '4');
    await page.waitForSelector('#ne-N-count:not([aria-invalid])');
    assert.equal(await page.isDisabled('#run'), false);
    await page.selectOption('#ne-N-mode', 'fixed');
    // Switching to a sweep fills it in (T is an axis: a is swept, around its value), runnable at once.
    await page.selectOption('#ne-protocol-kind', 'sweep');
    assert.equal(await page.inputValue('#ne-sweep-param'), 'a');
    assert.deepEqual(
      await Promise.all(['#ne-sweep-spacing', '#ne-sweep-from', '#ne-sweep-to', '#ne-sweep-count', '#ne-sweep-spp'].map((s) => page.inputValue(s))),
      ['linspace', '2', '6', '11', '200'],
    );
    assert.equal(await page.isVisible('#ne-a-mode'), true);
    assert.equal(await page.isDisabled('#ne-a-mode'), true, 'the swept parameter is not also fixed or an axis');
    assert.equal(await page.isDisabled('#run'), false, `sweep defaults runnable: ${await page.textContent('#run-summary')}`);
    assert.equal(JSON.parse(await page.inputValue('#spec-json')).protocol.stepsPerPoint, 200);
    // with T fixed, a sweep steps T around T_c = a/(N gamma) = 1
    await page.selectOption('#ne-protocol-kind', 'relax');
    await page.selectOption('#ne-T-mode', 'fixed');
    await page.evaluate(() => {
      for (const id of ['ne-sweep-from', 'ne-sweep-to']) (document.getElementById(id) as HTMLInputElement).value = '';
    });
    await page.selectOption('#ne-protocol-kind', 'sweep');
    assert.deepEqual(await Promise.all(['#ne-sweep-param', '#ne-sweep-from', '#ne-sweep-to'].map((s) => page.inputValue(s))), ['T', '0.5', '1.5']);
    assert.equal(await page.isDisabled('#run'), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a small N-expert relax scan set up in the editor runs to Done with a figure, the numbers of the Node CPU twin', {
    timeout: 180_000,
  }, async () => {
    const { page, errors } = await open('#preset=nexp-threshold&scale=quick&seed=1&engine=cpu');
    assert.equal(await page.getAttribute('body', 'data-engine'), 'cpu');
    await page.selectOption('#experiment', 'custom-experts');
    await page.waitForSelector('#expert-editor:visible');
    await page.selectOption('#ne-T-mode', 'x');
    await page.selectOption('#ne-T-spacing', 'list');
    for (const [field, value] of [
      ['#ne-T-list', '0.8, 1, 1.2, 1.6'],
      ['#ne-B-value', '256'],
      ['#ne-replicates', '8'],
      ['#ne-steps', '200'],
      ['#ne-window', '20'],
      ['#ne-seed', '7'],
      ['#ne-name', 'small-n'],
    ])
      await page.fill(field, value);
    const spec = parseExpertSpec({
      model: 'experts',
      name: 'small-n',
      seed: 7,
      params: { N: 4, a: 4, gamma: 1, B: 256, eta: 0.05 },
      axes: [{ param: 'T', values: { list: [0.8, 1, 1.2, 1.6] } }],
      replicates: 8,
      steps: 200,
      window: 20,
      initial: { family: 'both', asym: 0.01 },
    });
    assert.equal(await pageSpec(page), canonicalJson(spec), 'the form holds the spec');
    assert.match((await page.textContent('#run-summary')) ?? '', /^1 N-expert scan, 12\.8 k router-steps$/);
    // the form locks while the run goes
    const locked = await page.evaluate(
      () =>
        new Promise<boolean[]>((resolve) => {
          const o = new MutationObserver(() => {
            if (document.body.dataset.state !== 'running') return;
            o.disconnect();
            resolve(Array.from(document.querySelectorAll<HTMLFieldSetElement>('#expert-editor fieldset'), (f) => f.disabled));
          });
          o.observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
          document.getElementById('run')!.click();
        }),
    );
    assert.ok(locked.length === 5 && locked.every(Boolean), `locked while running: ${locked}`);
    await waitState(page, 'done');
    assert.equal(await page.isDisabled('#ne-replicates'), false, 'unlocked after the run');
    const result = await page.evaluate(() => (window as unknown as { moeCusp: { result: ExperimentResult } }).moeCusp.result);
    assert.equal(result.id, 'small-n');
    assert.equal(result.scale, 'custom');
    assert.equal(canonicalJson(result.specs[0]), canonicalJson(spec));
    assert.match(result.provenance[0].adapter, /f64 twin/);
    assert.ok(result.figures.length >= 1);
    assert.equal(await page.locator('#figures figure').count(), result.figures.length);
    assert.ok(await page.locator('#figures figure canvas').first().isVisible(), 'a figure is drawn');
    assert.match((await page.textContent('#progress-text')) ?? '', /^Done/);
    // The Node side: the same f64 twin, the CLI's experiment runner: every number the same.
    const node = completeExpertExperiment(
      await runExpertExperimentPart(new CpuExpertEngine(), prepareExpertExperiment({ kind: 'expert-spec', spec })),
    );
    assert.deepEqual(result.tables, node.tables);
    assert.deepEqual(result.figures, node.figures);
    assert.deepEqual(result.estimates, node.estimates);
    const cells = node.tables.find((t) => t.name === 'small-n-cells')!;
    assert.equal(cells.rows.length, 8, 'four temperatures from two starts');
    // the result is marked out of date once the spec changes, and fresh again when it is back
    await page.fill('#ne-seed', '8');
    await page.waitForSelector('#results-stale:visible');
    await page.fill('#ne-seed', '7');
    await page.waitForSelector('#results-stale', { state: 'hidden' });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a shared link reopens the same N-expert spec; the URL follows the editor; Back and Forward; a pasted spec loads', {
    timeout: 120_000,
  }, async () => {
    const specs: ExpertScanSpec[] = [
      parseExpertSpec({
        model: 'experts',
        name: 'shared-n',
        description: 'T swept down and up with the linear bias',
        seed: 99,
        params: { N: 3, a: 3, gamma: 1, B: 512, eta: 0.05, u: 0.5, cf: 1.5 },
        b: [0.1, 0, -0.1],
        bias: 'linear',
        replicates: 4,
        steps: 100,
        window: 10,
        initial: { family: 'balanced', r0: [0.5, 0, 0], asym: 0.02 },
        protocol: { kind: 'sweep', param: 'T', values: { list: [1.4, 1, 0.6] }, direction: 'down-up', stepsPerPoint: 50 },
      }),
      parseExpertSpec({
        model: 'experts',
        params: { T: 1, gamma: 1, B: 4096, eta: 0.02, rho: 0.2, u: 0.3 },
        bias: 'sign',
        axes: [
          { param: 'a', values: { logspace: { from: 1.5, to: 100, count: 6 } } },
          { param: 'N', values: { list: [2, 4, 8] } },
        ],
        replicates: 2,
        steps: 300,
        initial: { family: 'both', winnerGap: 2, asym: 0.01 },
      }),
    ];
    for (const spec of specs) {
      const { page, errors } = await open(link(spec));
      assert.equal(await page.inputValue('#experiment'), 'custom-experts');
      assert.equal(await page.isVisible('#expert-editor'), true);
      assert.equal(await pageSpec(page), canonicalJson(spec));
      assert.equal(
        canonicalJson(parseExpertSpec(JSON.parse(await page.inputValue('#spec-json')))),
        canonicalJson(spec),
        'the JSON box shows the spec',
      );
      assert.equal(await page.isDisabled('#run'), false);
      assert.equal(new URL(page.url()).hash, link(spec), 'the URL is kept as given');
      assert.deepEqual(errors, []);
      await page.close();
    }
    // the fields restored
    const { page, errors } = await open(link(specs[0]));
    assert.deepEqual(
      await Promise.all(
        [
          '#ne-N-value',
          '#ne-b',
          '#ne-bias',
          '#ne-u-value',
          '#ne-cf-value',
          '#ne-protocol-kind',
          '#ne-sweep-param',
          '#ne-sweep-list',
          '#ne-sweep-direction',
          '#ne-sweep-spp',
          '#ne-r0',
          '#ne-asym',
          '#ne-seed',
          '#ne-name',
        ].map((s) => page.inputValue(s)),
      ),
      ['3', '0.1, 0, -0.1', 'linear', '0.5', '1.5', 'sweep', 'T', '1.4, 1, 0.6', 'down-up', '50', '0.5, 0, 0', '0.02', '99', 'shared-n'],
    );
    assert.equal(await page.isVisible('#ne-T-value'), false, 'the swept T has no value field');
    // Editing a field rewrites the URL; the new URL opens the edited spec.
    await page.fill('#ne-replicates', '6');
    await page.waitForFunction((h) => location.hash !== h, link(specs[0]));
    const edited = { ...specs[0], replicates: 6 };
    assert.equal(new URL(page.url()).hash, link(edited));
    const reopened = await open(new URL(page.url()).hash);
    assert.equal(await pageSpec(reopened.page), canonicalJson(edited));
    await reopened.page.close();
    // Back and Forward: a preset is a history entry; Back returns to the N-expert scan as edited.
    await page.selectOption('#experiment', 'fig8');
    assert.match(page.url(), /#preset=fig8&/);
    await page.goBack();
    await page.waitForFunction(() => (document.getElementById('experiment') as HTMLSelectElement).value === 'custom-experts');
    assert.equal(await pageSpec(page), canonicalJson(edited));
    await page.goForward();
    await page.waitForFunction(() => (document.getElementById('experiment') as HTMLSelectElement).value === 'fig8');
    // A pasted N-expert spec opens the N-expert editor; a bad one is marked in the box (the CLI's words) and on its field.
    await page.evaluate(() => {
      (document.getElementById('json-panel') as HTMLDetailsElement).open = true;
    });
    await page.fill('#spec-json', JSON.stringify(specs[1]));
    await page.waitForFunction(() => (document.getElementById('experiment') as HTMLSelectElement).value === 'custom-experts');
    assert.equal(await pageSpec(page), canonicalJson(specs[1]));
    assert.equal(await page.isDisabled('#run'), false);
    assert.deepEqual(
      await Promise.all(
        ['#ne-a-mode', '#ne-a-spacing', '#ne-N-mode', '#ne-N-list', '#ne-bias', '#ne-family', '#ne-winner-gap'].map((s) => page.inputValue(s)),
      ),
      ['x', 'logspace', 'y', '2, 4, 8', 'sign', 'both', '2'],
    );
    await page.fill('#spec-json', JSON.stringify({ ...specs[1], params: { ...specs[1].params, T: 0 } }));
    await page.waitForFunction(() => /^params\.T: /.test(document.getElementById('spec-json-error')?.textContent ?? ''));
    assert.equal(await page.textContent('#spec-json-error'), 'params.T: must be a number in [1e-30, 1000000], got 0');
    assert.equal(await page.textContent('#ne-T-value-error'), 'T must be greater than 0; you entered 0.');
    assert.equal(await page.isDisabled('#run'), true);
    await page.fill('#spec-json', '{"model": "experts", ');
    await page.waitForFunction(() => /^spec: is not valid JSON/.test(document.getElementById('spec-json-error')?.textContent ?? ''));
    assert.equal(await page.inputValue('#experiment'), 'custom-experts');
    assert.equal(await page.isDisabled('#run'), true);
    // a two-expert spec pasted there opens the two-expert editor
    await page.fill('#spec-json', JSON.stringify({ params: { a: 3, T: 1, gamma: 1, B: 64, eta: 0.01 }, replicates: 4, steps: 100, window: 10 }));
    await page.waitForFunction(() => (document.getElementById('experiment') as HTMLSelectElement).value === 'custom');
    assert.equal(await page.isVisible('#editor'), true);
    assert.equal(await page.isHidden('#expert-editor'), true);
    assert.equal(await page.isDisabled('#run'), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('Edit this preset on nexp-threshold opens its first scan in the N-expert editor; a training preset has no Edit', async () => {
    const { page, errors } = await open('#preset=nexp-threshold&scale=quick&seed=3');
    assert.equal(await page.isVisible('#edit-preset'), true, 'Edit is offered for an N-expert preset');
    await page.click('#edit-preset');
    await page.waitForSelector('#expert-editor:visible');
    assert.equal(await page.inputValue('#experiment'), 'custom-experts');
    assert.equal(await page.isHidden('#editor'), true);
    const { description: _d, ...first } = expertPresetSpecs('nexp-threshold', 'quick', 3)[0];
    assert.equal(await pageSpec(page), canonicalJson(first));
    assert.deepEqual(
      await Promise.all(
        ['#ne-N-value', '#ne-a-value', '#ne-T-mode', '#ne-T-from', '#ne-T-count', '#ne-replicates', '#ne-seed', '#ne-name'].map((s) =>
          page.inputValue(s),
        ),
      ),
      ['2', '2', 'x', '1.25', '5', '256', '3', 'nexp-threshold-N2'],
    );
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'ne-N-mode', 'the editor has the focus');
    assert.equal(await page.isDisabled('#run'), false);
    assert.match(page.url(), /#spec=/);
    // Back returns to the preset
    await page.goBack();
    await page.waitForFunction(() => (document.getElementById('experiment') as HTMLSelectElement).value === 'nexp-threshold');
    assert.equal(await page.isHidden('#expert-editor'), true);
    // a training preset: no editor, no Edit
    await page.selectOption('#experiment', 'fig3');
    assert.equal(await page.isHidden('#edit-preset'), true);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
