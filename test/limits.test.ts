// What a spec may ask of the machine, checked at parse time: the size of its outputs (a
// measured estimate that must bound the real result.json and report.html), the length and
// nesting of its text, its free text, and the rules the engines and the analysis would
// otherwise apply only after the work. Messages quote at most ~200 characters of a value.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseIntegerFlag, parseIntegerListFlag } from '../src/cli/flags.js';
import { InputError, MAX_SHOWN_CHARS, checkNumber, shownValue } from '../src/core/model.js';
import { FIXED_ALLOWANCE_BYTES, MAX_DESCRIPTION_LENGTH, MAX_OUTPUT_BYTES, MAX_SPEC_DEPTH, MAX_SPEC_TEXT_CHARS } from '../src/experiments/limits.js';
import { MAX_GRID_POINTS, parseSpec, parseSpecText, specOutputBytes } from '../src/experiments/spec.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { CHECKS, DESIGN, measureOutputs } from './helpers/output-size.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const MINIMAL = { params: { a: 3, T: 1, gamma: 1, B: 16, eta: 0.01 }, replicates: 2, steps: 10, window: 5 };

// biome-ignore lint/suspicious/noExplicitAny: the tests edit a spec into deliberately malformed shapes
type LooseSpec = any;

/** A copy of MINIMAL with `edit` applied. */
function spec(edit: (s: LooseSpec) => void = () => {}): LooseSpec {
  const s = structuredClone(MINIMAL) as LooseSpec;
  edit(s);
  return s;
}

/** parse() throws an InputError on `field` whose problem matches every pattern, within maxMs. */
function rejects(parse: () => unknown, field: string, patterns: RegExp[], maxMs = 1000): InputError {
  const t0 = performance.now();
  let error: unknown;
  try {
    parse();
  } catch (err) {
    error = err;
  }
  const ms = performance.now() - t0;
  assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
  assert.equal(error.field, field, error.message);
  for (const p of patterns) assert.match(error.problem, p);
  assert.ok(ms < maxMs, `${field}: refused after ${ms.toFixed(0)} ms`);
  return error;
}

const twoAxes = (n0: number, n1: number) =>
  spec((s) => {
    delete s.params.gamma;
    s.axes = [
      { param: 'h', values: { linspace: { from: -1, to: 1, count: n0 } } },
      { param: 'gamma', values: { linspace: { from: 0.5, to: 1.5, count: n1 } } },
    ];
  });

/** The largest n for which make(n) parses, by bisection over [1, hi]. */
function edge(make: (n: number) => unknown, hi: number): number {
  let [lo, up] = [1, hi];
  while (lo < up) {
    const mid = Math.ceil((lo + up) / 2);
    try {
      parseSpec(make(mid));
      lo = mid;
    } catch {
      up = mid - 1;
    }
  }
  return lo;
}

