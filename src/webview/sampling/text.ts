import type { EditableText, TextView } from '../../shared/samplingProtocol';
import { badge, button, setDisabled, textArea, type ValueControl } from '../components';
import { h, icon } from '../dom';
import type { DraftStore } from './drafts';

/** Texts longer than this (or with more lines) start collapsed behind "Show all". */
const COLLAPSE_CHARS = 600;
const COLLAPSE_LINES = 10;

/** Posts "open this text in an editor" for a card target. */
export type OpenFull = (target: string) => void;


function isLong(text: string): boolean {
  if (text.length > COLLAPSE_CHARS) return true;
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0 && lines <= COLLAPSE_LINES; i = text.indexOf('\n', i + 1)) lines++;
  return lines > COLLAPSE_LINES;
}

function truncationNote(view: TextView, target: string | undefined, openFull: OpenFull | undefined): HTMLElement | undefined {
  if (!view.truncated) return undefined;
  const note = h('p', { class: 'muted truncation' }, icon('info'), ` Showing the first ${view.text.length.toLocaleString('en-US')} of ${view.length.toLocaleString('en-US')} characters. `);
  if (target && openFull) {
    note.append(button('Open full text', () => openFull(target), { secondary: true, ariaLabel: 'Open the full text in an editor' }));
  }
  return note;
}

/**
 * A read-only text: a `<pre>` (text nodes only), collapsed when long with a
 * "Show all" toggle, and a note plus "Open full text" when the host sent only
 * the beginning of it.
 */
export function collapsibleText(view: TextView, label: string, target?: string, openFull?: OpenFull): HTMLElement {
  const pre = h('pre', { class: 'text', 'aria-label': label, tabindex: '0' }, view.text);
  const wrap = h('div', { class: 'collapsible' }, pre);
  if (isLong(view.text)) {
    pre.classList.add('collapsed');
    const toggle = button('Show all', () => {
      const collapsed = pre.classList.toggle('collapsed');
      toggle.textContent = collapsed ? 'Show all' : 'Show less';
      toggle.setAttribute('aria-expanded', String(!collapsed));
    }, { secondary: true, className: 'show-all' });
    toggle.setAttribute('aria-expanded', 'false');
    wrap.append(toggle);
  }
  const note = truncationNote(view, target, openFull);
  if (note) wrap.append(note);
  return wrap;
}

/** The "edited" marker next to anything the person changed. */
export function editedTag(): HTMLElement {
  return badge('edited', 'You changed this', 'edited-tag');
}

/**
 * A text the person may edit: shown read-only until "Edit" is pressed, then a
 * text area. Keeps its draft in the webview state, shows an "edited" tag while
 * the value differs from the server's original, and cannot be edited when the
 * card only holds the beginning of the text.
 */
export class EditableTextView {
  readonly element: HTMLElement;
  /** The "edited" tag and the Edit button; the caller puts them in its heading row. */
  readonly head: HTMLElement;
  private readonly tag = editedTag();
  private readonly editButton: HTMLElement;
  private readonly body: HTMLElement;
  private area: ValueControl | undefined;
  private enabled = true;

  constructor(
    private data: EditableText,
    private readonly label: string,
    private readonly target: string,
    private readonly drafts: DraftStore,
    private readonly onChange: () => void,
    openFull: OpenFull,
  ) {
    this.editButton = button('Edit', () => this.startEditing(true), { icon: 'edit', secondary: true, className: 'edit-button', ariaLabel: `Edit ${label.toLowerCase()}` });
    this.body = h('div', { class: 'editable-body' });
    const canEdit = !data.original.truncated;
    this.head = h('span', { class: 'editable-head' }, this.tag, canEdit ? this.editButton : undefined);
    this.element = h('div', { class: 'editable', 'data-target': target }, this.body);
    this.renderRead();
    if (canEdit && drafts.text(target) !== undefined) this.startEditing(false);
    if (!canEdit) this.body.append(h('p', { class: 'muted' }, 'Too long to edit in the panel.'));
    const note = truncationNote(data.original, target, openFull);
    if (note) this.element.append(note);
    this.refreshTag();
  }

  /** The text that would run now. */
  value(): string {
    return this.area?.value ?? this.drafts.text(this.target) ?? this.data.current?.text ?? this.data.original.text;
  }

  /** True while the value differs from the server's original. */
  isEdited(): boolean {
    return !this.data.original.truncated && this.value() !== this.data.original.text;
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (this.area) this.area.disabled = !enabled;
    setDisabled(this.editButton, !enabled);
  }

  /** New card data: adopt the host's applied edit unless the person is editing. */
  update(data: EditableText): void {
    const changed = data.current?.text !== this.data.current?.text;
    this.data = data;
    if (changed && !this.area) this.renderRead();
    this.refreshTag();
  }

  private renderRead(): void {
    if (this.area) return;
    const shown = this.data.current ?? this.data.original;
    this.body.replaceChildren(shown.text === '' ? h('p', { class: 'muted empty-text' }, '(empty)') : collapsibleText({ ...shown, truncated: false }, this.label));
  }

  private startEditing(focus: boolean): void {
    if (this.area || !this.enabled) return;
    const value = this.value();
    const area = textArea(this.label, value, Math.min(14, Math.max(3, value.split('\n').length + 1)));
    area.addEventListener('input', () => {
      this.drafts.setText(this.target, area.value === this.data.original.text ? undefined : area.value);
      this.refreshTag();
      this.onChange();
    });
    this.area = area;
    this.body.replaceChildren(area);
    this.editButton.remove();
    if (focus) requestAnimationFrame(() => area.focus());
  }

  private refreshTag(): void {
    this.tag.hidden = !this.isEdited();
  }
}
