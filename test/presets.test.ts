// The preset registry (src/experiments/presets/index.ts): one module per preset, scans by
// role flattened in a fixed order with scan i at seed + i, every spec a valid user spec, and
// the analysis getting its outcomes back by role. The runs themselves are in experiments.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzePreset, isPresetId, PRESET_IDS, PRESETS, presetSpecs, SCALES } from '../src/experiments/presets/index.js';
import { parseSpec } from '../src/experiments/spec.js';
import type { ScanOutcome } from '../src/experiments/types.js';

test('the registry lists each preset module once, under its own id', () => {
  assert.ok(PRESET_IDS.length >= 7 && new Set(PRESET_IDS).size === PRESET_IDS.length, PRESET_IDS.join());
  assert.deepEqual(Object.keys(PRESETS), [...PRESET_IDS]);
  for (const id of PRESET_IDS) {
    assert.equal(PRESETS[id].id, id);
    assert.ok(PRESETS[id].title && PRESETS[id].description, id);
    assert.ok(isPresetId(id));
  }
  assert.ok(!isPresetId('fig12') && !isPresetId('toString'));
});

test('every preset at every scale: scan i has seed + i, unique names, valid specs, the description next to it', () => {
  for (const id of PRESET_IDS) {
    for (const scale of SCALES) {
      const specs = presetSpecs(id, scale, 40);
      assert.ok(specs.length > 0);
      assert.deepEqual(
        specs.map((s) => s.seed),
        specs.map((_, i) => 40 + i),
        `${id}/${scale}`,
      );
      assert.equal(new Set(specs.map((s) => s.name)).size, specs.length, `${id}/${scale}: scan names are unique`);
      for (const s of specs) {
        parseSpec(s);
        // the seed sits where the specs always had it: name, description, seed, then the rest
        assert.deepEqual(Object.keys(s).slice(0, 3), ['name', 'description', 'seed'], `${id}/${scale}`);
      }
    }
  }
});

test('fig9 runs per gamma its onset scan, its variance scan, then its onsets at other run lengths (the run order of the role tree)', () => {
  assert.deepEqual(
    presetSpecs('fig9', 'quick', 1).map((s) => s.name),
    [0.5, 0.75, 1, 1.5].flatMap((g) => [
      `fig9-onset-gamma${g}`,
      `fig9-variance-gamma${g}`,
      `fig9-onset-gamma${g}-steps500`,
      `fig9-onset-gamma${g}-steps1000`,
      `fig9-onset-gamma${g}-steps6000`,
    ]),
  );
});

test("analyzePreset refuses outcomes that are not the preset's scans", () => {
  const fake = (name: string) => ({ spec: { name } }) as unknown as ScanOutcome;
  assert.throws(() => analyzePreset('fig9', [fake('fig8')]), /fig9: the outcomes \(fig8\) are not the scans of this preset/);
  assert.throws(() => analyzePreset('fig8', []), /not the scans/);
});
