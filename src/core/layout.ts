// Buffer layouts, declared once: the WGSL struct text, byte sizes, the packing and unpacking
// on the host, and the shape of an engine's readout are all derived from these field lists,
// never written twice by hand.
//
// A field is a 4-byte scalar (f32, u32) or a 64-bit unsigned integer held as two u32 words
// (u64: emitted in WGSL as `<name>_lo: u32, <name>_hi: u32`, low word first), so a struct's
// stride is 4 x its word count. On the host a u64 field is a JS number: exact for integers
// below 2^53 (Number.MAX_SAFE_INTEGER + 1). packStructs refuses anything else; unpackStructs
// joins hi * 2^32 + lo, which is exact while hi < 2^21 (a window tally reaches that only
// after ~2^21 steps of full collapse at B = 65536, since each step adds at most 2^32).

export type ScalarType = 'f32' | 'u32';
export type FieldType = ScalarType | 'u64';

export interface StructLayout<K extends string = string> {
  readonly name: string;
  readonly fields: readonly (readonly [K, FieldType])[];
}

/** The field names of a layout. */
export type FieldOf<L> = L extends StructLayout<infer K> ? K : never;

function struct<K extends string>(name: string, fields: readonly (readonly [K, FieldType])[]): StructLayout<K> {
  return { name, fields };
}

/** Per-dispatch uniforms of the router kernel. */
export const PARAMS = struct('Params', [
  ['seed_lo', 'u32'],
  ['seed_hi', 'u32'],
  ['router_offset', 'u32'],
  ['slot_begin', 'u32'],
  ['slot_end', 'u32'],
  ['replicates', 'u32'],
  ['step_begin', 'u32'],
  ['step_end', 'u32'],
  ['window_begin', 'u32'],
  ['token_mode', 'u32'],
  ['row_stride', 'u32'],
] as const);

/** One parameter cell (MODEL.md section 1 symbols). */
export const CELL = struct('Cell', [
  ['a', 'f32'], // reinforcement (positive feedback)
  ['rho', 'f32'], // negative feedback on load (load balancing)
  ['T', 'f32'], // softmax temperature
  ['gamma', 'f32'], // forgetting
  ['h', 'f32'], // skew b1 - b2
  ['eta', 'f32'], // step size
  ['y0', 'f32'], // initial score gap
  ['asym', 'f32'], // half-width of the uniform random initial asymmetry
  ['B', 'u32'], // tokens per step
  ['hRate', 'f32'], // ramped sweeps: h moves by hRate per step (0: h fixed)
  ['rampStep', 'u32'], // the step at which h holds its value h
] as const);

/**
 * One parameter cell of the N-expert router (shaders/router_n.wgsl); its per-expert vectors
 * b and r0 are in a separate f32 array, 2 N per cell. capacity: the token limit per expert
 * (B when there is none); bias_mode 0 off, 1 linear, 2 sign.
 */
export const EXPERT_CELL = struct('ExpertCell', [
  ['a', 'f32'],
  ['rho', 'f32'],
  ['T', 'f32'],
  ['gamma', 'f32'],
  ['eta', 'f32'],
  ['asym', 'f32'],
  ['bias_rate', 'f32'],
  ['B', 'u32'],
  ['capacity', 'u32'],
  ['bias_mode', 'u32'],
] as const);

/**
 * Per-dispatch uniforms of the training kernels (shaders/train_*.wgsl): the plan's stream key
 * and model range, the steps, the batch and data-set geometry, and the init scales.
 * model_offset: global index of slot 0 (firstModel); train_rows: the training set's n (its rows
 * come first in the data buffers); set_base, set_rows: an evaluation set's first row and row
 * count there, cut into `chunks` of chunk_rows; init_scale (smooth, hard: every parameter;
 * digits: router w, V, v) and init_scale2 (digits: U, u); inv_batch = 1 / B; digits: experts,
 * hidden, classes (its loop bounds; uniforms so that a compiler does not unroll those loops).
 */
export const TRAIN_PARAMS = struct('TrainParams', [
  ['seed_lo', 'u32'],
  ['seed_hi', 'u32'],
  ['model_offset', 'u32'],
  ['model_begin', 'u32'],
  ['model_end', 'u32'],
  ['replicates', 'u32'],
  ['step_begin', 'u32'],
  ['step_end', 'u32'],
  ['batch', 'u32'],
  ['train_rows', 'u32'],
  ['row_stride', 'u32'],
  ['set_base', 'u32'],
  ['set_rows', 'u32'],
  ['chunk_rows', 'u32'],
  ['chunks', 'u32'],
  ['init_scale', 'f32'],
  ['init_scale2', 'f32'],
  ['inv_batch', 'f32'],
  ['experts', 'u32'],
  ['hidden', 'u32'],
  ['classes', 'u32'],
] as const);