describe('the outputs a spec asks for are bounded at parse time', () => {
  test('two axes of a million values: refused within a second, naming the axis and the limit', () => {
    rejects(() => parseSpec(twoAxes(MAX_GRID_POINTS, MAX_GRID_POINTS)), 'axes[1].values', [
      /the outputs would not fit: result\.json could take up to .* GiB \(1000000000000 grid cells\); at most 256 MiB/,
      /grid cells in all/,
    ]);
  });

  test('at the edge: the largest grid that fits parses, one more value is refused with the count that fits', () => {
    const n = edge((k) => twoAxes(1000, k), MAX_GRID_POINTS);
    assert.ok(n > 10 && n < 1000, `edge at ${n}`);
    assert.ok(specOutputBytes(parseSpec(twoAxes(1000, n))) <= MAX_OUTPUT_BYTES);
    rejects(() => parseSpec(twoAxes(1000, n + 1)), 'axes[1].values', [
      new RegExp(`at most ${n} values on this axis, the rest of the spec as it is$`),
    ]);
    // One axis: the same, on axes[0].
    const one = (k: number) =>
      spec((s) => {
        s.axes = [{ param: 'h', values: { linspace: { from: -1, to: 1, count: k } } }];
      });
    const m = edge(one, MAX_GRID_POINTS);
    assert.ok(m > 1000 && m < MAX_GRID_POINTS, `edge at ${m}`);
    rejects(() => parseSpec(one(MAX_GRID_POINTS)), 'axes[0].values', [new RegExp(`at most ${m} values on this axis`)]);
  });

  test('sweeps and traces name what to shrink: the sweep values, the replicates, the trace interval', () => {
    const sweep = (over: object) =>
      spec((s) => {
        s.window = 1;
        s.protocol = {
          kind: 'sweep',
          param: 'h',
          values: { linspace: { from: -1, to: 1, count: 1000 } },
          direction: 'up-down',
          stepsPerPoint: [1, 2],
          ...over,
        };
      });
    rejects(() => parseSpec(sweep({ values: { linspace: { from: -1, to: 1, count: MAX_GRID_POINTS } } })), 'protocol.values', [
      /at most \d+ sweep values/,
    ]);
    rejects(
      () =>
        parseSpec(
          spec((s) => {
            Object.assign(s, sweep({ stepsPerPoint: Array(64).fill(1) }));
            s.replicates = 200_000;
          }),
        ),
      'replicates',
      [/at most \d+ replicates \(a sweep records every replicate's switching points\)/],
    );
    rejects(
      () =>
        parseSpec(
          spec((s) => {
            delete s.window;
            s.steps = 10_000_000;
            s.protocol = { kind: 'trace', every: 1 };
          }),
        ),
      'protocol.every',
      [/use protocol\.every >= \d+ \(at most \d+ intervals\)/],
    );
  });

  test('the estimate bounds the measured result.json and report.html of small scans of each protocol', async () => {
    const cpu = new CpuEngine({ threads: 2 });
    try {
      // Scans of the fit's design (the model must be close on these) and others it must only bound.
      const fitted = [
        DESIGN.relax[0],
        DESIGN.relax[4],
        DESIGN.relax[9],
        DESIGN.relax[14],
        DESIGN.relax[16],
        DESIGN.sweep[0],
        DESIGN.sweep[6],
        DESIGN.sweep[11],
        DESIGN.sweep[18],
        DESIGN.trace[0],
        DESIGN.trace[2],
        DESIGN.trace[6],
      ];
      for (const s of [...fitted, ...CHECKS]) {
        const m = await measureOutputs(cpu, s);
        const what = `${JSON.stringify(m.shape)}: estimate ${m.estimate}, result.json ${m.resultBytes}, report.html ${m.reportBytes}`;
        assert.ok(m.estimate >= m.resultBytes && m.estimate >= m.reportBytes, what);
        // An upper bound, not a wild one: the margin is 1.5 and the fits are within ~15%.
        if (fitted.includes(s) && m.resultBytes > 500_000) assert.ok(m.estimate - FIXED_ALLOWANCE_BYTES < 2.5 * m.resultBytes, `too loose: ${what}`);
      }
    } finally {
      await cpu.dispose();
    }
  });

  test('moe-cusp run of an unaffordable grid exits 2 within seconds, naming the axis, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'moe-cusp-limits-'));
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ name: 'huge', ...twoAxes(MAX_GRID_POINTS, MAX_GRID_POINTS) }));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [MAIN, 'run', join(dir, 'spec.json'), '--engine', 'cpu', '--out', join(dir, 'out')], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, MOE_CUSP_ENGINE: 'cpu' },
    });
    const s = (performance.now() - t0) / 1000;
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^moe-cusp: axes\[1\]\.values: the outputs would not fit: .*at most 256 MiB.*\n$/);
    assert.ok(s < 10, `took ${s.toFixed(1)} s`);
    assert.deepEqual(readdirSync(dir), ['spec.json']);
  });
});

