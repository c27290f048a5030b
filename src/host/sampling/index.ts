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
export * from './runner';
export * from './lmMessages';
export * from './modelRun';
export * from './edits';
export * from './cardBuilder';
export * from './sessionSupport';
export * from './session';
export * from './coordinator';