/** One training cell (TrainingCell of src/core/training/engine.ts; inv_t = 1 / T rounded once). */
export const TRAIN_CELL = struct('TrainCell', [
  ['h', 'f32'],
  ['inv_t', 'f32'],
  ['lambda_lb', 'f32'],
  ['router_l2', 'f32'],
  ['lr', 'f32'],
] as const);

/**
 * The state of one router: its score gap y = r1 - r2, and in ramped sweeps the h where y
 * first crossed zero while h rose (crossUp) and while it fell (crossDown), CROSS_NONE before.
 */
export const STATE = struct('State', [
  ['y', 'f32'],
  ['crossUp', 'f32'],
  ['crossDown', 'f32'],
] as const);

/** Exact window tallies of one router: sum N1, sum |2 N1 - B|, sum (2 N1 - B)^2. */
export const TALLY = struct('Tally', [
  ['n1', 'u64'],
  ['abs', 'u64'],
  ['sq', 'u64'],
] as const);

/** Uniforms of the test-only kernels in shaders/sampler_check.wgsl and update_check.wgsl. */
export const CHECK_PARAMS = struct('CheckParams', [
  ['seed_lo', 'u32'],
  ['seed_hi', 'u32'],
  ['count', 'u32'],
  ['row_stride', 'u32'],
  ['n', 'u32'],
  ['p', 'f32'],
  ['step', 'u32'],
  ['tag', 'u32'],
  ['token_mode', 'u32'],
] as const);

/** update_check.wgsl, one per step of a case: the sampler's draw x = min(N1, B - N1). */
export const UPDATE_DRAW = struct('UpdateDraw', [
  ['x', 'u32'],
  ['in_window', 'u32'],
] as const);

/** update_check.wgsl, one per step of a case: what the router's step functions gave (the tallies go to a Tally array). */
export const UPDATE_OUT = struct('UpdateOut', [
  ['logit', 'f32'], // min(|y| / T, LOGIT_CAP) before the step
  ['q', 'f32'], // the minority probability sigmoid(-logit) before the step
  ['y', 'f32'], // y after the step
] as const);

// ---- The readout: what RouterSession.read returns and restore takes (src/core/engine.ts).

/** Readout names of the tally fields: the public names in checkpoints and analyses. */
export const TALLY_READOUT = { n1: 'sumN1', abs: 'sumAbs', sq: 'sumSq' } as const satisfies Record<FieldOf<typeof TALLY>, string>;

export type TallyReadoutField = (typeof TALLY_READOUT)[FieldOf<typeof TALLY>];
/** The readout's columns: y, sumN1, sumAbs, sumSq. */
export type ReadoutField = FieldOf<typeof STATE> | TallyReadoutField;

type TallyField = FieldOf<typeof TALLY>;

/** TALLY's columns (unpackStructs) under their readout names. */
export function tallyReadout<T>(columns: Readonly<Record<TallyField, T>>): Record<TallyReadoutField, T> {
  return Object.fromEntries(TALLY.fields.map(([name]) => [TALLY_READOUT[name], columns[name]])) as Record<TallyReadoutField, T>;
}

/** A readout's tally columns under TALLY's field names (for packColumns). */
export function tallyColumns<T>(readout: Readonly<Record<TallyReadoutField, T>>): Record<TallyField, T> {
  return Object.fromEntries(TALLY.fields.map(([name]) => [name, readout[TALLY_READOUT[name]]])) as Record<TallyField, T>;
}

/** The readout's tally columns, in TALLY's order. */
export const TALLY_FIELDS: readonly TallyReadoutField[] = TALLY.fields.map(([name]) => TALLY_READOUT[name]);
/** Every column of a readout: the state's fields, then the tallies. */
export const READOUT_FIELDS: readonly ReadoutField[] = [...STATE.fields.map(([name]) => name), ...TALLY_FIELDS];

/** One value per readout column: column(key) for each of READOUT_FIELDS. */
export function readoutOf<T>(column: (key: ReadoutField) => T): Record<ReadoutField, T> {
  return Object.fromEntries(READOUT_FIELDS.map((key) => [key, column(key)])) as Record<ReadoutField, T>;
}

