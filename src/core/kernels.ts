// Composes the WGSL kernels from shaders/ and what is declared once in TypeScript: the shared
// constants (constants.ts), the structs (layout.ts) and each kernel's bindings (below). The
// .wgsl files declare none of these; this module prepends them, and the host builds its
// bind-group layouts and bind groups from the same binding records, so a binding's index,
// kind and type are written in one place.

import { WGSL_CONSTANTS, type SharedConstant } from './constants.js';
import {
  CELL,
  CHECK_PARAMS,
  EXPERT_CELL,
  PARAMS,
  STATE,
  TALLY,
  TRAIN_CELL,
  TRAIN_PARAMS,
  UPDATE_DRAW,
  UPDATE_OUT,
  wgslStruct,
  type ScalarType,
  type StructLayout,
} from './layout.js';
import { WGSL_SOURCES } from './shaders.generated.js';

// ---- Bindings.

/** uniform, read-only storage or read-write storage (GPUBufferBindingType's names). */
export type BindingKind = 'uniform' | 'read-only-storage' | 'storage';
/** A binding's WGSL type: a struct, a scalar, or a runtime-sized array of either. */
export type BindingType = StructLayout | ScalarType | { readonly arrayOf: StructLayout | ScalarType };

export interface BindingDecl {
  /** @group index (0 when absent) */
  readonly group?: number;
  readonly binding: number;
  readonly kind: BindingKind;
  readonly type: BindingType;
}

/** A kernel's bindings by WGSL variable name. */
export type Bindings<K extends string = string> = Readonly<Record<K, BindingDecl>>;

const VAR_SPACE: Record<BindingKind, string> = { uniform: 'uniform', 'read-only-storage': 'storage, read', storage: 'storage, read_write' };

function typeName(type: BindingType): string {
  if (typeof type === 'string') return type;
  if ('arrayOf' in type) return `array<${typeName(type.arrayOf)}>`;
  return type.name;
}

/** Checks a binding record once (no (group, binding) twice) and returns it. */
function bindings<K extends string>(record: Bindings<K>): Bindings<K> {
  const seen = new Map<string, string>();
  for (const [name, b] of Object.entries<BindingDecl>(record)) {
    const slot = `@group(${b.group ?? 0}) @binding(${b.binding})`;
    if (seen.has(slot)) throw new Error(`bindings ${seen.get(slot)} and ${name} share ${slot}`);
    seen.set(slot, name);
  }
  return record;
}

/** router.wgsl: the per-dispatch uniforms, the cells, and the routers' state and tallies. */
export const ROUTER_BINDINGS = bindings({
  params: { binding: 0, kind: 'uniform', type: PARAMS },
  cells: { binding: 1, kind: 'read-only-storage', type: { arrayOf: CELL } },
  state: { binding: 2, kind: 'storage', type: { arrayOf: STATE } },
  tallies: { binding: 3, kind: 'storage', type: { arrayOf: TALLY } },
});

/** router_n.wgsl: the uniforms, the cells and their per-expert vectors, the routers' state and tallies (flat arrays, strides per N). */
export const EXPERT_BINDINGS = bindings({
  params: { binding: 0, kind: 'uniform', type: PARAMS },
  cells: { binding: 1, kind: 'read-only-storage', type: { arrayOf: EXPERT_CELL } },
  vectors: { binding: 2, kind: 'read-only-storage', type: { arrayOf: 'f32' } },
  state: { binding: 3, kind: 'storage', type: { arrayOf: 'f32' } },
  tallies: { binding: 4, kind: 'storage', type: { arrayOf: 'u32' } },
});

/** sampler_check.wgsl (test-only). */
export const CHECK_BINDINGS = bindings({
  check: { binding: 0, kind: 'uniform', type: CHECK_PARAMS },
  inputs: { binding: 1, kind: 'read-only-storage', type: { arrayOf: 'u32' } },
  outputs: { binding: 2, kind: 'storage', type: { arrayOf: 'u32' } },
});

/** update_check.wgsl (test-only): case i starts from cells[i] (y = y0) and start_tallies[i]. */
export const UPDATE_CHECK_BINDINGS = bindings({
  check: { binding: 0, kind: 'uniform', type: CHECK_PARAMS },
  cells: { binding: 1, kind: 'read-only-storage', type: { arrayOf: CELL } },
  start_tallies: { binding: 2, kind: 'read-only-storage', type: { arrayOf: TALLY } },
  draws: { binding: 3, kind: 'read-only-storage', type: { arrayOf: UPDATE_DRAW } },
  out: { binding: 4, kind: 'storage', type: { arrayOf: UPDATE_OUT } },
  out_tallies: { binding: 5, kind: 'storage', type: { arrayOf: TALLY } },
});

