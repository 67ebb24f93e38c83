// The project's layering, checked on the TypeScript sources (not dist): the library in src/
// never reaches into bench/ or test/; no source file in src/ or web/src/ runs past 500
// lines (generated files aside); and the core (src/core, src/experiments, src/analytics,
// src/report, the library entry src/index.ts) and the web page stay browser-safe: no Node
// built-ins, no Node-only packages, nothing from src/node/ or src/cli/, and none of the few
// Node-only report modules. Import specifiers come from TypeScript's own pre-processor
// (static imports, `export ... from`, `import type`, dynamic import() of a string), so
// comments and strings that merely look like imports are not counted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// dist/test/layering.test.js -> the repository root
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAX_LINES = 500;

/** Files whose header says "Node-only": the report's PNG renderer and its inline assets. */
const NODE_ONLY = new Set(['src/report/png.ts', 'src/report/assets.ts']);
/** Packages that run only under Node (native addons, Dawn, the CLI's terminal libraries). */
const NODE_PACKAGES = ['@napi-rs/canvas', 'webgpu', 'commander', 'cli-progress'];
const BROWSER_SAFE_DIRS = ['src/core', 'src/experiments', 'src/analytics', 'src/report'];

/** Repository-relative paths ('/'-separated) of the .ts files under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const p = join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(relative(ROOT, p).split(sep).join('/'));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Every module specifier the file imports or re-exports from. */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(read(file), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** A relative specifier as a repository-relative path ('.js' written for '.ts', as NodeNext wants); else null. */
function resolveRelative(file: string, spec: string): string | null {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return null;
  const abs = resolve(ROOT, dirname(file), spec);
  return relative(ROOT, abs).split(sep).join('/').replace(/\.js$/, '.ts');
}

const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);
const isNodePackage = (spec: string) => NODE_PACKAGES.some((p) => spec === p || spec.startsWith(p + '/'));
const under = (path: string, dir: string) => path === dir || path.startsWith(dir + '/');

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

test('the parser sees imports, re-exports, type imports and dynamic imports (not comments)', () => {
  const found = ts
    .preProcessFile(
      [
        "import { a } from './a.js';",
        "import type { B } from '../b.js';",
        "export { c } from 'node:fs';",
        "export * from './d.js';",
        "import './e.js';",
        "const f = await import('path');",
        "// import { g } from './g.js';",
      ].join('\n'),
      true,
      true,
    )
    .importedFiles.map((f) => f.fileName);
  assert.deepEqual(found, ['./a.js', '../b.js', 'node:fs', './d.js', './e.js', 'path']);
  assert.equal(resolveRelative('src/report/draw/paint.ts', '../../experiments/types.js'), 'src/experiments/types.ts');
  assert.ok(isBuiltin('fs') && isBuiltin('node:worker_threads') && isBuiltin('path/posix') && !isBuiltin('uplot'));
});

test('nothing in src/ imports from bench/ or test/', () => {
  const files = tsFiles('src');
  assert.ok(files.length > 20, `found ${files.length} files in src/`);
  const bad: string[] = [];
  for (const file of files) {
    for (const spec of specifiers(file)) {
      const target = resolveRelative(file, spec);
      if (target && (under(target, 'bench') || under(target, 'test'))) bad.push(`${file} imports ${spec}`);
    }
  }
  assert.deepEqual(bad, [], 'the library must not depend on benchmarks or tests');
});

test(`no source file in src/ or web/src/ over ${MAX_LINES} lines (*.generated.ts aside)`, () => {
  const files = [...tsFiles('src'), ...tsFiles('web/src')].filter((f) => !f.endsWith('.generated.ts'));
  assert.ok(
    files.some((f) => f.startsWith('web/src/')),
    'web/src/ was searched',
  );
  const long = files
    .map((f) => ({ f, n: lineCount(read(f)) }))
    .filter(({ n }) => n > MAX_LINES)
    .sort((a, b) => b.n - a.n);
  assert.deepEqual(
    long.map(({ f, n }) => `${f}: ${n} lines`),
    [],
    `split these by concern into modules of at most ${MAX_LINES} lines`,
  );
});

test('the core, the library entry and the web page stay browser-safe', () => {
  const files = [...BROWSER_SAFE_DIRS.flatMap(tsFiles), 'src/index.ts', ...tsFiles('web/src')];
  for (const f of NODE_ONLY) assert.ok(files.includes(f), `${f} exists`);
  const bad: string[] = [];
  for (const file of files) {
    const header = read(file).split('\n').slice(0, 3).join('\n');
    const declaredNodeOnly = /^\/\/ Node-only/m.test(header);
    if (NODE_ONLY.has(file)) {
      // the exemption holds only while the file says so at the top
      if (!declaredNodeOnly) bad.push(`${file} is exempt as Node-only, but its header does not say "Node-only"`);
      continue;
    }
    if (declaredNodeOnly) bad.push(`${file} says it is Node-only: add it to NODE_ONLY here, or move it to src/node/`);
    for (const spec of specifiers(file)) {
      const target = resolveRelative(file, spec);
      const why = isBuiltin(spec)
        ? 'a Node built-in'
        : isNodePackage(spec)
          ? 'a Node-only package'
          : target && (under(target, 'src/node') || under(target, 'src/cli'))
            ? 'Node-side code'
            : target && NODE_ONLY.has(target)
              ? 'a Node-only report module'
              : null;
      if (why) bad.push(`${file} imports ${spec} (${why})`);
    }
  }
  assert.deepEqual(bad, [], 'browser-safe modules must not import Node-only code; put it in src/node/');
});

/** ARCHITECTURE.md's layers: what each folder of src/ may not import from the project. */
const FORBIDDEN: Record<string, string[]> = {
  'src/analytics': ['src/core', 'src/experiments', 'src/report', 'src/node', 'src/cli', 'web'],
  'src/core': ['src/analytics', 'src/experiments', 'src/report', 'src/node', 'src/cli', 'web'],
  'src/experiments': ['src/report', 'src/node', 'src/cli', 'web'],
  'src/report': ['src/node', 'src/cli', 'web'],
  'src/node': ['src/cli', 'web'],
};

test('each layer imports only the layers below it (ARCHITECTURE.md)', () => {
  const bad: string[] = [];
  for (const [dir, forbidden] of Object.entries(FORBIDDEN)) {
    for (const file of tsFiles(dir)) {
      for (const spec of specifiers(file)) {
        const target = resolveRelative(file, spec);
        const hit = target && forbidden.find((f) => under(target, f));
        if (hit) bad.push(`${file} imports ${target} (${dir} may not import ${hit})`);
      }
    }
  }
  assert.deepEqual(bad, []);
});