describe('the text of a spec is bounded before anything walks it', () => {
  const deep = (n: number, inner: unknown = 1) => {
    let v = inner;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  const deepPath = (prefix: string, levels: number) => prefix + '[0]'.repeat(levels);

  test('nesting 100000 deep: an InputError naming where the limit is passed, not a stack overflow', () => {
    const nested = /is nested too deep: arrays and objects at most 32 levels deep/;
    // The spec is level 1, params level 2: its 31st nested array is level 33.
    rejects(() => parseSpec({ params: deep(100_000) }), deepPath('params', MAX_SPEC_DEPTH - 1), [nested]);
    rejects(() => parseSpecText(`{"params": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`), deepPath('params', MAX_SPEC_DEPTH - 1), [nested]);
    rejects(
      () =>
        parseSpec(
          spec((s) => {
            s.axes = [{ param: 'h', values: { list: deep(100_000) } }];
          }),
        ),
      deepPath('axes[0].values.list', MAX_SPEC_DEPTH - 4),
      [nested],
    );
    rejects(() => parseSpec(deep(100_000)), deepPath('spec', MAX_SPEC_DEPTH), [nested]);
    // Just inside the limit: the shape is wrong, and the message says so briefly.
    const e = rejects(() => parseSpec({ ...MINIMAL, params: deep(MAX_SPEC_DEPTH - 2) }), 'params', [
      /^must be an object, got \[\[\[\[… 1 item\]\]\]\]$/,
    ]);
    assert.ok(e.problem.length < 100);
  });

  test('a text over 64 MiB is refused unread; a million bad list items are one short error', () => {
    rejects(() => parseSpecText(' '.repeat(MAX_SPEC_TEXT_CHARS + 1)), 'spec', [
      /^is 67108865 characters long; a spec may have at most 67108864 \(64 MiB\)$/,
    ]);
    rejects(
      () =>
        parseSpec(
          spec((s) => {
            s.axes = [{ param: 'h', values: { list: new Array(1_000_000).fill('x') } }];
          }),
        ),
      'axes[0].values.list[0]',
      [/^must be a finite number, got "x"$/],
    );
    rejects(
      () =>
        parseSpec(
          spec((s) => {
            s.axes = new Array(1_000_000).fill(0);
          }),
        ),
      'axes',
      [/at most 2 axes \(x, then y\), got 1000000$/],
    );
    rejects(() => parseSpecText('{"params": {"a":\n\n x}}'), 'spec', [/^is not valid JSON: [^\n]*\\n\\n/]);
    // Values built in code: an object shared a million times, a sparse array of 4e9 entries.
    const shared: unknown[] = [];
    rejects(() => parseSpec({ params: new Array(1e6).fill(shared) }), 'spec', [/^holds more than 100000 arrays and objects/]);
    rejects(() => parseSpec({ params: new Array(4e9) }), 'spec', [/^holds more than 67108864 entries/]);
  });

  test('name: a safe identifier; description: at most 2000 characters', () => {
    assert.equal(MAX_DESCRIPTION_LENGTH, 2000);
    for (const name of ['../evil', '/tmp/x', '.hidden', 'a/b', 'x'.repeat(65), '', 'a\u0000b', 'dot.']) {
      rejects(() => parseSpec({ ...MINIMAL, name }), 'name', [/^must be 1-64 characters of A-Z a-z 0-9 \. _ -/]);
    }
    rejects(() => parseSpec({ ...MINIMAL, name: 'report.html' }), 'name', [/^"report\.html" is reserved/]);
    rejects(() => parseSpec({ ...MINIMAL, name: 'con' }), 'name', [/^"con" is a device name on Windows/]);
    rejects(() => parseSpec({ ...MINIMAL, name: 5 }), 'name', [/^must be a string$/]);
    assert.equal(parseSpec({ ...MINIMAL, name: 'fig9-onset-gamma0.5' }).name, 'fig9-onset-gamma0.5');
    assert.equal(parseSpec({ ...MINIMAL, description: 'é'.repeat(2000) }).description?.length, 2000);
    rejects(() => parseSpec({ ...MINIMAL, description: 'x'.repeat(2001) }), 'description', [
      /^must be a string of at most 2000 characters, got 2001$/,
    ]);
  });
});

describe('a value is quoted short', () => {
  test('strings cut with an ellipsis and their length; objects and arrays abbreviated', () => {
    assert.equal(shownValue('a'.repeat(5000)), `"${'a'.repeat(MAX_SHOWN_CHARS)}…" (5000 characters)`);
    assert.equal(shownValue('x'), '"x"');
    assert.equal(shownValue('\u0000'.repeat(1000)).length <= MAX_SHOWN_CHARS + 30, true);
    assert.equal(shownValue('😀'.repeat(1000)).includes('\ud83d…'), false, 'a surrogate pair is never split');
    assert.equal(shownValue(-0), '-0');
    assert.equal(shownValue([1, [2, [3, [4, [5]]]]]), '[1, [2, [3, [… 2 items]]]]');
    assert.equal(shownValue({ a: 1, b: 'x' }), '{"a": 1, "b": "x"}');
    assert.ok(shownValue(Array.from({ length: 1e5 }, (_, i) => ({ [`k${i}`]: 'v'.repeat(1000) }))).length <= MAX_SHOWN_CHARS + 1);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(shownValue(cyclic), '{"self": {"self": {"self": {…}}}}');
  });

  test('checkNumber and the flags quote the same way', () => {
    assert.throws(
      () => checkNumber('cells[0].T', 'x'.repeat(5000), { min: 1e-30, max: 1e6 }),
      (e: unknown) => e instanceof InputError && /got "x{200}…" \(5000 characters\)$/.test(e.problem),
    );
    assert.throws(
      () => parseIntegerFlag('--seed', '9'.repeat(5000), 0, 10),
      (e: unknown) => e instanceof InputError && e.problem.length < 300,
    );
    assert.deepEqual(parseIntegerListFlag('--B', '64,512,64,4096', 1, 65536), [64, 512, 4096]);
    const t0 = performance.now();
    assert.equal(parseIntegerListFlag('--B', Array.from({ length: 65536 }, (_, i) => i + 1).join(','), 1, 65536).length, 65536);
    assert.ok(performance.now() - t0 < 1000, 'a long list is linear');
  });
});

describe('what the engines and the analysis would refuse, parseSpec refuses, naming the spec field', () => {
  test('T >= 1e-30 (validateCell: T stays positive in f32), in params, on an axis and in a sweep', () => {
    const range = /must be a number in \[1e-30, 1000000\], got 1e-40/;
    rejects(
      () =>
        parseSpec(
          spec((s) => {
            s.params.T = 1e-40;
          }),
        ),
      'params.T',
      [range],
    );
    rejects(
      () =>
        parseSpec(
          spec((s) => {
            delete s.params.T;
            s.axes = [{ param: 'T', values: { list: [1, 1e-40] } }];
          }),
        ),
      'axes[0].values.list[1]',
      [range],
    );
    rejects(
      () =>
        parseSpec(
          spec((s) => {
            delete s.params.T;
            s.window = 1;
            s.protocol = { kind: 'sweep', param: 'T', values: { logspace: { from: 1e-40, to: 1, count: 3 } }, direction: 'up', stepsPerPoint: [1] };
          }),
        ),
      'protocol.values.logspace.from',
      [range],
    );
    assert.equal(
      parseSpec(
        spec((s) => {
          s.params.T = 1e-30;
        }),
      ).params.T,
      1e-30,
    );
  });

  test('gamma > 0 for traces and h sweeps (their theory curves need it); gamma = 0 elsewhere is fine', () => {
    rejects(
      () =>
        parseSpec(
          spec((s) => {
            s.params.gamma = 0;
            delete s.window;
            s.protocol = { kind: 'trace', every: 5 };
          }),
        ),
      'params.gamma',
      [/^must be a number in \(0, 1000000\] for a trace \(its mean-field reference needs gamma > 0\), got 0$/],
    );
    rejects(
      () =>
        parseSpec(
          spec((s) => {
            delete s.params.gamma;
            s.window = 1;
            s.axes = [{ param: 'gamma', values: { list: [1, 0] } }];
            s.protocol = { kind: 'sweep', param: 'h', values: { list: [0, 1] }, direction: 'up-down', stepsPerPoint: [2] };
          }),
        ),
      'axes[0].values.list[1]',
      [/for an h sweep/],
    );
    assert.equal(
      parseSpec(
        spec((s) => {
          s.params.gamma = 0;
        }),
      ).params.gamma,
      0,
    );
  });

  test('the T values of a one-axis relax scan increase (the onset estimate needs them in order)', () => {
    const tAxis = (values: object) =>
      spec((s) => {
        delete s.params.T;
        s.axes = [{ param: 'T', values }];
      });
    rejects(() => parseSpec(tAxis({ list: [1, 2, 2] })), 'axes[0].values.list[2]', [/must increase .*got 2 after 2$/]);
    rejects(() => parseSpec(tAxis({ linspace: { from: 2, to: 1, count: 3 } })), 'axes[0].values.linspace.to', [/must increase/]);
    assert.doesNotThrow(() => parseSpec(tAxis({ list: [3] })));
    assert.doesNotThrow(() =>
      parseSpec(
        spec((s) => {
          delete s.params.T;
          s.axes = [
            { param: 'T', values: { list: [2, 1] } },
            { param: 'h', values: { list: [0] } },
          ];
        }),
      ),
    );
  });

  test('a trace whose mean-field reference would take too many ODE steps', () => {
    rejects(
      () =>
        parseSpec(
          spec((s) => {
            Object.assign(s.params, { a: 10, T: 0.01, eta: 1 });
            s.steps = 100_000;
            delete s.window;
            s.protocol = { kind: 'trace', every: 100_000 };
          }),
        ),
      'steps',
      [/mean-field reference .* would take about 2\.5\d*e\+9 RK4 steps.*at most 1e\+8/],
    );
  });
});
