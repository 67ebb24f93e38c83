// Random and hostile input against the spec and flag parsers, in process and through the
// CLI. Whatever comes in, the answer is a value or an InputError whose field is a JSON path
// (or the flag) and whose problem is one short line: never another exception, a hang or a
// stack overflow. A spec that parses builds engine plans that pass validatePlan, and runs;
// the CLI exits 0 or 2 and writes nothing outside its output folder. fast-check with a
// fixed seed, so every run checks the same cases.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseChoiceFlag, parseChoiceListFlag, parseIntegerFlag, parseNumberFlag } from '../src/cli/flags.js';
import { CELL_RANGES, InputError, MAX_ROUTERS, MAX_STEPS, validateCell, validatePlan, type RouterCell } from '../src/core/model.js';
import { planCells, relaxPlan, speedSeed } from '../src/experiments/protocols.js';
import { MAX_PASS_ROUTERS } from '../src/experiments/scan-run.js';
import { runCustomSpec } from '../src/experiments/run.js';
import { expandGrid, parseSpec, parseSpecText, specOutputBytes, specRouterSteps, sweepLegs, sweepSteps } from '../src/experiments/spec.js';
import { PARAM_NAMES, type ParamName, type ScanSpec } from '../src/experiments/types.js';
import { CpuEngine } from '../src/node/cpu-engine.js';
import { toJson } from '../src/report/tables.js';
import { TRAINING_PRESET_IDS, trainingPresetSpecs } from '../src/experiments/training/presets/index.js';
import { parseTrainingSpec } from '../src/experiments/training/spec.js';

// MOE_CUSP_FUZZ_SEED and MOE_CUSP_FUZZ_SCALE (a factor on the in-process run counts) search further than CI does.
const SEED = Number(process.env.MOE_CUSP_FUZZ_SEED ?? 42);
const SCALE = Number(process.env.MOE_CUSP_FUZZ_SCALE ?? 1);
const runs = (n: number) => ({ seed: SEED, numRuns: Math.max(1, Math.round(n * SCALE)) });
const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** A field as parseSpec names it: `spec`, `params.T`, `axes[0].values.list[3]`, `params["a b"]`. */
const PATH = /^(?:spec|[A-Za-z_]\w*|\["(?:[^"\\]|\\.)*"\])(?:\.[A-Za-z_]\w*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*$/;

/**
 * Runs a parse: it returns its value, or throws an InputError whose field matches `field`
 * and whose problem is one line of at most 400 characters. Anything else fails, and so
 * does a case slower than maxMs.
 */
function parsed<T>(parse: () => T, field: RegExp = PATH, maxMs = 2000): T | InputError {
  const t0 = performance.now();
  let out: T | InputError;
  try {
    out = parse();
  } catch (err) {
    if (!(err instanceof InputError)) {
      assert.fail(`not an InputError: ${err instanceof Error ? `${err.name}: ${err.message.slice(0, 300)}` : String(err)}`);
    }
    assert.match(err.field, field, `field ${err.field.slice(0, 300)}`);
    assert.ok(err.problem.length <= 400, `problem of ${err.problem.length} characters: ${err.problem.slice(0, 500)}`);
    assert.ok(!/[\r\n]/.test(err.message), `a message on several lines: ${err.message.slice(0, 500)}`);
    out = err;
  }
  const ms = performance.now() - t0;
  assert.ok(ms < maxMs, `took ${ms.toFixed(0)} ms`);
  return out;
}

// ---------------------------------------------------------------------------------------
// Valid specs to start from (README and test/spec.test.ts examples) and their mutations
// ---------------------------------------------------------------------------------------

const MINIMAL = { params: { a: 3, T: 1, gamma: 1, B: 512, eta: 0.002 }, replicates: 8, steps: 1000, window: 100 };
const SEEDS: unknown[] = [
  MINIMAL,
  {
    // the README's example
    name: 'tscan',
    params: { a: 3, gamma: 1, B: 512, eta: 0.005, h: 0 },
    axes: [{ param: 'T', values: { linspace: { from: 1, to: 2, count: 21 } } }],
    replicates: 256,
    steps: 6000,
    window: 600,
    initial: { y0: 0, asym: 0.05, families: 'single' },
    seed: 1,
    protocol: { kind: 'relax' },
  },
  {
    ...MINIMAL,
    params: { a: 3, gamma: 1, B: 512, eta: 0.002 },
    axes: [
      { param: 'T', values: { logspace: { from: 0.5, to: 2, count: 3 } } },
      { param: 'h', values: { list: [0, 0.1] } },
    ],
  },
  { params: MINIMAL.params, replicates: 8, steps: 1000, protocol: { kind: 'trace', every: 30 }, initial: { y0: 2, families: 'opposite' } },
  {
    ...MINIMAL,
    name: 'loop',
    description: 'an h loop at two speeds',
    sampler: 'tokens',
    protocol: { kind: 'sweep', param: 'h', values: { linspace: { from: -1, to: 1, count: 5 } }, direction: 'up-down', stepsPerPoint: [100, 200] },
  },
];

