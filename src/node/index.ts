// Node entry: the core plus engines that need Node (Dawn, worker_threads).
export * from '../index.js';
export { CpuEngine, type CpuEngineOptions } from './cpu-engine.js';
export { acquireGpu, ADAPTER_CHOICES, type AdapterChoice, type AcquiredGpu } from './gpu.js';
export { createEngine, ENGINE_CHOICES, type EngineChoice, type EngineRequest } from './engines.js';
export { digitsPath, loadDigits, DIGITS_SHA256 } from './digits.js';
export { nodeTrainingData, trainingEngineFor } from './training.js';
export { WorkerTrainingEngine } from './training-workers.js';
