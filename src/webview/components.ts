/**
 * The one module that knows the web components: it registers the ones we use
 * from `@vscode-elements/elements` (maintained; the archived webview UI
 * toolkit is gone) and builds them. Everything else calls these factories,
 * so tag names, attributes and accessible names live here only.
 *
 * Accessible names: text fields, text areas and selects take theirs from
 * their `label` (set on the inner control); checkboxes and buttons from their
 * text. Radio buttons are native inputs: the library's radio exposes no radio
 * role, and the tests and screen readers need one.
 *
 * Parts of every sampling card are native elements styled with theme colours
 * (the model picker, the "edited" badge): the library's select lays out its
 * closed drop-down (a forced layout and a scrollable) on every render, and a
 * card is built while a person waits for it (about 3 ms of the webview's
 * thread per card for the select alone, measured in Chromium).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { fill, h, icon } from './dom';

/**
 * Spare component elements, built while the page is idle and taken by the
 * next card. Creating a component element is the dear part of building a card
 * (measured in the Requests webview: 0.15-0.35 ms per `vscode-button` or
 * `vscode-textfield` when it is the first of its task, against 0.02 ms for a
 * `div`; a review sampling card has five buttons and a text field), and a card
 * is built while the person waits for it. A spare is exactly what
 * `document.createElement` returns: never connected, no attribute set (a
 * custom element's constructor sees none either), so a card built from spares
 * is the same card. Only a view that asks for them keeps spares
 * ({@link keepSpareComponents}); the pool is refilled after each use.
 */
const SPARES = { 'vscode-button': 6, 'vscode-textfield': 1, select: 1 } as const;
type SpareTag = keyof typeof SPARES;
const spares = new Map<SpareTag, HTMLElement[]>();
let keepSpares = false;
let refillPending = false;

/** Keeps spare components from now on (the Requests view, where cards are built while someone waits). */
export function keepSpareComponents(): void {
  keepSpares = true;
  scheduleRefill();
}

/** A new element of `tag`: a spare when one is ready. */
function create(tag: SpareTag): HTMLElement {
  const el = spares.get(tag)?.pop() ?? document.createElement(tag);
  if (keepSpares) scheduleRefill();
  return el;
}