/** value nested `depth` arrays (or objects) deep, built without recursion. */
function deep(depth: number, kind: 'array' | 'object', inner: unknown = 1): unknown {
  let v = inner;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { x: v };
  return v;
}

const HOSTILE_STRINGS = [
  '../evil',
  '/tmp/x',
  '.hidden',
  'report.html',
  'a/b',
  'con',
  'NUL.txt',
  'x'.repeat(65),
  '\u0000',
  'a\u0000b',
  '😀',
  '\u202e\u202d',
  '\ud800',
  '</script><script>alert(1)</script>',
  '__proto__',
  'constructor',
  '\n\r\t',
  '..',
  '',
];
const EDGE_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  1e-30,
  9.99e-31,
  1e-40,
  5e-324,
  1e6,
  1e6 + 1,
  65536,
  65537,
  2 ** 21,
  2 ** 22,
  2 ** 31,
  MAX_ROUTERS,
  MAX_ROUTERS + 1,
  2 ** 53 - 1,
  2 ** 53,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  Infinity,
  -Infinity,
  NaN,
];

/** A value to put into a spec, as a thunk: deep and large values are built fresh each time. */
const valueArb: fc.Arbitrary<() => unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => () => v) },
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_NUMBERS).map((v) => () => v) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS).map((v) => () => v) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((v) => () => v) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 200, max: 200_000 }), fc.constantFrom('a', '😀', '\u0000', '"')).map(
      ([n, c]) =>
        () =>
          c.repeat(n),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 30, max: 100_000 }), fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>).map(
      ([n, kind]) =>
        () =>
          deep(n, kind),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof({ weight: 9, arbitrary: fc.nat(1000) }, { weight: 1, arbitrary: fc.integer({ min: 999_990, max: 1_000_010 }) })
      .map((n) => () => Array.from({ length: n }, (_, i) => i * 0.5 - 3)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.oneof({ weight: 4, arbitrary: fc.nat(1000) }, { weight: 1, arbitrary: fc.integer({ min: 100_000, max: 1_100_000 }) }),
        fc.constantFrom<unknown>('x', null, true, -1),
      )
      .map(
        ([n, item]) =>
          () =>
            new Array(n).fill(item),
      ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...SEEDS).map((s) => () => structuredClone(s)) },
);

const keyArb = fc.oneof(
  fc.constantFrom('name', 'params', 'T', 'list', 'linspace', 'kind', 'every', '__proto__', 'constructor', 'x'.repeat(300)),
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

interface Mutation {
  at: number;
  op: 'replace' | 'delete' | 'add';
  key: string;
  value: () => unknown;
}
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'add') as fc.Arbitrary<Mutation['op']>,
  key: keyArb,
  value: valueArb,
});

/** Paths to the values of a spec-sized tree (the first few entries of each container, a few levels deep). */
function pathsOf(root: unknown): (string | number)[][] {
  const out: (string | number)[][] = [[]];
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: root, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object' || path.length >= 6) continue;
    const keys = Array.isArray(v) ? v.slice(0, 6).map((_, i) => i) : Object.keys(v).slice(0, 16);
    for (const k of keys) {
      out.push([...path, k]);
      stack.push({ v: (v as Record<string | number, unknown>)[k], path: [...path, k] });
    }
  }
  return out;
}

/** A seed spec with the mutations applied in turn (replace a value, delete a key or item, add a key or item). */
function mutated(seed: unknown, mutations: Mutation[]): unknown {
  const box: Record<string, unknown> = { spec: structuredClone(seed) };
  for (const m of mutations) {
    const paths = pathsOf(box.spec);
    const path = ['spec', ...paths[m.at % paths.length]];
    let parent = box as Record<string | number, unknown>;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const key = path[path.length - 1];
    const target = parent[key];
    if (m.op === 'replace') parent[key] = m.value();
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (Array.isArray(target)) target.push(m.value());
    else if (target !== null && typeof target === 'object')
      Object.defineProperty(target, m.key, { value: m.value(), enumerable: true, writable: true, configurable: true });
    else parent[key] = { [m.key]: m.value() };
  }
  return box.spec;
}

