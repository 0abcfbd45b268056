// The worker's workflowsPath: every workflow type the service runs.
export { baseImageCleanupWorkflow, baseImageWorkflow } from './base-image.js';
export { imageCleanupWorkflow, imageWorkflow } from './image.js';
export { rebuildWorkflow } from './rebuild.js';
