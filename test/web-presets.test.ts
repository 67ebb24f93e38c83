// Every preset of the page, run to the end in headless Chromium (issue 15: "no console errors
// or stack traces on any preset"), as a visitor picks them one after another from the select on
// one page, on the engine the page chooses: each ends Done with its figures on screen, and the
// console holds no error, no uncaught exception and no stack trace. Skipped without Chromium,
// as test/web.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPERT_PRESET_IDS } from '../src/experiments/experts/presets/index.js';
import { PRESET_IDS } from '../src/experiments/presets/index.js';
import { TRAINING_PRESET_IDS } from '../src/experiments/training/presets/index.js';
import { clickRun, pageResult, waitState } from './helpers/web-run.js';
import { webSuite } from './helpers/web-suite.js';

const web = webSuite('web-presets');

/** A line of the console that carries a stack trace ("    at f (file:1:2)"). */
const STACK = /^\s+at\s.+(:\d+:\d+\)?|<anonymous>\)?)$/m;

describe('web page: every preset', { skip: web.skip }, () => {
  test('every preset runs to Done on the engine the page picks, with its figures and a clean console', { timeout: 1_200_000 }, async () => {
    const ids = [...PRESET_IDS, ...EXPERT_PRESET_IDS, ...TRAINING_PRESET_IDS];
    const { page, context, errors } = await web.open('');
    const traces: string[] = [];
    page.on('console', (m) => {
      if (STACK.test(m.text())) traces.push(`console.${m.type()}: ${m.text()}`);
    });
    const options = await page.locator('#experiment option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(
      ids.filter((id) => !options.includes(id)),
      [],
      'every preset is in the select',
    );
    const times: string[] = [];
    for (const id of ids) {
      await page.selectOption('#experiment', id);
      await page.selectOption('#scale', 'browser');
      const t0 = Date.now();
      await clickRun(page);
      await waitState(page, 'done', 600_000);
      times.push(`${id} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const result = await pageResult(page);
      assert.equal(result.id, id);
      assert.ok(result.figures.length > 0, `${id}: figures`);
      assert.equal(await page.locator('#figures figure').count(), result.figures.length, `${id}: every figure on screen`);
      assert.deepEqual(errors, [], `${id}: console errors`);
      assert.deepEqual(traces, [], `${id}: stack traces`);
    }
    console.log(`engine ${await page.getAttribute('body', 'data-engine')}: ${times.join(', ')}`);
    await context.close();
  });
});
