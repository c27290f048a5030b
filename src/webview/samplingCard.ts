import type { RequestCard } from '../shared/protocol';
import type { SamplingAction, SamplingCard } from '../shared/samplingProtocol';
import type { CardView } from './cardView';
import { button, setDisabled, setPrimary } from './components';
import { h, icon } from './dom';
import { cardFrame } from './cardFrame';
import { post } from './vscodeApi';
import { renderMessages, type MessageEditors } from './sampling/blocks';
import { CompletionSection } from './sampling/completion';
import { DraftStore } from './sampling/drafts';
import { MaxTokensField, ModelPicker, renderParameters, renderTools } from './sampling/params';
import { EditableTextView } from './sampling/text';
import { clockTime } from './timeFormat';

type SamplingRequestCard = RequestCard & { kind: 'sampling' };

/** The card's actions, in the order they sit in its button row. */
const BUTTON_ORDER = ['run', 'stop', 'send', 'reject', 'returnError', 'alwaysAllow', 'dismiss'] as const;
type ButtonKey = (typeof BUTTON_ORDER)[number];

const POLICY_TEXT: Record<SamplingCard['policy'], string> = {
  ask: 'you review the prompt and the completion',
  approvePrompt: 'the prompt runs at once; you review the completion',
  auto: 'runs and is sent without review',
};

function phaseText(card: SamplingCard): string {
  switch (card.phase) {
    case 'review':
      return card.models.length ? 'Waiting for you: review the prompt, then Run' : 'Waiting for a language model';
    case 'running':
      return 'Running';
    case 'completed':
      return card.policy === 'auto' ? 'Sending' : 'Completion ready: review it, then Send';
    case 'error':
      return 'The model request failed';
  }
}

/** Renders a sampling request card, then patches it in place on every update. */
export function createSamplingCard(card: SamplingRequestCard): CardView {
  return new SamplingCardView(card);
}

class SamplingCardView implements CardView {
  readonly element: HTMLElement;
  private card: SamplingRequestCard;
  private readonly drafts: DraftStore;
  private readonly status = h('div', { class: 'sampling-status', role: 'status' });
  private readonly banners = h('div', { class: 'banners' });
  private readonly editors: MessageEditors = new Map();
  private readonly system: EditableTextView;
  private readonly maxTokens: MaxTokensField;
  private readonly picker: ModelPicker;
  private readonly completion: CompletionSection;
  /** The action row; each button is built the first time it is shown (a review card shows three of seven). */
  private readonly actions = h('div', { class: 'button-row sampling-actions' });
  private readonly buttons: Partial<Record<ButtonKey, HTMLElement>> = {};

  constructor(card: SamplingRequestCard) {
    this.card = card;
    this.drafts = new DraftStore(card.id);
    const s = card.sampling;
    const openFull = (target: string) => this.act({ type: 'openFull', target });
    const onChange = () => this.refreshButtons();
    this.system = new EditableTextView(s.systemPrompt, 'System prompt', 'system', this.drafts, onChange, openFull);
    this.maxTokens = new MaxTokensField(s.maxTokens, this.drafts, onChange);
    this.picker = new ModelPicker(this.drafts);
    this.completion = new CompletionSection(this.drafts, openFull);
    const prompt = h(
      'section',
      { class: 'section prompt' },
      h('h3', {}, 'Prompt'),
      h('div', { class: 'system-prompt' }, h('div', { class: 'role' }, icon('gear'), ' System prompt', s.systemPrompt.present ? '' : h('span', { class: 'muted' }, ' · none sent; you may add one'), this.system.head), this.system.element),
      renderMessages(s.messages, { drafts: this.drafts, openFull, onChange }, this.editors),
    );
    const hint = h('p', { class: 'muted keys' }, 'Ctrl+Enter: Run or Send · Escape: Stop');
    const body = h('div', { class: 'card-body sampling' }, this.status, this.banners, prompt, renderParameters(s, this.maxTokens, openFull), renderTools(s, openFull), this.picker.element, this.completion.element, this.actions, hint);
    this.element = cardFrame(card, 'Sampling request', body);
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.update(card);
  }

  update(card: RequestCard): void {
    if (card.kind !== 'sampling') return;
    this.card = card;
    const s = card.sampling;
    const closed = card.closed !== undefined;
    const editable = !closed && s.phase !== 'running';
    this.element.classList.toggle('card-closed', closed);
    this.system.update(s.systemPrompt);
    this.system.setEnabled(editable);
    for (const { message, block, view } of this.editors.values()) {
      const b = s.messages[message]?.blocks[block];
      if (b?.kind === 'text') view.update(b.text);
      view.setEnabled(editable);
    }
    this.maxTokens.update(s.maxTokens);
    this.maxTokens.setEnabled(editable);
    this.picker.update(s);
    this.picker.setEnabled(editable);
    this.completion.update(s.completion);
    this.completion.setEnabled(!closed && s.phase === 'completed');
    this.renderStatus();
    this.refreshButtons();
  }