const mutatedArb = fc.tuple(fc.constantFrom(...SEEDS), fc.array(mutationArb, { minLength: 1, maxLength: 4 })).map(([seed, ms]) => mutated(seed, ms));

// ---------------------------------------------------------------------------------------
// Valid-looking specs near the boundaries (the plans property, tiny runs, CLI cases)
// ---------------------------------------------------------------------------------------

/** A number for parameter p: its range's edges, just past them, or anywhere inside. */
function paramValue(p: keyof RouterCell): fc.Arbitrary<number> {
  const r = CELL_RANGES[p];
  const edges = [r.min, r.max, p === 'T' ? 1e-30 : r.min, r.integer ? r.min + 1 : (r.min + r.max) / 2];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...edges) },
    { weight: 1, arbitrary: fc.constantFrom(r.min - 1, r.max + 1, 0, 1e-40, 9.99e-31) },
    {
      weight: 12,
      arbitrary: r.integer ? fc.integer({ min: r.min, max: r.max }) : fc.double({ min: Math.max(r.min, -1e6), max: r.max, noNaN: true }),
    },
  );
}

interface Sizes {
  cells: number;
  values: number;
  replicates: fc.Arbitrary<number>;
  steps: fc.Arbitrary<number>;
  spp: fc.Arbitrary<number>;
}

const BIG: Sizes = {
  cells: 5,
  values: 5,
  replicates: fc.oneof(
    fc.constantFrom(1, 2, 3, 2 ** 21, 2 ** 21 + 1, 2 ** 22, 2 ** 31, MAX_ROUTERS, MAX_ROUTERS + 1),
    fc.integer({ min: 1, max: 1000 }),
  ),
  steps: fc.oneof(fc.constantFrom(1, 2, 50, MAX_STEPS - 1, MAX_STEPS, MAX_STEPS + 1), fc.integer({ min: 1, max: 10_000 })),
  spp: fc.oneof(fc.constantFrom(1, 2, 2 ** 30, MAX_STEPS), fc.integer({ min: 1, max: 1000 })),
};
/** Runs in well under a second on the CPU engine. */
const TINY: Sizes = {
  cells: 3,
  values: 3,
  replicates: fc.integer({ min: 1, max: 4 }),
  steps: fc.integer({ min: 1, max: 50 }),
  spp: fc.integer({ min: 1, max: 5 }),
};

function gridArb(p: keyof RouterCell, n: number) {
  const v = paramValue(p);
  return fc.oneof(
    fc.array(v, { minLength: 1, maxLength: n }).map((list) => ({ list })),
    fc.record({ from: v, to: v, count: fc.integer({ min: 1, max: n }) }).map((linspace) => ({ linspace })),
    fc.record({ from: v, to: v, count: fc.integer({ min: 1, max: n }) }).map((logspace) => ({ logspace })),
  );
}

