// Scan specs: defaults, every kind of bad input named by its JSON path with the allowed
// range, grids, counting, and the canonical hash.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../src/core/model.js';
import {
  canonicalJson,
  expandGrid,
  gridValues,
  parseCount,
  parseSpec,
  parseSpecText,
  prepareScan,
  specHash,
  specRouterSteps,
  specRouters,
  sweepLegs,
  validateSpecFor,
  type ParsedSpec,
} from '../src/experiments/spec.js';

const MINIMAL = { params: { a: 3, T: 1, gamma: 1, B: 512, eta: 0.002 }, replicates: 8, steps: 1000, window: 100 };

// biome-ignore lint/suspicious/noExplicitAny: the tests edit a spec into deliberately malformed shapes
type LooseSpec = any;

/** A copy of MINIMAL with `edit` applied. */
function spec(edit: (s: LooseSpec) => void = () => {}): LooseSpec {
  const s = structuredClone(MINIMAL) as LooseSpec;
  edit(s);
  return s;
}

/** parseSpec(input) throws an InputError on `field` whose problem matches every pattern. */
function rejects(input: unknown, field: string, ...patterns: RegExp[]): void {
  assert.throws(
    () => parseSpec(input),
    (err: unknown) => {
      assert.ok(err instanceof InputError, `expected an InputError, got ${err}`);
      assert.equal(err.field, field, err.message);
      for (const p of patterns) assert.match(err.problem, p);
      return true;
    },
  );
}

describe('parseSpec: valid specs', () => {
  test('fills the documented defaults', () => {
    assert.deepEqual(parseSpec(MINIMAL), {
      params: { a: 3, T: 1, gamma: 1, h: 0, rho: 0, B: 512, eta: 0.002 },
      axes: [],
      replicates: 8,
      steps: 1000,
      window: 100,
      initial: { y0: 0, asym: 0, families: 'single' },
      seed: 1,
      protocol: { kind: 'relax' },
      sampler: 'btrs',
    });
  });

  test('parsing a parsed spec is the identity', () => {
    const specs = [
      MINIMAL,
      spec((s) => {
        delete s.params.T;
        s.axes = [
          { param: 'T', values: { logspace: { from: 0.5, to: 2, count: 3 } } },
          { param: 'h', values: { list: [0, 0.1] } },
        ];
      }),
      spec((s) => {
        s.protocol = { kind: 'trace', every: 30 };
        delete s.window;
        s.initial = { y0: 2, families: 'opposite' };
      }),
      spec((s) => {
        s.protocol = {
          kind: 'sweep',
          param: 'h',
          values: { linspace: { from: -1, to: 1, count: 5 } },
          direction: 'up-down',
          stepsPerPoint: [100, 200],
        };
      }),
    ];
    for (const s of specs) {
      const parsed = parseSpec(s);
      assert.deepEqual(parseSpec(parsed), parsed);
    }
  });

  test('a trace window defaults to the interval; h and rho default to 0 unless scanned', () => {
    const trace = parseSpec(
      spec((s) => {
        s.protocol = { kind: 'trace', every: 30 };
        delete s.window;
      }),
    );
    assert.equal(trace.window, 30);
    const swept = parseSpec(
      spec((s) => {
        s.protocol = { kind: 'sweep', param: 'h', values: { list: [0, 1] }, direction: 'up', stepsPerPoint: [100] };
      }),
    );
    assert.equal('h' in swept.params, false);
    assert.equal(swept.params.rho, 0);
  });

  test('parseSpecText parses JSON text', () => {
    assert.deepEqual(parseSpecText(JSON.stringify(MINIMAL)), parseSpec(MINIMAL));
  });
});