  stream(card: RequestCard): void {
    if (card.kind !== 'sampling') return;
    this.card = card;
    this.completion.update(card.sampling.completion);
  }

  dispose(): void {
    // The card leaves the view once the request was answered or dismissed; the panel prunes its draft.
    this.element.remove();
  }

  private createButton(key: ButtonKey): HTMLElement {
    switch (key) {
      case 'run':
        return button('Run', () => this.run());
      case 'stop':
        return button('Stop', () => this.act({ type: 'stop' }));
      case 'send':
        return button('Send', () => this.send());
      case 'reject':
        return button('Reject', () => this.act({ type: 'reject' }), { secondary: true });
      case 'returnError':
        return button('Return error', () => this.act({ type: 'returnError' }), { secondary: true, title: 'Answer the server with the error shown' });
      case 'alwaysAllow':
        return button('Always allow this server', () => this.act({ type: 'alwaysAllow' }), { secondary: true, title: 'Set samplingPolicy "auto" for this server in its settings entry' });
      case 'dismiss':
        return button('Dismiss', () => post({ type: 'dismiss', id: this.card.id }), { secondary: true });
    }
  }

  /** Shows or hides one action; a button never shown is never built. Returns it when shown. */
  private showButton(key: ButtonKey, shown: boolean): HTMLElement | undefined {
    let b = this.buttons[key];
    if (!b) {
      if (!shown) return undefined;
      b = this.buttons[key] = this.createButton(key);
      // Keep the row in BUTTON_ORDER whatever order the buttons are first shown in.
      const next = BUTTON_ORDER.slice(BUTTON_ORDER.indexOf(key) + 1).find((k) => this.buttons[k]);
      this.actions.insertBefore(b, next ? (this.buttons[next] ?? null) : null);
    }
    b.hidden = !shown;
    return shown ? b : undefined;
  }

  private run(): void {
    const s = this.card.sampling;
    const modelId = this.picker.value(s);
    const maxTokens = this.maxTokens.value();
    if (!modelId || maxTokens === undefined) return;
    const messages = [...this.editors.values()].filter((e) => e.view.isEdited()).map((e) => ({ message: e.message, block: e.block, text: e.view.value() }));
    this.act({ type: 'run', modelId, edits: { messages, systemPrompt: this.system.isEdited() ? this.system.value() : undefined, maxTokens } });
  }

  private send(): void {
    const completion = this.completion.editedText();
    this.act(completion === undefined ? { type: 'send' } : { type: 'send', completion });
  }

  private act(action: SamplingAction): void {
    if (this.card.closed) return;
    post({ type: 'action', id: this.card.id, kind: 'sampling', action });
  }

  private onKey(e: KeyboardEvent): void {
    const phase = this.card.sampling.phase;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (phase === 'completed') this.send();
      else if (phase !== 'running') this.run();
    } else if (e.key === 'Escape' && phase === 'running') {
      e.preventDefault();
      this.act({ type: 'stop' });
    }
  }

  private refreshButtons(): void {
    const s = this.card.sampling;
    const open = !this.card.closed;
    const canRun = open && s.phase !== 'running' && s.models.length > 0 && this.maxTokens.value() !== undefined;
    const run = this.showButton('run', open && s.phase !== 'running');
    if (run) {
      setDisabled(run, !canRun);
      setPrimary(run, s.phase !== 'completed');
    }
    this.showButton('stop', open && s.phase === 'running');
    this.showButton('send', open && s.phase === 'completed');
    this.showButton('reject', open);
    this.showButton('returnError', open && (s.phase === 'error' || (s.phase === 'review' && s.models.length === 0)));
    this.showButton('alwaysAllow', open && s.policy !== 'auto' && s.alwaysAllowed !== true);
    this.showButton('dismiss', !open);
  }

  private renderStatus(): void {
    const s = this.card.sampling;
    const at = this.card.deadline && !this.card.closed ? clockTime(this.card.deadline) : undefined;
    this.status.replaceChildren(
      h('strong', {}, this.card.closed ? 'Closed' : phaseText(s)),
      h('div', { class: 'muted' }, `Policy ${s.policy}: ${POLICY_TEXT[s.policy]}.`, at ? ` Answered for you at ${at} if left waiting.` : ''),
    );
    const banners: HTMLElement[] = [];
    if (this.card.closed) banners.push(h('div', { class: 'banner closed', role: 'status' }, icon('circle-slash'), ` ${this.card.closed.message}. Nothing more is sent to the server.`));
    if (s.error) banners.push(h('div', { class: 'banner error', role: 'alert' }, icon('error'), ` ${s.error}`));
    if (s.edits.length) banners.push(h('p', { class: 'muted' }, icon('edit'), ` Ran with your edits: ${s.edits.join(', ')}`));
    for (const notice of s.notices) banners.push(h('p', { class: 'notice muted' }, icon('info'), ` ${notice}`));
    this.banners.replaceChildren(...banners);
  }
}