/**
 * train_regression.wgsl: the uniforms, the cells, the models' parameters (model-major f32),
 * the data as (x, y) pairs (the training rows, then each evaluation set) and the evaluation
 * partials (also the test-only batch_rows output).
 */
export const TRAIN_REGRESSION_BINDINGS = bindings({
  params: { binding: 0, kind: 'uniform', type: TRAIN_PARAMS },
  cells: { binding: 1, kind: 'read-only-storage', type: { arrayOf: TRAIN_CELL } },
  weights: { binding: 2, kind: 'storage', type: { arrayOf: 'f32' } },
  samples: { binding: 3, kind: 'read-only-storage', type: { arrayOf: 'f32' } },
  out: { binding: 4, kind: 'storage', type: { arrayOf: 'f32' } },
});

/** train_digits.wgsl: as TRAIN_REGRESSION_BINDINGS, with the data as 64 pixels per row and the labels. */
export const TRAIN_DIGITS_BINDINGS = bindings({
  params: { binding: 0, kind: 'uniform', type: TRAIN_PARAMS },
  cells: { binding: 1, kind: 'read-only-storage', type: { arrayOf: TRAIN_CELL } },
  weights: { binding: 2, kind: 'storage', type: { arrayOf: 'f32' } },
  pixels: { binding: 3, kind: 'read-only-storage', type: { arrayOf: 'f32' } },
  labels: { binding: 4, kind: 'read-only-storage', type: { arrayOf: 'u32' } },
  out: { binding: 5, kind: 'storage', type: { arrayOf: 'f32' } },
});

/** The `@group @binding var` declarations of a kernel. */
export function wgslBindings(record: Bindings): string {
  return (
    Object.entries(record)
      .map(([name, b]) => `@group(${b.group ?? 0}) @binding(${b.binding}) var<${VAR_SPACE[b.kind]}> ${name}: ${typeName(b.type)};`)
      .join('\n') + '\n'
  );
}

/** The structs a kernel's bindings use, each once, in binding order. */
function bindingStructs(record: Bindings): StructLayout[] {
  const structs = new Set<StructLayout>();
  for (const { type } of Object.values(record)) {
    const inner = typeof type !== 'string' && 'arrayOf' in type ? type.arrayOf : type;
    if (typeof inner !== 'string') structs.add(inner);
  }
  return [...structs];
}

/** GPUBindGroupLayout entries of one group of a kernel's bindings (compute stage). */
export function bindGroupLayoutEntries(record: Bindings, group = 0): GPUBindGroupLayoutEntry[] {
  return Object.values(record)
    .filter((b) => (b.group ?? 0) === group)
    .map((b) => ({ binding: b.binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: b.kind } }));
}

/** GPUBindGroup entries of one group, from buffers keyed by binding name. */
export function bindGroupEntries<K extends string>(record: Bindings<K>, buffers: Readonly<Record<K, GPUBuffer>>, group = 0): GPUBindGroupEntry[] {
  return (Object.entries(record) as [K, BindingDecl][])
    .filter(([, b]) => (b.group ?? 0) === group)
    .map(([name, b]) => ({ binding: b.binding, resource: { buffer: buffers[name] } }));
}

/** A bind-group layout and a pipeline layout (group 0 only) for a kernel's bindings. */
export function createLayouts(device: GPUDevice, record: Bindings, label: string): { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout } {
  const group = device.createBindGroupLayout({ label, entries: bindGroupLayoutEntries(record) });
  return { group, pipeline: device.createPipelineLayout({ label, bindGroupLayouts: [group] }) };
}

// ---- Constants.

function f32Literal(value: number): string {
  const f = Math.fround(value);
  if (!Number.isFinite(f)) throw new Error(`constant ${value} is not a finite f32`);
  const text = String(f); // the shortest decimal that reads back as this double, i.e. as this f32
  return /[.e]/.test(text) ? text : `${text}.0`;
}

function u32Literal(value: number): string {
  if (!(Number.isInteger(value) && value >= 0 && value < 2 ** 32)) throw new Error(`constant ${value} is not a u32`);
  return value >= 2 ** 20 ? `0x${value.toString(16)}u` : `${value}u`;
}

function wgslConstant({ name, type, value }: SharedConstant): string {
  const literal = type === 'f32' ? f32Literal : u32Literal;
  return typeof value === 'number'
    ? `const ${name}: ${type} = ${literal(value)};`
    : `const ${name} = array<${type}, ${value.length}>(${value.map(literal).join(', ')});`;
}