function scheduleRefill(): void {
  if (refillPending) return;
  refillPending = true;
  const refill = (deadline?: IdleDeadline) => {
    refillPending = false;
    for (const tag of Object.keys(SPARES) as SpareTag[]) {
      let pool = spares.get(tag);
      if (!pool) spares.set(tag, (pool = []));
      while (pool.length < SPARES[tag]) {
        // Only in idle time: what is left waits for the next idle period.
        if (deadline && deadline.timeRemaining() < 1) return scheduleRefill();
        pool.push(document.createElement(tag));
      }
    }
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(refill, { timeout: 2000 });
  else setTimeout(refill, 50);
}

/** A component with a string value (text field, text area, select). */
export type ValueControl = HTMLElement & { value: string; disabled: boolean };
/** A checkbox. */
export type CheckControl = HTMLElement & { checked: boolean; disabled: boolean; value: string };

export interface ButtonOptions {
  /** Less prominent (every button but the main action of a card). */
  secondary?: boolean;
  /** A codicon shown before the label. */
  icon?: string;
  title?: string;
  className?: string;
  /** Only the icon shows; `label` is the accessible name. */
  iconOnly?: boolean;
  /** An accessible name other than the label (a longer, clearer one). */
  ariaLabel?: string;
}

/** A button named by its label; clicks are ignored while it is disabled. */
export function button(label: string, onClick: () => void, options: ButtonOptions = {}): HTMLElement {
  const b = fill(
    create('vscode-button'),
    {
      secondary: options.secondary === true,
      'icon-only': options.iconOnly === true,
      title: options.title ?? (options.iconOnly ? label : undefined),
      class: options.className,
      'aria-label': options.ariaLabel ?? (options.iconOnly ? label : undefined),
    },
    options.icon ? slotted(icon(options.icon)) : undefined,
    options.iconOnly ? undefined : label,
  );
  b.addEventListener('click', () => {
    if (!isDisabled(b)) onClick();
  });
  return b;
}

// Our codicon font is loaded by the page: the glyph is light DOM in the button's leading slot.
function slotted(glyph: HTMLElement): HTMLElement {
  glyph.setAttribute('slot', 'content-before');
  return glyph;
}

/** Switches a button between the main action and a secondary one. */
export function setPrimary(b: HTMLElement, primary: boolean): void {
  b.toggleAttribute('secondary', !primary);
}

export function setDisabled(el: HTMLElement, disabled: boolean): void {
  (el as HTMLElement & { disabled: boolean }).disabled = disabled;
  el.toggleAttribute('disabled', disabled);
  el.setAttribute('aria-disabled', String(disabled));
}

export function isDisabled(el: HTMLElement): boolean {
  return el.hasAttribute('disabled');
}

export interface TextFieldOptions {
  type?: 'text' | 'email' | 'url' | 'number';
  placeholder?: string;
  value?: string;
  className?: string;
  inputmode?: string;
  size?: number;
  /** The schema requires a value: screen readers announce the field as required. */
  required?: boolean;
}

// Text fields, text areas and selects take their accessible name from a `label` property
// (not an attribute), which they put on their inner control.
function named<T extends HTMLElement>(el: T, label: string): T {
  (el as T & { label: string }).label = label;
  return el;
}

/** A one-line text field named `label` (the visible label is the caller's). */
export function textField(label: string, options: TextFieldOptions = {}): ValueControl {
  // `required` reaches the inner input (announced as required). The component would also style
  // every empty required field as an error before it was touched; media/elicitation.css turns
  // that off, and the form shows errors when they matter (the `invalid` attribute).
  const field = fill(create('vscode-textfield'), {
    type: options.type ?? 'text',
    placeholder: options.placeholder,
    class: options.className,
    inputmode: options.inputmode,
    size: options.size === undefined ? undefined : String(options.size),
    required: options.required === true,
    'aria-required': options.required === true ? 'true' : undefined,
  }) as ValueControl;
  field.value = options.value ?? '';
  return named(field, label);
}

/** A multi-line text area named `label`, resizable vertically. */
export function textArea(label: string, value: string, rows: number, className = 'editor'): ValueControl {
  const area = h('vscode-textarea', { rows: String(rows), resize: 'vertical', class: className }) as ValueControl;
  area.value = value;
  return named(area, label);
}

/** A checkbox named by its label. */
export function checkbox(label: string, checked: boolean, options: { value?: string; required?: boolean; className?: string } = {}): CheckControl {
  const box = h('vscode-checkbox', { label, value: options.value, required: options.required === true, class: options.className }) as CheckControl;
  box.checked = checked;
  return box;
}

export interface SelectOption {
  value: string;
  label: string;
  title?: string;
}

/** A drop-down list named `label` (a combobox), with `value` selected. */
export function select(label: string, options: readonly SelectOption[], value: string | undefined, attrs: { className?: string; required?: boolean } = {}): ValueControl {
  const el = h('vscode-single-select', { class: attrs.className, required: attrs.required === true }) as ValueControl;
  setOptions(el, options, value);
  return named(el, label);
}

/**
 * A native drop-down list (a combobox) named `label`, themed like VS Code's
 * own; for a select on every card, where the library's costs too much (see above).
 */
export function nativeSelect(label: string, className: string): ValueControl {
  return fill(create('select') as HTMLSelectElement, { class: `native-select ${className}`, 'aria-label': label });
}

/** Replaces a select's options (library or native), keeping `value` selected when it is one of them. */
export function setOptions(el: ValueControl, options: readonly SelectOption[], value: string | undefined): void {
  const tag = el instanceof HTMLSelectElement ? 'option' : 'vscode-option';
  el.replaceChildren(...options.map((o) => h(tag, { value: o.value, title: o.title, selected: o.value === value }, o.label)));
  // The `selected` option usually made it the value already: selecting again costs a native select a second pass.
  if (value !== undefined && el.value !== value) el.value = value;
}

/** A required single choice as native radio buttons in a labelled radio group. */
export function radioGroup(labelId: string, name: string, options: readonly SelectOption[], value: string | undefined, onChange: (value: string) => void): { element: HTMLElement; radios: HTMLInputElement[] } {
  const radios = options.map((o) => {
    const input = h('input', { type: 'radio', name, value: o.value, class: 'native-radio' });
    input.checked = o.value === value;
    input.addEventListener('change', () => {
      if (input.checked) onChange(o.value);
    });
    return input;
  });
  const element = h(
    'div',
    { role: 'radiogroup', 'aria-labelledby': labelId, 'aria-required': 'true', class: 'control radio-group' },
    ...radios.map((input, i) => h('label', { class: 'radio' }, input, ' ', options[i].label)),
  );
  return { element, radios };
}

/** A small badge (e.g. "edited"), in the theme's badge colours. */
export function badge(text: string, title: string, className: string): HTMLElement {
  return h('span', { class: `badge ${className}`, title }, text);
}

/** A spinner with an accessible name. */
export function progressRing(label: string, className = 'ring'): HTMLElement {
  return h('vscode-progress-ring', { class: className, 'aria-label': label });
}

/** The selectors for our interactive components (keyboard handlers that leave them alone). */
export const INTERACTIVE_SELECTOR = 'vscode-button, vscode-single-select, vscode-textarea, textarea';