/** Zeroed readout columns for `count` routers, or views of routers [offset, offset + count) of given buffers (8 bytes per router each). */
export function newReadout(count: number, buffers?: Readonly<Record<ReadoutField, ArrayBufferLike>>, offset = 0): Record<ReadoutField, Float64Array> {
  return readoutOf((key) => (buffers ? new Float64Array(buffers[key], offset * 8, count) : new Float64Array(count)));
}

/** Throws unless every column of a readout holds `routers` values (restore's check). */
export function checkReadout(readout: Readonly<Record<ReadoutField, ArrayLike<number>>>, routers: number): void {
  for (const key of READOUT_FIELDS) {
    if (readout[key].length !== routers) throw new Error(`restore: ${key} has ${readout[key].length} routers, the session ${routers}`);
  }
}

// ---- Sizes, WGSL text, packing.

function wordsOf(type: FieldType): number {
  return type === 'u64' ? 2 : 1;
}

/** 4-byte words per struct. */
export function wordCountOf(layout: StructLayout): number {
  return layout.fields.reduce((n, [, type]) => n + wordsOf(type), 0);
}

export function strideOf(layout: StructLayout): number {
  return wordCountOf(layout) * 4;
}

/** Size to allocate for one uniform struct: WebGPU wants uniform bindings in 16-byte units. */
export function uniformSizeOf(layout: StructLayout): number {
  return Math.ceil(strideOf(layout) / 16) * 16;
}

export function wgslStruct(layout: StructLayout): string {
  const body = layout.fields.map(([name, type]) => (type === 'u64' ? `  ${name}_lo: u32,\n  ${name}_hi: u32,` : `  ${name}: ${type},`)).join('\n');
  return `struct ${layout.name} {\n${body}\n}\n`;
}

/** Each field's type and word offset within the struct. */
function offsets(layout: StructLayout): { name: string; type: FieldType; at: number }[] {
  let at = 0;
  return layout.fields.map(([name, type]) => {
    const field = { name, type, at };
    at += wordsOf(type);
    return field;
  });
}

const TWO_32 = 4294967296;

/** Writes `value` as field `type` at word `at` (f32 rounds, u32 wraps, u64 must be a safe integer). */
function put(f32: Float32Array, u32: Uint32Array, type: FieldType, at: number, value: number, name: string): void {
  if (type === 'f32') f32[at] = value;
  else if (type === 'u32') u32[at] = value;
  else {
    if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`${name}: ${value} is not an integer in [0, 2^53)`);
    u32[at] = value % TWO_32;
    u32[at + 1] = Math.floor(value / TWO_32);
  }
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
  const n = wordCountOf(layout);
  const fields = offsets(layout);
  records.forEach((record, i) => {
    for (const { name, type, at } of fields) put(f32, u32, type, i * n + at, record[name as K], name);
  });
  return buffer;
}

/** Packs `count` structs from columns (one array per field) into array<layout.name>. */
export function packColumns<K extends string>(layout: StructLayout<K>, columns: Readonly<Record<K, ArrayLike<number>>>, count: number): ArrayBuffer {
  const buffer = new ArrayBuffer(count * strideOf(layout));
  const f32 = new Float32Array(buffer);
  const u32 = new Uint32Array(buffer);
  const n = wordCountOf(layout);
  for (const { name, type, at } of offsets(layout)) {
    const column = columns[name as K];
    for (let i = 0; i < count; i++) put(f32, u32, type, i * n + at, column[i], name);
  }
  return buffer;
}

/** The inverse of packColumns: `count` structs of array<layout.name> as one Float64Array per field. */
export function unpackStructs<K extends string>(
  layout: StructLayout<K>,
  buffer: ArrayBufferLike,
  count: number,
  byteOffset = 0,
): Record<K, Float64Array> {
  const n = wordCountOf(layout);
  const f32 = new Float32Array(buffer, byteOffset, count * n);
  const u32 = new Uint32Array(buffer, byteOffset, count * n);
  const out = {} as Record<K, Float64Array>;
  for (const { name, type, at } of offsets(layout)) {
    const column = new Float64Array(count);
    if (type === 'f32') for (let i = 0; i < count; i++) column[i] = f32[i * n + at];
    else if (type === 'u32') for (let i = 0; i < count; i++) column[i] = u32[i * n + at];
    else for (let i = 0; i < count; i++) column[i] = u32[i * n + at] + u32[i * n + at + 1] * TWO_32;
    out[name as K] = column;
  }
  return out;
}

export function packUniform<K extends string>(layout: StructLayout<K>, record: Readonly<Record<K, number>>): ArrayBuffer {
  return packStructs(layout, [record], uniformSizeOf(layout));
}