function specArb(size: Sizes, sampler: ('btrs' | 'tokens')[] = ['btrs', 'tokens']): fc.Arbitrary<Record<string, unknown>> {
  const params = fc.record(Object.fromEntries(PARAM_NAMES.map((p) => [p, paramValue(p)])) as Record<ParamName, fc.Arbitrary<number>>);
  const axes = fc
    .uniqueArray(fc.constantFrom(...PARAM_NAMES), { minLength: 0, maxLength: 2 })
    .chain((names) =>
      fc.tuple(...names.map((p) => gridArb(p, names.length === 2 ? size.cells : size.values).map((values) => ({ param: p, values })))),
    );
  const protocol = fc.oneof(
    fc.constant({ kind: 'relax' }),
    size.steps.map((every) => ({ kind: 'trace', every })),
    fc.constantFrom(...PARAM_NAMES).chain((param) =>
      fc.record({
        kind: fc.constant('sweep'),
        param: fc.constant(param),
        values: gridArb(param, size.values),
        direction: fc.constantFrom('up', 'down', 'up-down', 'down-up'),
        stepsPerPoint: fc.array(size.spp, { minLength: 1, maxLength: 3 }),
      }),
    ),
  );
  return fc
    .record({
      params,
      axes,
      protocol,
      replicates: size.replicates,
      steps: size.steps,
      window: fc.option(size.steps, { nil: undefined }),
      seed: fc.oneof(fc.constantFrom(0, 2 ** 53 - 1), fc.nat()),
      initial: fc.record({ y0: paramValue('y0'), asym: paramValue('asym'), families: fc.constantFrom('single', 'opposite') }),
      sampler: fc.constantFrom(...sampler),
    })
    .map((s) => {
      // Scanned or swept parameters leave params; window at most the steps it averages over (mostly).
      const spec: Record<string, unknown> = { ...s, params: { ...s.params }, axes: s.axes };
      const scanned = [...s.axes.map((a) => a.param), ...(s.protocol.kind === 'sweep' ? [(s.protocol as { param: ParamName }).param] : [])];
      for (const p of scanned) delete (spec.params as Record<string, number>)[p];
      if (s.protocol.kind === 'trace') delete spec.window;
      else
        spec.window = Math.min(
          s.window ?? 1,
          s.protocol.kind === 'sweep' ? Math.min(...(s.protocol as { stepsPerPoint: number[] }).stepsPerPoint) : s.steps,
        );
      return spec;
    });
}

/** The plans runSpec would open for a parsed spec on an engine holding `maxRouters` (protocols.ts passesOf). */
function enginePlans(spec: ScanSpec, maxRouters: number) {
  const grid = expandGrid(spec);
  const F = spec.initial.families === 'opposite' ? 2 : 1;
  const R = spec.replicates;
  const cellsPerPass = Math.max(1, Math.floor(Math.min(maxRouters, MAX_PASS_ROUTERS) / (F * R)));
  const p = spec.protocol;
  const plans = [];
  for (let speed = 0; speed < (p.kind === 'sweep' ? p.stepsPerPoint.length : 1); speed++) {
    for (let begin = 0; begin < grid.cells.length; begin += cellsPerPass) {
      const end = Math.min(grid.cells.length, begin + cellsPerPass);
      plans.push(
        p.kind === 'sweep'
          ? {
              cells: planCells(spec, grid, begin, end),
              replicates: R,
              steps: sweepSteps(spec, p.stepsPerPoint[speed]),
              window: spec.window,
              seed: speedSeed(spec.seed, speed),
              tokenMode: spec.sampler === 'tokens',
              firstRouter: begin * R,
            }
          : relaxPlan(spec, grid, begin, end),
      );
    }
  }
  return plans;
}

// ---------------------------------------------------------------------------------------

describe('parseSpec on random values', () => {
  test('JSON values: parsed or an InputError on a JSON path', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        parsed(() => parseSpec(v));
      }),
      runs(300),
    );
  });

  test('any JavaScript values (null prototypes, bigints, sparse arrays, undefined)', () => {
    const any = fc.anything({
      withNullPrototype: true,
      withBigInt: true,
      withSparseArray: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
    });
    fc.assert(
      fc.property(any, (v) => {
        parsed(() => parseSpec(v));
      }),
      runs(300),
    );
  });

  test('objects with spec keys and random values', () => {
    const keys = ['name', 'description', 'params', 'axes', 'replicates', 'steps', 'window', 'initial', 'seed', 'protocol', 'sampler'];
    const arb = fc
      .dictionary(fc.oneof(fc.constantFrom(...keys), keyArb), valueArb, { maxKeys: 8 })
      .map((d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v()])));
    fc.assert(
      fc.property(arb, (v) => {
        parsed(() => parseSpec(v));
      }),
      runs(400),
    );
  });
});

describe('parseSpec on mutated valid specs', () => {
  test('values replaced, keys deleted and added: parsed or an InputError on a JSON path', () => {
    fc.assert(
      fc.property(mutatedArb, (v) => {
        parsed(() => parseSpec(v));
      }),
      runs(1200),
    );
  });

  test('the same as JSON text through parseSpecText (what the CLI and the page read)', () => {
    // Deep values are left out here: JSON.stringify itself overflows on them (test/limits.test.ts sends deep text).
    const shallow = mutatedArb.filter((v) => {
      try {
        JSON.stringify(v);
        return true;
      } catch {
        return false;
      }
    });
    fc.assert(
      fc.property(shallow, (v) => {
        parsed(() => parseSpecText(JSON.stringify(v) ?? 'undefined'));
      }),
      runs(300),
    );
  });
});

