// The library API, usable from Node and the browser (no Node-only imports below this file).
export * from './core/model.js';
export * from './core/engine.js';
export * from './core/scan.js';
export { WebGpuEngine, type WebGpuEngineOptions } from './core/webgpu-engine.js';
export { advanceBlock, allocateBlock, initializeBlock, type RouterBlock } from './core/cpu-router.js';
export { binomial, binomialReflected, binomialTokens } from './core/binomial.js';
export { RngStream, seedKey, streamKey, threefry2x32_20, uniformFine, uniformGrid } from './core/threefry.js';
export * as training from './core/training/index.js';
export * as trainingRuns from './experiments/training/index.js';
