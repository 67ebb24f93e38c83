// The training experiments (MODEL.md section 6) as a library: specs, the runner, the analysis,
// experiments (shards, checkpoints, merges) and the presets fig1..fig5. Browser-safe.
export * from './spec.js';
export * from './run.js';
export * from './analysis.js';
export * from './experiment.js';
export * from './presets/index.js';
