/**
 * Pure sampling logic of the host core (no `vscode` import): request
 * validation, model preselection, stream limits, budgets, policy and audit.
 */
export * from './validation';
export { SAMPLING_LIMITS } from './requestSchema';
export * from './modelSelection';
export * from './streamLimiter';
export * from './budget';
export * from './policy';
export * from './audit';