describe('flags on random strings', () => {
  const raw = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom(...HOSTILE_STRINGS, '1e4', ' 12 ', '0x10', '-0', '1e309', 'NaN', 'Infinity', '1,2'),
    fc.integer({ min: 200, max: 100_000 }).map((n) => '9'.repeat(n)),
    fc.double().map(String),
    fc.array(fc.constantFrom('fig6', 'fig7', 'cusp', 'figX', '', ' fig8 ', 'a'.repeat(300)), { maxLength: 6 }).map((xs) => xs.join(',')),
  );
  const flag = (r: RegExp) => new RegExp(`^${r.source}$`);

  test('parseIntegerFlag: an integer in range, or an InputError on the flag', () => {
    fc.assert(
      fc.property(raw, fc.integer({ min: -1000, max: 1000 }), fc.nat(1e6), (s, min, span) => {
        const v = parsed(() => parseIntegerFlag('--n', s, min, min + span), flag(/--n/));
        if (!(v instanceof InputError)) assert.ok(Number.isInteger(v) && v >= min && v <= min + span, `${s} -> ${v}`);
      }),
      runs(400),
    );
  });

  test('parseNumberFlag: a finite number in range, or an InputError on the flag', () => {
    fc.assert(
      fc.property(raw, fc.double({ min: -10, max: 10, noNaN: true }), fc.boolean(), (s, min, open) => {
        const v = parsed(() => parseNumberFlag('--x', s, min, min + 100, open), flag(/--x/));
        if (!(v instanceof InputError)) assert.ok(Number.isFinite(v) && (open ? v > min : v >= min) && v <= min + 100, `${s} -> ${v}`);
      }),
      runs(400),
    );
  });

  test('parseChoiceFlag and parseChoiceListFlag: choices only, or an InputError on the flag', () => {
    const choices = ['fig6', 'fig7', 'fig8', 'cusp'] as const;
    fc.assert(
      fc.property(raw, (s) => {
        const one = parsed(() => parseChoiceFlag('--c', s, choices), flag(/--c/));
        if (!(one instanceof InputError)) assert.ok(choices.includes(one));
        const list = parsed(() => parseChoiceListFlag('--only', s, choices), flag(/--only/));
        if (!(list instanceof InputError)) assert.ok(list.length > 0 && new Set(list).size === list.length && list.every((x) => choices.includes(x)));
      }),
      runs(400),
    );
  });
});

describe('a spec parseSpec accepts is one the engines and the analysis accept', () => {
  const cpu = new CpuEngine({ threads: 2 });
  after(() => cpu.dispose());

  test('every plan and every sweep point passes validatePlan / validateCell (specs near the boundaries)', () => {
    const { numRuns } = runs(600);
    let accepted = 0;
    fc.assert(
      fc.property(specArb(BIG), (input) => {
        const spec = parsed(() => parseSpec(input));
        if (spec instanceof InputError) return;
        accepted++;
        for (const plan of enginePlans(spec, MAX_ROUTERS)) {
          validatePlan(plan, MAX_ROUTERS);
          if (spec.protocol.kind !== 'sweep') continue;
          const p = spec.protocol;
          for (const leg of sweepLegs(p)) {
            for (const value of leg.values) plan.cells.forEach((c, i) => validateCell({ ...c, [p.param]: value }, `point cells[${i}]`));
          }
        }
      }),
      runs(600),
    );
    assert.ok(accepted >= numRuns / 10, `only ${accepted} of ${numRuns} generated specs parsed: the generator misses the valid side`);
  });

  test('tiny accepted specs run on the CPU engine and their result serializes (boundary parameters)', async () => {
    const specs = fc.sample(
      specArb(TINY, ['btrs']).filter((s) => !(parseSpecSafe(s) instanceof InputError)),
      runs(20),
    );
    for (const input of specs) {
      const result = await runCustomSpec(cpu, parseSpec(input));
      assert.ok(toJson(result).length > 0);
    }
  });
});

function parseSpecSafe(input: unknown): ScanSpec | InputError {
  try {
    return parseSpec(input);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------
// Real processes
// ---------------------------------------------------------------------------------------

/** Every path under dir, relative, sorted (folders end in /). */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(join(dir, d), { withFileTypes: true })) {
      out.push(prefix + e.name + (e.isDirectory() ? '/' : ''));
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
    }
  };
  walk('', '');
  return out.sort();
}

