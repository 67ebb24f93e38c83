// A user's N-expert scan describes itself (issue 15, item 5): its result's title, description
// and figure titles come from the spec (what it measures, the fixed parameters, the balancing,
// the run settings), never from a preset's text it was copied from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuExpertEngine } from '../src/core/experts-cpu.js';
import { expertCustomDescription, expertCustomTitle, expertFixedText } from '../src/experiments/experts/describe.js';
import { EXPERT_PRESETS, runExpertSpec } from '../src/experiments/experts/presets/index.js';
import { parseExpertSpec } from '../src/experiments/experts/spec.js';

const base = {
  model: 'experts',
  name: 'mine',
  params: { a: 3, gamma: 1, B: 64, eta: 0.05, N: 4 },
  axes: [{ param: 'T', values: { list: [0.5, 1] } }],
  replicates: 4,
  steps: 60,
  window: 20,
  seed: 7,
};

test('a custom N-expert scan: title, description and figure titles from its own spec', async () => {
  const spec = parseExpertSpec({ ...base, bias: 'linear', params: { ...base.params, u: 0.25 } });
  assert.equal(expertFixedText(spec), 'N = 4, a = 3, γ = 1, ρ = 0, B = 64, η = 0.05, u = 0.25, linear loss-free bias');
  assert.equal(expertCustomTitle(spec), `mine (custom N-expert scan): mean max load share vs T at ${expertFixedText(spec)}`);
  assert.equal(
    expertCustomDescription(spec),
    `mean max load share vs T at ${expertFixedText(spec)}; 4 replicates, 60 steps, window 20, balanced start, seed 7.`,
  );
  const r = await runExpertSpec(new CpuExpertEngine(), spec);
  assert.equal(r.title, expertCustomTitle(spec));
  assert.equal(r.description, expertCustomDescription(spec));
  assert.ok(r.figures.length > 0);
  for (const f of r.figures) assert.ok(f.title.endsWith(`; ${expertFixedText(spec)}`), f.title);
});

test("a sweep names its swept parameter and direction; u and cf only when they act; a preset's description is not kept", async () => {
  const sweep = parseExpertSpec({
    ...base,
    axes: [],
    params: { ...base.params, T: 1 },
    protocol: { kind: 'sweep', param: 'T', values: { list: [0.5, 1] }, direction: 'down-up', stepsPerPoint: 20 },
  });
  assert.equal(expertCustomTitle(sweep), 'mine (custom N-expert scan): T swept down then up at N = 4, a = 3, γ = 1, ρ = 0, B = 64, η = 0.05');
  const copied = parseExpertSpec({ ...base, description: EXPERT_PRESETS['nexp-threshold'].description });
  assert.equal((await runExpertSpec(new CpuExpertEngine(), copied)).description, expertCustomDescription(copied));
  const own = parseExpertSpec({ ...base, description: 'my own words' });
  assert.equal((await runExpertSpec(new CpuExpertEngine(), own)).description, `my own words (${expertCustomDescription(own)})`);
});