describe('parseSpec: bad input names the path and the allowed range', () => {
  test('unknown keys, at the top and nested', () => {
    rejects(
      spec((s) => {
        s.temperature = 1;
      }),
      'temperature',
      /unknown key; allowed: name, description, params, axes/,
    );
    rejects(
      spec((s) => {
        s.params.temperature = 1;
      }),
      'params.temperature',
      /^unknown key; allowed: a, T, gamma, h, rho, B, eta$/,
    );
    rejects(
      spec((s) => {
        s.initial = { y0: 1, jitter: 0.1 };
      }),
      'initial.jitter',
      /allowed: y0, asym, families/,
    );
    rejects(
      spec((s) => {
        s.axes = [{ param: 'h', values: { linspace: { from: 0, to: 1, count: 2, step: 1 } } }];
      }),
      'axes[0].values.linspace.step',
      /allowed: from, to, count/,
    );
    rejects(
      spec((s) => {
        s.protocol = { kind: 'relax', steps: 5 };
      }),
      'protocol.steps',
      /unknown key; allowed: kind/,
    );
  });

  test('parameter ranges', () => {
    rejects(
      spec((s) => {
        s.params.T = 0;
      }),
      'params.T',
      /must be a number in \[1e-30, 1000000\], got 0/,
    );
    rejects(
      spec((s) => {
        s.params.T = -1;
      }),
      'params.T',
      /\[1e-30, 1000000\]/,
      /got -1/,
    );
    rejects(
      spec((s) => {
        s.params.T = 1e-40;
      }),
      'params.T',
      /\[1e-30, 1000000\], got 1e-40/,
    );
    rejects(
      spec((s) => {
        s.params.B = 2.5;
      }),
      'params.B',
      /must be an integer in \[1, 65536\], got 2.5/,
    );
    rejects(
      spec((s) => {
        s.params.eta = 0;
      }),
      'params.eta',
      /\(0, 1\], got 0/,
    );
    rejects(
      spec((s) => {
        s.params.gamma = -0.1;
      }),
      'params.gamma',
      /\[0, 1000000\], got -0.1/,
    );
    rejects(
      spec((s) => {
        s.params.rho = -1;
      }),
      'params.rho',
      /\[0, 1000000\]/,
    );
    rejects(
      spec((s) => {
        s.params.a = '3';
      }),
      'params.a',
      /must be a number in .*, got "3"/,
    );
    // From JavaScript callers: non-finite numbers.
    rejects(
      spec((s) => {
        s.params.eta = NaN;
      }),
      'params.eta',
      /got NaN/,
    );
    rejects(
      spec((s) => {
        s.params.a = Infinity;
      }),
      'params.a',
      /got Infinity/,
    );
  });

  test('a missing required parameter; one both fixed and scanned', () => {
    rejects(
      spec((s) => {
        delete s.params.a;
      }),
      'params.a',
      /is required unless on an axis or swept; must be a number in \[-1000000, 1000000\]/,
    );
    rejects(
      spec((s) => {
        s.axes = [{ param: 'T', values: { list: [1, 2] } }];
      }),
      'params.T',
      /T is on axes\[0\]; fix it in params or scan it, not both/,
    );
    rejects(
      spec((s) => {
        delete s.replicates;
      }),
      'replicates',
      /is required; must be an integer in \[1, 4294967295\]/,
    );
  });

  test('counts, windows and the trace interval', () => {
    rejects(
      spec((s) => {
        s.replicates = 0;
      }),
      'replicates',
      /\[1, 4294967295\], got 0/,
    );
    rejects(
      spec((s) => {
        s.steps = 10.5;
      }),
      'steps',
      /integer/,
      /got 10.5/,
    );
    rejects(
      spec((s) => {
        s.window = 1001;
      }),
      'window',
      /must be an integer in \[1, 1000\] \(steps\), got 1001/,
    );
    rejects(
      spec((s) => {
        delete s.window;
      }),
      'window',
      /is required; must be an integer in \[1, 1000\]/,
    );
    rejects(
      spec((s) => {
        s.protocol = { kind: 'trace', every: 1001 };
      }),
      'protocol.every',
      /\[1, 1000\] \(steps\), got 1001/,
    );
    rejects(
      spec((s) => {
        s.seed = -1;
      }),
      'seed',
      /\[0, 9007199254740991\], got -1/,
    );
    rejects(
      spec((s) => {
        s.seed = 1.5;
      }),
      'seed',
      /integer/,
    );
    rejects(
      spec((s) => {
        s.sampler = 'fast';
      }),
      'sampler',
      /must be one of btrs, tokens, got "fast"/,
    );
  });

  test('axes: at most 2, distinct, not the swept parameter, values in range', () => {
    const axis = (param: string) => ({ param, values: { list: [0, 1] } });
    rejects(
      spec((s) => {
        s.axes = [axis('h'), axis('rho'), axis('y0')];
      }),
      'axes',
      /must be a list of at most 2 axes \(x, then y\), got 3/,
    );
    rejects(
      spec((s) => {
        s.axes = [axis('h'), axis('h')];
      }),
      'axes[1].param',
      /h is already on axes\[0\]/,
    );
    rejects(
      spec((s) => {
        s.axes = [axis('y0')];
      }),
      'axes[0].param',
      /must be one of a, T, gamma, h, rho, B, eta, got "y0"/,
    );
    rejects(
      spec((s) => {
        s.axes = [axis('h')];
        s.protocol = { kind: 'sweep', param: 'h', values: { list: [0, 1] }, direction: 'up', stepsPerPoint: [100] };
      }),
      'axes[0].param',
      /h is swept by the protocol/,
    );
    rejects(
      spec((s) => {
        delete s.params.T;
        s.axes = [{ param: 'T', values: { list: [1, 0, 2] } }];
      }),
      'axes[0].values.list[1]',
      /T must be a number in \[1e-30, 1000000\], got 0/,
    );
    rejects(
      spec((s) => {
        delete s.params.B;
        s.axes = [{ param: 'B', values: { linspace: { from: 1, to: 4, count: 5 } } }];
      }),
      'axes[0].values.linspace',
      /gives B = 1.75 at index 1; B must be an integer in \[1, 65536\]/,
    );
    rejects(
      spec((s) => {
        s.axes = [{ param: 'h', values: {} }];
      }),
      'axes[0].values',
      /exactly one of linspace, logspace, list, got none/,
    );
    rejects(
      spec((s) => {
        s.axes = [{ param: 'h', values: { list: [] } }];
      }),
      'axes[0].values.list',
      /1 to 1000000 numbers, got 0/,
    );
  });

  test('grids: counts and logspace endpoints', () => {
    rejects(
      spec((s) => {
        s.axes = [{ param: 'h', values: { linspace: { from: 0, to: 1, count: 0 } } }];
      }),
      'axes[0].values.linspace.count',
      /must be an integer in \[1, 1000000\], got 0/,
    );
    rejects(
      spec((s) => {
        s.axes = [{ param: 'h', values: { logspace: { from: 0, to: 1, count: 3 } } }];
      }),
      'axes[0].values.logspace.from',
      /must be a finite number > 0, got 0/,
    );
    rejects(
      spec((s) => {
        s.axes = [{ param: 'h', values: { logspace: { from: 1, to: -2, count: 3 } } }];
      }),
      'axes[0].values.logspace.to',
      /> 0, got -2/,
    );
    rejects(
      spec((s) => {
        delete s.params.T;
        s.axes = [{ param: 'T', values: { linspace: { from: -1, to: 1, count: 3 } } }];
      }),
      'axes[0].values.linspace.from',
      /T must be a number in \[1e-30, 1000000\], got -1/,
    );
  });

  test('protocols', () => {
    const sweep = (over: object) =>
      spec((s) => {
        s.protocol = { kind: 'sweep', param: 'h', values: { list: [0, 1] }, direction: 'up', stepsPerPoint: [200, 100], ...over };
      });
    rejects(
      spec((s) => {
        s.protocol = { kind: 'anneal' };
      }),
      'protocol.kind',
      /must be one of relax, sweep, trace, got "anneal"/,
    );
    rejects(
      spec((s) => {
        s.protocol = 'relax';
      }),
      'protocol',
      /must be an object/,
    );
    rejects(sweep({ stepsPerPoint: [100, 0] }), 'protocol.stepsPerPoint[1]', /must be an integer in \[1, 4294967295\], got 0/);
    rejects(sweep({ stepsPerPoint: [200, 50] }), 'window', /\[1, 50\] \(the smallest protocol.stepsPerPoint\), got 100/);
    rejects(sweep({ direction: 'sideways' }), 'protocol.direction', /up, down, up-down, down-up/);
    rejects(sweep({ param: 'temperature' }), 'protocol.param', /must be one of a, T, gamma/);
    rejects(
      spec((s) => {
        s.params.h = 0.1;
        s.protocol = { kind: 'sweep', param: 'h', values: { list: [0] }, direction: 'up', stepsPerPoint: [100] };
      }),
      'params.h',
      /h is swept by the protocol/,
    );
    rejects(
      spec((s) => {
        s.initial = { families: 'opposite' };
        s.protocol = { kind: 'sweep', param: 'h', values: { list: [0] }, direction: 'up', stepsPerPoint: [100] };
      }),
      'initial.families',
      /applies to relax and trace/,
    );
  });

  test('not a spec at all', () => {
    rejects(5, 'spec', /must be an object, got 5/);
    assert.throws(
      () => parseSpecText('{"params": '),
      (err: unknown) => err instanceof InputError && err.field === 'spec' && /not valid JSON/.test(err.problem),
    );
  });
});

