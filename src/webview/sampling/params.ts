import type { MaxTokensView, ModelOption, SamplingCard } from '../../shared/samplingProtocol';
import { nativeSelect, setOptions, textField, type ValueControl } from '../components';
import { h, icon } from '../dom';
import type { DraftStore } from './drafts';
import { collapsibleText, editedTag, type OpenFull } from './text';

function row(label: string, ...value: Array<Node | string | undefined>): HTMLElement[] {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}

function priority(name: string, value: number | undefined): string {
  return `${name} ${value === undefined ? '—' : value.toFixed(2).replace(/\.?0+$/, '')}`;
}

/** The request's parameters, read-only except `maxTokens` (see {@link MaxTokensField}). */
export function renderParameters(card: SamplingCard, maxTokens: MaxTokensField, openFull: OpenFull): HTMLElement {
  const prefs = card.modelPreferences;
  const dl = h(
    'dl',
    { class: 'params' },
    ...row('Max tokens', maxTokens.element),
    ...row('Temperature', card.temperature === undefined ? h('span', { class: 'muted' }, 'not set') : String(card.temperature), card.temperature === undefined ? undefined : h('span', { class: 'muted' }, ' (passed to the model as a model option; it may ignore it)')),
    ...row('Stop sequences', card.stopSequences?.length ? h('span', { class: 'stops' }, ...card.stopSequences.map((s) => h('code', { class: 'stop' }, JSON.stringify(s)))) : h('span', { class: 'muted' }, 'none')),
    ...row('Include context', card.includeContext ?? h('span', { class: 'muted' }, 'not set')),
    ...row(
      'Model preferences',
      prefs
        ? h(
            'span',
            {},
            prefs.hints.length ? h('span', {}, 'hints ', ...prefs.hints.flatMap((hint, i) => [h('code', { class: 'hint' }, `${i + 1}. ${hint}`), ' ']), '· ') : 'no hints · ',
            [priority('cost', prefs.costPriority), priority('speed', prefs.speedPriority), priority('intelligence', prefs.intelligencePriority)].join(' · '),
          )
        : h('span', { class: 'muted' }, 'none'),
    ),
  );
  if (card.metadata) dl.append(...row('Metadata', h('details', {}, h('summary', {}, 'Show metadata'), collapsibleText(card.metadata, 'Metadata', 'metadata', openFull))));
  return h('section', { class: 'section' }, h('h3', {}, 'Parameters'), dl);
}

/** The tools the server offers the model, each schema behind a disclosure. */
export function renderTools(card: SamplingCard, openFull: OpenFull): HTMLElement | undefined {
  if (!card.tools?.length) return undefined;
  const choice = card.toolChoice ?? 'auto';
  const note = choice === 'none' ? 'toolChoice none: the tools are shown but not offered to the model' : choice === 'required' ? 'toolChoice required: the model must call a tool' : 'toolChoice auto: the model may call a tool';
  return h(
    'section',
    { class: 'section' },
    h('h3', {}, `Offered tools (${card.tools.length})`),
    h('p', { class: 'muted' }, note),
    h(
      'ul',
      { class: 'tools' },
      ...card.tools.map((tool) =>
        h(
          'li',
          {},
          h('code', { class: 'tool-name' }, tool.name),
          tool.description ? collapsibleText(tool.description, `Description of ${tool.name}`, undefined, openFull) : h('p', { class: 'muted' }, 'No description.'),
          h('details', {}, h('summary', {}, `Schema of ${tool.name}`), collapsibleText(tool.schema, `Input schema of ${tool.name}`, undefined, openFull)),
        ),
      ),
    ),
  );
}

/** The editable `maxTokens` field with its "edited" tag and the budget facts. */
export class MaxTokensField {
  readonly element: HTMLElement;
  private readonly input: ValueControl;
  private readonly tag = editedTag();
  private readonly facts = h('span', { class: 'muted' });
  private data: MaxTokensView;

  constructor(data: MaxTokensView, drafts: DraftStore, onChange: () => void) {
    this.data = data;
    this.input = textField('Max tokens', { className: 'max-tokens', inputmode: 'numeric', size: 8, value: drafts.draft.maxTokens ?? String(data.value) });
    this.input.addEventListener('input', () => {
      drafts.update({ maxTokens: this.input.value });
      this.refresh();
      onChange();
    });
    this.element = h('span', { class: 'max-tokens-row' }, this.input, ' ', this.tag, ' ', this.facts);
    this.refresh();
  }

  /** The server's value after the budget (what an unedited run uses). */
  private get base(): number {
    return Math.min(this.data.requested, this.data.ceiling);
  }

  /** The number to run with, or undefined while the field holds no positive integer. */
  value(): number | undefined {
    const n = Number(this.input.value.trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }

  setEnabled(enabled: boolean): void {
    this.input.disabled = !enabled;
  }

  update(data: MaxTokensView): void {
    this.data = data;
    this.refresh();
  }

  private refresh(): void {
    const v = this.value();
    this.tag.hidden = v === undefined || v === this.base;
    const clamp = this.data.clamped ? ` (lowered from ${this.data.requested})` : '';
    const invalid = v === undefined ? ' · enter a whole number above 0' : '';
    this.facts.textContent = `requested ${this.data.requested}${clamp} · this server's ceiling ${this.data.ceiling}${invalid}`;
    this.input.toggleAttribute('aria-invalid', v === undefined);
  }
}

/** The model picker, the reason for its preselection, and what is hidden. */
export class ModelPicker {
  readonly element: HTMLElement;
  private readonly dropdown: ValueControl;
  private readonly reason = h('p', { class: 'model-reason' });
  private optionsKey = '';
  private chosen: string | undefined;

  constructor(drafts: DraftStore) {
    this.chosen = drafts.draft.modelId;
    this.dropdown = nativeSelect('Model', 'model-picker');
    this.dropdown.addEventListener('change', () => {
      this.chosen = this.dropdown.value;
      drafts.update({ modelId: this.chosen });
    });
    this.element = h('section', { class: 'section model' }, h('h3', {}, h('label', {}, 'Model')), this.dropdown, this.reason);
  }

  /** The model to run with: the person's choice if still offered, else the preselection. */
  value(card: SamplingCard): string | undefined {
    if (this.chosen && card.models.some((m) => m.id === this.chosen)) return this.chosen;
    return card.modelId;
  }

  setEnabled(enabled: boolean): void {
    this.dropdown.disabled = !enabled;
  }

  update(card: SamplingCard): void {
    const key = JSON.stringify(card.models);
    if (key !== this.optionsKey) {
      this.optionsKey = key;
      setOptions(this.dropdown, card.models.map((m: ModelOption) => ({ value: m.id, label: m.label, title: m.detail })), this.value(card));
    }
    const selected = this.value(card);
    if (selected !== undefined && this.dropdown.value !== selected) this.dropdown.value = selected;
    this.dropdown.hidden = card.models.length === 0;
    const hidden = card.hiddenModels > 0 ? ` ${card.hiddenModels} other model${card.hiddenModels === 1 ? ' is' : 's are'} not allowed for this server (allowedModels).` : '';
    if (card.models.length === 0) {
      this.reason.replaceChildren(h('strong', { class: 'error-text' }, icon('warning'), ' No model can run this request: '), card.modelReason, hidden);
    } else {
      this.reason.replaceChildren(h('span', { class: 'muted' }, 'Preselected: '), card.modelReason, '.', h('span', { class: 'muted' }, hidden));
    }
  }
}
