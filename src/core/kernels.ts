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