/** The shared constants as WGSL declarations. */
export function wgslConstants(): string {
  return '// Shared constants, generated from src/core/constants.ts.\n' + WGSL_CONSTANTS.map(wgslConstant).join('\n') + '\n';
}

/**
 * A test-only entry point of the check kernel: outputs[i] = the bits of every shared constant,
 * flattened in WGSL_CONSTANTS order (constantWords() in constants.ts is what it should give).
 */
function constantWordsEntry(): string {
  const lines: string[] = [];
  for (const { name, type, value } of WGSL_CONSTANTS) {
    const items = typeof value === 'number' ? [name] : value.map((_, j) => `${name}[${j}]`);
    for (const item of items) lines.push(`  outputs[${lines.length}] = ${type === 'f32' ? `bitcast<u32>(${item})` : item};`);
  }
  return `@compute @workgroup_size(1)\nfn constant_words() {\n${lines.join('\n')}\n}\n`;
}

// ---- Kernels.

/** Constants, the structs the bindings use, the bindings, then the sources in order. */
function compose(record: Bindings, sources: readonly string[]): string {
  return [wgslConstants(), ...bindingStructs(record).map(wgslStruct), wgslBindings(record), ...sources].join('\n');
}

export function routerShaderSource(): string {
  return compose(ROUTER_BINDINGS, [WGSL_SOURCES.threefry, WGSL_SOURCES.binomial, WGSL_SOURCES.router_step, WGSL_SOURCES.router]);
}

/** The N-expert kernel for N experts (N a compile-time constant: one module per N). */
export function expertShaderSource(N: number): string {
  if (!(Number.isInteger(N) && N >= 2 && N <= 256)) throw new RangeError(`expertShaderSource: N must be an integer in [2, 256], got ${N}`);
  return compose(EXPERT_BINDINGS, [`const N_EXPERTS: u32 = ${N}u;\n`, WGSL_SOURCES.threefry, WGSL_SOURCES.binomial, WGSL_SOURCES.router_n]);
}

export function checkShaderSource(): string {
  return compose(CHECK_BINDINGS, [WGSL_SOURCES.threefry, WGSL_SOURCES.binomial, WGSL_SOURCES.sampler_check, constantWordsEntry()]);
}

export function updateCheckShaderSource(): string {
  return compose(UPDATE_CHECK_BINDINGS, [WGSL_SOURCES.router_step, WGSL_SOURCES.update_check]);
}

/** The smooth and hard training kernels (one module; the kind is the pipeline's KIND override). */
export function trainRegressionShaderSource(): string {
  return compose(TRAIN_REGRESSION_BINDINGS, [WGSL_SOURCES.threefry, WGSL_SOURCES.train_common, WGSL_SOURCES.train_regression]);
}

/**
 * The digits training kernel's compile-time constants (they size its arrays): hidden width H,
 * 1 or 2 experts, the workgroup size wg (8, 16, 32 or 64: it divides the 64 pixels) and the
 * batch rows per invocation and tile, rows.
 */
export interface DigitsKernelGeometry {
  readonly hidden: number;
  readonly experts: 1 | 2;
  readonly wg: number;
  readonly rows: number;
}

const DIGITS_KERNEL_DIM = 64;
const DIGITS_KERNEL_CLASSES = 10;

/** Workgroup floats of train_digits.wgsl: the tile's row records and row indices, the reduction. */
export function digitsWorkgroupFloats(g: DigitsKernelGeometry): number {
  const tile = g.wg * g.rows;
  return tile * (2 + g.experts * (2 * g.hidden + DIGITS_KERNEL_CLASSES)) + tile + 4 * g.wg;
}

/**
 * Upper bounds on the loop iterations one invocation of train_digits.wgsl runs per SGD step
 * (batch B) and per evaluation tile, counting every iteration of every loop (llvmpipe's cap
 * counts them all, whether or not a compiler unrolls them).
 */
export function digitsKernelIterations(g: DigitsKernelGeometry, batch: number): { perStep: number; perEvalTile: number } {
  const { hidden: H, experts: E, wg, rows: R } = g;
  const D4 = DIGITS_KERNEL_DIM / 4;
  const C = DIGITS_KERNEL_CLASSES;
  const tiles = Math.ceil(batch / (wg * R));
  const pix = DIGITS_KERNEL_DIM / wg;
  const small = Math.ceil((E * (H + C * H + C) + (E === 2 ? 1 : 0)) / wg);
  const load = R * (D4 + 1) + R;
  const gap = 2 * R + D4 * (1 + R);
  const forward = E * (H * (3 * R + D4 * (1 + R)) + C * (3 * R + H * (1 + R)));
  const softmax = R * (5 * C + 4);
  const records = E * (R * (C + 1) + H * (C * (1 + R) + 2 * R)) + R;
  const params = wg * R * (2 * (E * H + 1) + pix * (E * H + 2) + small + 2);
  const penalty = E === 2 ? tiles * (load + gap + R) + wg + 1 : 0;
  const update = pix * (E * (H + 1) + 1) + small;
  return {
    perStep: penalty + tiles * (load + gap + R + forward + softmax + records + params + 1) + update + small + 1,
    perEvalTile: load + gap + R + forward + R * (3 * C + 2) + 1,
  };
}