describe('grids, counting, hashing', () => {
  test('gridValues: linspace, logspace (geometric, exact ends), list', () => {
    assert.deepEqual(gridValues({ linspace: { from: 0, to: 1, count: 5 } }), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(gridValues({ linspace: { from: 2, to: 3, count: 1 } }), [2]);
    assert.deepEqual(gridValues({ logspace: { from: 0.01, to: 100, count: 5 } }), [0.01, 0.1, 1, 10, 100]);
    const g = gridValues({ logspace: { from: 2, to: 7, count: 6 } });
    assert.equal(g[0], 2);
    assert.equal(g[5], 7);
    for (let i = 1; i < 5; i++) assert.ok(Math.abs(g[i] / g[i - 1] - g[i + 1] / g[i]) < 1e-12, 'constant ratio');
    assert.deepEqual(gridValues({ list: [3, 1, 2] }), [3, 1, 2]);
  });

  test('sweep legs visit the grid up and then down', () => {
    const legs = sweepLegs({ kind: 'sweep', param: 'h', values: { list: [0, -1, 1] }, direction: 'up-down', stepsPerPoint: [1] });
    assert.deepEqual(legs, [
      { direction: 'up', values: [-1, 0, 1] },
      { direction: 'down', values: [1, 0, -1] },
    ]);
  });

  test('expandGrid: cell index i0 + n0 * i1; routers and router-steps', () => {
    const s = parseSpec(
      spec((x) => {
        delete x.params.T;
        x.axes = [
          { param: 'T', values: { list: [1, 2, 3] } },
          { param: 'h', values: { list: [-0.5, 0.5] } },
        ];
        x.initial = { y0: 1, families: 'opposite' };
      }),
    );
    const grid = expandGrid(s);
    assert.equal(grid.cells.length, 6);
    assert.equal(grid.families, 2);
    assert.deepEqual(grid.cells[4], { a: 3, T: 2, gamma: 1, h: 0.5, rho: 0, B: 512, eta: 0.002 });
    assert.equal(specRouters(s), 6 * 2 * 8);
    assert.equal(specRouterSteps(s), 6 * 2 * 8 * 1000);
    const sweep = parseSpec(
      spec((x) => {
        x.protocol = { kind: 'sweep', param: 'h', values: { list: [0, 1, 2] }, direction: 'down-up', stepsPerPoint: [100, 300] };
      }),
    );
    assert.equal(expandGrid(sweep).cells[0].h, 2, 'a swept parameter holds its burn-in value');
    assert.equal(specRouterSteps(sweep), 8 * (1000 + 6 * 100) + 8 * (1000 + 6 * 300));
    // Scans larger than the engine run in passes over grid cells: one cell must fit.
    assert.doesNotThrow(() => validateSpecFor(s, 16));
    assert.throws(
      () => validateSpecFor(s, 15),
      (err: unknown) => err instanceof InputError && err.field === 'replicates' && /one grid cell needs 16 routers .*at most 15/.test(err.problem),
    );
  });

  test('specHash: stable under key order and defaults, ignores name, differs for a different spec', () => {
    const reordered = { window: 100, steps: 1000, replicates: 8, params: { eta: 0.002, B: 512, gamma: 1, T: 1, a: 3 } };
    const h = specHash(parseSpec(MINIMAL));
    assert.match(h, /^[0-9a-f]{16}$/);
    assert.equal(specHash(parseSpec(reordered)), h);
    assert.equal(specHash(parseSpec(MINIMAL)), h);
    assert.equal(specHash(parseSpec({ ...MINIMAL, name: 'x', description: 'y', seed: 1, sampler: 'btrs' })), h);
    assert.notEqual(specHash(parseSpec({ ...MINIMAL, seed: 2 })), h);
    assert.notEqual(
      specHash(
        spec((s) => {
          s.params.T = 1.0000001;
        }),
      ),
      h,
    );
    assert.equal(canonicalJson({ b: [2, { d: 1, c: 0 }], a: 'x' }), '{"a":"x","b":[2,{"c":0,"d":1}]}');
  });
});

test('prepareScan parses a plain object once (JavaScript callers) and reuses a parsed spec as it is', () => {
  const before = parseCount.calls;
  const plain = prepareScan(MINIMAL as unknown as ParsedSpec);
  assert.equal(parseCount.calls - before, 1, 'an unparsed object is parsed');
  assert.equal(plain.spec.initial.families, 'single', 'with its defaults filled in');
  const parsed = parseSpec(MINIMAL);
  const mark = parseCount.calls;
  const a = prepareScan(parsed);
  assert.equal(prepareScan(parsed), a, 'prepared once per spec object');
  assert.equal(parseCount.calls, mark, 'a parsed spec is not parsed again');
  assert.equal(a.hash, plain.hash);
  assert.equal(a.cells, 1);
});
