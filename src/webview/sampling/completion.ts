import type { CompletionView } from '../../shared/samplingProtocol';
import { progressRing, textArea, type ValueControl } from '../components';
import { h, icon } from '../dom';
import type { DraftStore } from './drafts';
import { collapsibleText, editedTag, type OpenFull } from './text';


const STOP_REASONS: Record<string, string> = {
  endTurn: 'the model finished',
  stopSequence: 'a stop sequence was reached',
  maxTokens: 'maxTokens was reached (enforced by this host)',
  toolUse: 'the model called a tool',
  stoppedByUser: 'you pressed Stop',
};

/**
 * The model's answer: streamed into a read-only block while it runs, then an
 * editable text area for review (reset only when a new run starts, so the
 * person's edits survive updates).
 */
export class CompletionSection {
  readonly element = h('section', { class: 'section completion', 'aria-live': 'polite' });
  private runId = -1;
  private streaming = true;
  private area: ValueControl | undefined;
  private readonly tag = editedTag();
  private data: CompletionView | undefined;
  private enabled = true;
  private streamPre: HTMLElement | undefined;
  /** The streamed text so far, one text node that grows by what each delta appends. */
  private streamText: Text | undefined;
  private streamTools: HTMLElement | undefined;
  /** The tool calls last rendered while streaming (a delta replaces the list only when it changed). */
  private shownToolUses: CompletionView['toolUses'] | undefined;

  constructor(
    private readonly drafts: DraftStore,
    private readonly openFull: OpenFull,
  ) {
    this.element.hidden = true;
  }

  /** The edited completion text, when the person changed it. */
  editedText(): string | undefined {
    if (!this.area || !this.data || this.area.value === this.data.text.text) return undefined;
    return this.area.value;
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (this.area) this.area.disabled = !enabled;
  }

  update(data: CompletionView | undefined): void {
    this.data = data;
    this.element.hidden = !data;
    if (!data) return;
    if (data.runId !== this.runId || data.streaming !== this.streaming) {
      this.runId = data.runId;
      this.streaming = data.streaming;
      this.rebuild(data);
    } else if (data.streaming) {
      this.patchStream(data);
    }
  }

  // While streaming only the text and tool calls change: the new text is appended to the
  // text node (never a re-render of what is there), the tool calls replaced when they changed,
  // and the scroll kept at the end when it was there.
  private patchStream(data: CompletionView): void {
    const pre = this.streamPre;
    const node = this.streamText;
    if (!pre || !node || !this.streamTools) return this.rebuild(data);
    const text = data.text.text;
    if (text.length !== node.length) {
      const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      // Deltas only ever append (a stream that starts over is a new run, rebuilt above).
      if (text.length > node.length) node.appendData(text.slice(node.length));
      else node.data = text;
      if (atEnd) pre.scrollTop = pre.scrollHeight;
    }
    if (data.toolUses !== this.shownToolUses) {
      this.shownToolUses = data.toolUses;
      this.streamTools.replaceChildren(...this.toolUses(data));
    }
  }

  private toolUses(data: CompletionView): HTMLElement[] {
    return data.toolUses.map((u) => h('div', { class: 'block tool-use' }, h('div', { class: 'block-label' }, icon('tools'), ' The model calls ', h('code', {}, u.name), h('span', { class: 'muted' }, ` id ${u.id}`)), collapsibleText(u.input, `Input of ${u.name}`)));
  }

  private rebuild(data: CompletionView): void {
    this.area = undefined;
    this.streamPre = undefined;
    this.streamText = undefined;
    this.streamTools = undefined;
    this.shownToolUses = undefined;
    const header = h(
      'h3',
      {},
      data.streaming ? progressRing('Streaming') : icon('sparkle'),
      data.streaming ? ` Streaming from ${data.modelLabel}…` : data.stopReason === undefined ? ` Partial completion from ${data.modelLabel}` : ` Completion from ${data.modelLabel}`,
      ' ',
      this.tag,
    );
    const parts: Array<Node | undefined> = [header];
    if (data.streaming) {
      this.streamText = document.createTextNode(data.text.text);
      this.streamPre = h('pre', { class: 'text streaming', 'aria-label': 'Completion so far' }, this.streamText);
      this.shownToolUses = data.toolUses;
      this.streamTools = h('div', {}, ...this.toolUses(data));
      parts.push(this.streamPre, this.streamTools);
    } else if (data.stopReason === undefined) {
      // Ended without a stop reason: failed or closed midway. What arrived is shown, not offered for sending.
      const nothing = data.text.text === '' && data.toolUses.length === 0;
      parts.push(nothing ? h('p', { class: 'muted' }, 'No text arrived.') : collapsibleText(data.text, 'Partial completion', 'completion', this.openFull), ...this.toolUses(data));
      parts.push(h('p', { class: 'muted' }, icon('debug-disconnect'), ' Interrupted before the model finished.'));
    } else {
      if (data.text.truncated) parts.push(collapsibleText(data.text, 'Completion', 'completion', this.openFull));
      else if (data.text.text !== '' || data.toolUses.length === 0) parts.push(this.editor(data));
      parts.push(...this.toolUses(data));
    }
    if (!data.streaming && data.stopReason !== undefined) {
      const why = data.stopReason ? `${data.stopReason}: ${STOP_REASONS[data.stopReason] ?? 'reported by the host'}` : '';
      parts.push(h('p', { class: 'muted' }, `Stop reason ${why} · about ${data.outputTokens} tokens · model id `, h('code', {}, data.modelId)));
    }
    this.element.replaceChildren(...parts.filter((p): p is Node => p !== undefined));
    this.refreshTag();
  }

  private editor(data: CompletionView): HTMLElement {
    const draft = this.drafts.draft.completion;
    const area = textArea('Completion', draft && draft.runId === data.runId ? draft.text : data.text.text, Math.min(16, Math.max(4, data.text.text.split('\n').length + 1)));
    area.disabled = !this.enabled;
    area.addEventListener('input', () => {
      this.drafts.update({ completion: area.value === data.text.text ? undefined : { runId: data.runId, text: area.value } });
      this.refreshTag();
    });
    this.area = area;
    return area;
  }

  private refreshTag(): void {
    this.tag.hidden = this.editedText() === undefined;
  }
}
