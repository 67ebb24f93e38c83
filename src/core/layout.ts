// Buffer layouts, declared once: the WGSL struct text, byte sizes and the packing on the
// host are all derived from these field lists, never written twice by hand.
// Every field is a 4-byte scalar, so a struct's stride is 4 x its field count.

export type ScalarType = 'f32' | 'u32';

export interface StructLayout<K extends string = string> {
  readonly name: string;
  readonly fields: readonly (readonly [K, ScalarType])[];
}

function struct<K extends string>(name: string, fields: readonly (readonly [K, ScalarType])[]): StructLayout<K> {
  return { name, fields };
}

/** Per-dispatch uniforms of the router kernel. */
export const PARAMS = struct('Params', [
  ['seed_lo', 'u32'], ['seed_hi', 'u32'],
  ['router_offset', 'u32'], ['slot_begin', 'u32'], ['slot_end', 'u32'], ['replicates', 'u32'],
  ['step_begin', 'u32'], ['step_end', 'u32'], ['window_begin', 'u32'],
  ['token_mode', 'u32'], ['row_stride', 'u32'],
] as const);

/** One parameter cell (MODEL.md section 1 symbols). */
export const CELL = struct('Cell', [
  ['a', 'f32'],     // reinforcement (positive feedback)
  ['rho', 'f32'],   // negative feedback on load (load balancing)
  ['T', 'f32'],     // softmax temperature
  ['gamma', 'f32'], // forgetting
  ['h', 'f32'],     // skew b1 - b2
  ['eta', 'f32'],   // step size
  ['y0', 'f32'],    // initial score gap
  ['asym', 'f32'],  // half-width of the uniform random initial asymmetry
  ['B', 'u32'],     // tokens per step
] as const);

/** Exact window tallies of one router: sum N1, sum |2 N1 - B|, sum (2 N1 - B)^2, 64-bit each. */
export const TALLY = struct('Tally', [
  ['n1_lo', 'u32'], ['n1_hi', 'u32'],
  ['abs_lo', 'u32'], ['abs_hi', 'u32'],
  ['sq_lo', 'u32'], ['sq_hi', 'u32'],
] as const);

/** Uniforms of the test-only kernels in shaders/sampler_check.wgsl. */
export const CHECK_PARAMS = struct('CheckParams', [
  ['seed_lo', 'u32'], ['seed_hi', 'u32'], ['count', 'u32'], ['row_stride', 'u32'],
  ['n', 'u32'], ['p', 'f32'], ['step', 'u32'], ['tag', 'u32'], ['token_mode', 'u32'],
] as const);

export function strideOf(layout: StructLayout): number {
  return layout.fields.length * 4;
}

/** Size to allocate for one uniform struct: WebGPU wants uniform bindings in 16-byte units. */
export function uniformSizeOf(layout: StructLayout): number {
  return Math.ceil(strideOf(layout) / 16) * 16;
}

export function wgslStruct(layout: StructLayout): string {
  const body = layout.fields.map(([name, type]) => `  ${name}: ${type},`).join('\n');
  return `struct ${layout.name} {\n${body}\n}\n`;
}

/** Packs records into a buffer laid out as array<layout.name>. */
export function packStructs<K extends string>(
  layout: StructLayout<K>,
  records: readonly Readonly<Record<K, number>>[],
  byteLength = records.length * strideOf(layout),
): ArrayBuffer {
  const buffer = new ArrayBuffer(byteLength);
  const f32 = new Float32Array(buffer);
  const u32 = new Uint32Array(buffer);
  const n = layout.fields.length;
  records.forEach((record, i) => {
    layout.fields.forEach(([name, type], j) => {
      (type === 'f32' ? f32 : u32)[i * n + j] = record[name];
    });
  });
  return buffer;
}

export function packUniform<K extends string>(layout: StructLayout<K>, record: Readonly<Record<K, number>>): ArrayBuffer {
  return packStructs(layout, [record], uniformSizeOf(layout));
}