/** `moe-cusp run <spec file> --engine cpu --no-png --out <tmp>/out` in a fresh folder: exit code, stderr, files after. */
function runCli(spec: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'moe-cusp-fuzz-'));
  writeFileSync(join(dir, 'spec.json'), typeof spec === 'string' ? spec : JSON.stringify(spec));
  const r = spawnSync(process.execPath, [MAIN, 'run', join(dir, 'spec.json'), '--engine', 'cpu', '--no-png', '--out', join(dir, 'out')], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, MOE_CUSP_ENGINE: 'cpu' },
  });
  return { code: r.status, signal: r.signal, stderr: r.stderr, files: tree(dir) };
}

/** Exit 0, or exit 2 with one line `moe-cusp: <path>: <problem>` and nothing written; never a file outside out/. */
function checkRun(spec: unknown, field: RegExp = PATH): number | null {
  const r = runCli(spec);
  const label = `${(typeof spec === 'string' ? spec : JSON.stringify(spec)).slice(0, 300)}: exit ${r.code} (${r.signal ?? 'no signal'}), stderr ${r.stderr.slice(0, 600)}`;
  assert.ok(r.code === 0 || r.code === 2, label);
  assert.ok(
    r.files.every((f) => f === 'spec.json' || f === 'out/' || f.startsWith('out/')),
    `${label}; files ${r.files.join(', ')}`,
  );
  if (r.code === 2) {
    const m = /^moe-cusp: (.*?): (.+)\n$/.exec(r.stderr);
    assert.ok(m && !m[2].includes('\n'), label);
    assert.match(m![1], field, label);
    assert.deepEqual(r.files, ['spec.json'], `${label}: wrote something`);
  }
  return r.code;
}

describe('the CLI on random specs', () => {
  test('mostly invalid, some valid and tiny: exit 0 or 2, one line on stderr, nothing outside out/', () => {
    // Valid cases are kept tiny: a mutation can make a valid but huge scan, which is not this test's business.
    const small = (v: unknown) => {
      const s = parseSpecSafe(v);
      return s instanceof InputError || (specRouterSteps(s) <= 20_000 && specOutputBytes(s) <= 2 ** 22);
    };
    const text = (v: unknown): string | undefined => {
      try {
        return JSON.stringify(v);
      } catch {
        return undefined; // nested too deep for JSON.stringify itself: sent as text below
      }
    };
    const cases = [
      ...fc
        .sample(
          mutatedArb.filter((v) => text(v) !== undefined && small(v)),
          { seed: SEED, numRuns: 10 },
        )
        .map(text),
      ...fc.sample(specArb(TINY, ['btrs']).filter(small), { seed: SEED, numRuns: 5 }).map(text),
      `{"params": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    ];
    const codes = cases.map((c) => checkRun(c));
    assert.ok(codes.includes(0) && codes.includes(2), `exit codes ${codes.join(',')}`);
  });

  test('hostile names reach the CLI: exit 2 naming `name`, nothing written', () => {
    const tiny = { params: { a: 3, T: 1, gamma: 1, B: 16, eta: 0.01 }, replicates: 2, steps: 10, window: 5 };
    for (const name of ['../evil', '/tmp/x', '.hidden', 'report.html', 'a/b', 'con', 'x'.repeat(65)]) {
      assert.equal(checkRun({ ...tiny, name }, /^name$/), 2, name);
    }
  });
});

describe('parseTrainingSpec on random and mutated values', () => {
  const seeds = TRAINING_PRESET_IDS.map((id) => {
    const { seed: _s, ...rest } = trainingPresetSpecs(id, 'quick', 1)[0];
    return rest;
  });
  test('JSON values and mutated training specs: parsed or an InputError on a JSON path', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        parsed(() => parseTrainingSpec(v));
      }),
      runs(200),
    );
    const arb = fc.tuple(fc.constantFrom(...seeds), fc.array(mutationArb, { minLength: 1, maxLength: 4 })).map(([seed, ms]) => mutated(seed, ms));
    let ok = 0;
    fc.assert(
      fc.property(arb, (v) => {
        if (!(parsed(() => parseTrainingSpec(v)) instanceof InputError)) ok++;
      }),
      runs(800),
    );
    assert.ok(ok > 20, `some mutated specs still parse (${ok})`);
  });
});
