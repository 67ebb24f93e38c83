// The trainable MoE models of MODEL.md section 6 (the paper's sec. 8.1-8.3): f64 twins with
// hand-written backward passes, their random streams, data and SGD. Browser-safe.
export * from './types.js';
export * from './streams.js';
export * from './smooth.js';
export * from './hard.js';
export * from './digits.js';
export * from './digits-data.js';
export * from './sgd.js';
export * from './engine.js';
export * from './cpu-engine.js';
export * from './webgpu-engine.js';