/**
 * The digits kernel's geometry for a batch of B rows. A GPU: one row per invocation, B rounded
 * up to a power of two in 8..64 invocations per workgroup. A CPU adapter (llvmpipe): one SIMD
 * group of 8 invocations with ROWS = B / 8 rows each (at most 2), so that every parameter load
 * serves ROWS rows (on llvmpipe a load at a uniform address inside a loop still costs a
 * per-lane gather). `given` overrides either; then halved (rows first) while the records would
 * not fit the device's workgroup memory.
 * Measured on llvmpipe (Mesa 22.3, 2 cores, 2026-12; H = 4, two experts, B = 32, 256 models;
 * model-steps per CPU-second, +-20% on a shared machine): 8 x 2 rows 6.5k, 16 x 2 rows 5.8k,
 * 8 x 4 rows 5.3k (and 1.5x the compile time), 8 x 1 row 5.1k, 32 x 1 row (a GPU's) 4.6k.
 */
export function digitsGeometry(
  hidden: number,
  experts: 1 | 2,
  batch: number,
  workgroupBytes: number,
  cpu: boolean,
  given: { wg?: number | undefined; rows?: number | undefined } = {},
): DigitsKernelGeometry {
  let wg = 8;
  let rows = 1;
  if (cpu) rows = Math.min(2, Math.ceil(batch / 8));
  else while (wg < 64 && wg < batch) wg *= 2;
  wg = given.wg ?? wg;
  rows = given.rows ?? rows;
  const fits = () => 4 * digitsWorkgroupFloats({ hidden, experts, wg, rows }) <= workgroupBytes;
  while (!fits() && (rows > 1 || wg > 8)) {
    if (rows > 1) rows = Math.ceil(rows / 2);
    else wg /= 2;
  }
  if (!fits()) throw new RangeError(`digits: hidden ${hidden} needs more workgroup memory than the device has`);
  return { hidden, experts, wg, rows };
}

export function trainDigitsShaderSource(g: DigitsKernelGeometry): string {
  const { hidden, experts, wg, rows } = g;
  if (!(Number.isInteger(hidden) && hidden >= 1 && hidden <= 256))
    throw new RangeError(`trainDigitsShaderSource: hidden must be an integer in [1, 256], got ${hidden}`);
  if (experts !== 1 && experts !== 2) throw new RangeError(`trainDigitsShaderSource: experts must be 1 or 2, got ${experts}`);
  if (![8, 16, 32, 64].includes(wg)) throw new RangeError(`trainDigitsShaderSource: wg must be 8, 16, 32 or 64, got ${wg}`);
  if (!(Number.isInteger(rows) && rows >= 1 && rows <= 16))
    throw new RangeError(`trainDigitsShaderSource: rows must be an integer in [1, 16], got ${rows}`);
  const header = `const HIDDEN: u32 = ${hidden}u;\nconst EXPERTS: u32 = ${experts}u;\nconst WG: u32 = ${wg}u;\nconst ROWS: u32 = ${rows}u;\n`;
  return compose(TRAIN_DIGITS_BINDINGS, [header, WGSL_SOURCES.threefry, WGSL_SOURCES.train_common, WGSL_SOURCES.train_digits]);
}

/** Compiles a module and turns compilation errors into one readable exception. */
export async function compileModule(device: GPUDevice, code: string, label: string): Promise<GPUShaderModule> {
  const module = device.createShaderModule({ code, label });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    const lines = code.split('\n');
    throw new Error(
      `WGSL compilation of ${label} failed:\n` +
        errors.map((m) => `  line ${m.lineNum}:${m.linePos}: ${m.message}\n    ${lines[m.lineNum - 1] ?? ''}`).join('\n'),
    );
  }
  return module;
}

/** 2-D dispatch geometry for `count` invocations: WebGPU caps each dimension. */
export function dispatchGrid(count: number, workgroupSize: number, maxPerDimension: number): { x: number; y: number; rowStride: number } {
  const groups = Math.max(1, Math.ceil(count / workgroupSize));
  const x = Math.min(groups, maxPerDimension);
  return { x, y: Math.ceil(groups / x), rowStride: x * workgroupSize };
}
