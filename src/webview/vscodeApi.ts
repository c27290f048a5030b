import type { WebviewToExtension } from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** `acquireVsCodeApi()` may be called once per page: this module owns it. */
const api: VsCodeApi = acquireVsCodeApi();

export function post(message: WebviewToExtension): void {
  api.postMessage(message);
}

export function getState<T>(): T | undefined {
  return api.getState() as T | undefined;
}

export function setState<T>(state: T): void {
  api.setState(state);
}

/** Per-card drafts (unsent edits) that survive the view being hidden and shown. */
export function getDraft<T>(cardId: string): T | undefined {
  const state = (api.getState() ?? {}) as { drafts?: Record<string, unknown> };
  return state.drafts?.[cardId] as T | undefined;
}

export function setDraft(cardId: string, draft: unknown): void {
  const state = (api.getState() ?? {}) as { drafts?: Record<string, unknown> };
  const drafts = { ...(state.drafts ?? {}) };
  if (draft === undefined) delete drafts[cardId];
  else drafts[cardId] = draft;
  api.setState({ ...state, drafts });
}

/** Forgets the drafts of cards that no longer exist (answered, dismissed, or from an earlier session). */
export function pruneDrafts(liveIds: ReadonlySet<string>): void {
  const state = (api.getState() ?? {}) as { drafts?: Record<string, unknown> };
  const drafts = state.drafts ?? {};
  const stale = Object.keys(drafts).filter((id) => !liveIds.has(id));
  if (stale.length === 0) return;
  const kept = { ...drafts };
  for (const id of stale) delete kept[id];
  api.setState({ ...state, drafts: kept });
}
