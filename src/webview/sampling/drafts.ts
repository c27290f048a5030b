import { getDraft, setDraft } from '../vscodeApi';

/** Unsent edits of one sampling card, kept across hide/show of the view. */
export interface SamplingDraft {
  /** Edited texts by target (`system`, `m<i>.b<j>`). */
  texts: Record<string, string>;
  maxTokens?: string;
  modelId?: string;
  /** The edited completion, tied to the run it belongs to. */
  completion?: { runId: number; text: string };
}

/** Reads and writes a card's draft; every write replaces the stored draft. */
export class DraftStore {
  readonly draft: SamplingDraft;

  constructor(private readonly cardId: string) {
    const stored = getDraft<SamplingDraft>(cardId);
    this.draft = stored && typeof stored === 'object' && stored.texts ? stored : { texts: {} };
  }

  text(target: string): string | undefined {
    return this.draft.texts[target];
  }

  setText(target: string, value: string | undefined): void {
    if (value === undefined) delete this.draft.texts[target];
    else this.draft.texts[target] = value;
    this.save();
  }

  update(patch: Partial<SamplingDraft>): void {
    Object.assign(this.draft, patch);
    this.save();
  }

  private save(): void {
    setDraft(this.cardId, this.draft);
  }
}
