/**
 * One form field as components: label (server text, as text), the control,
 * help text and an inline error. The field's label is also the control's
 * accessible name; "required" is marked by CSS and the `required`
 * attribute, not by characters in the name.
 */
import type { BooleanField, Field, NumberField, TextField } from '../../shared/elicitation';
import type { RawFieldValue } from '../../shared/elicitationProtocol';
import { checkbox as checkboxControl, textField } from '../components';
import { h } from '../dom';
import { createMultiSelect, createSelect } from './choiceFields';
import { localToRfc3339, rfc3339ToLocal } from './dateTime';

/** A value as the form holds it; `undefined` = nothing entered. */
export type FieldValue = RawFieldValue | undefined;

/** A rendered field. */
export interface FieldWidget {
  readonly element: HTMLElement;
  setError(message: string | undefined): void;
  setDisabled(disabled: boolean): void;
  focus(): void;
}

/** The interactive part of a field, built per kind. */
export interface Control {
  /** The element(s) placed between the label and the help text. */
  readonly element: HTMLElement;
  /** A separate label, for controls that do not render their own. */
  readonly label?: HTMLElement;
  readonly focusTarget: HTMLElement;
  setDisabled(disabled: boolean): void;
}

/** Builds the widget for one field; `onChange` receives every edit. */
export function createFieldWidget(field: Field, initial: FieldValue, onChange: (value: FieldValue) => void, id: string): FieldWidget {
  const control = createControl(field, initial, onChange, id);
  const error = h('div', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  const help = helpText(field);
  const element = h(
    'div',
    { class: `field field-${field.kind}${field.required ? ' required' : ''}`, 'data-field': field.name },
    control.label,
    control.element,
    help ? h('div', { class: 'field-help' }, help) : undefined,
    error,
  );
  return {
    element,
    setError(message) {
      error.textContent = message ?? '';
      element.classList.toggle('invalid', message !== undefined);
      if (message === undefined) control.focusTarget.removeAttribute('aria-invalid');
      else control.focusTarget.setAttribute('aria-invalid', 'true');
      // The components' own error style.
      control.focusTarget.toggleAttribute('invalid', message !== undefined);
    },
    setDisabled: (disabled) => control.setDisabled(disabled),
    focus: () => control.focusTarget.focus(),
  };
}

function createControl(field: Field, initial: FieldValue, onChange: (value: FieldValue) => void, id: string): Control {
  switch (field.kind) {
    case 'text':
      return field.format === 'date' || field.format === 'date-time' ? nativeDate(field, initial, onChange, id) : textInput(field, initial, onChange, id);
    case 'number':
      return textInput(field, initial, onChange, id);
    case 'boolean':
      return checkbox(field, initial, onChange);
    case 'select':
      return createSelect(field, initial, onChange, id);
    case 'multiselect':
      return createMultiSelect(field, initial, onChange, id);
  }
}

const TEXT_TYPES = { plain: 'text', email: 'email', uri: 'url', date: 'text', 'date-time': 'text' } as const;
const PLACEHOLDERS: Partial<Record<TextField['format'], string>> = { email: 'name@example.com', uri: 'https://…' };

function textInput(field: TextField | NumberField, initial: FieldValue, onChange: (value: FieldValue) => void, id: string): Control {
  const type = field.kind === 'text' ? TEXT_TYPES[field.format] : 'text';
  const placeholder = field.kind === 'text' ? PLACEHOLDERS[field.format] : field.integer ? 'Whole number' : 'Number';
  const value = typeof initial === 'string' || typeof initial === 'number' ? String(initial) : '';
  const input = textField(field.label, { type, placeholder, value, className: 'control', required: field.required });
  input.addEventListener('input', () => onChange(input.value));
  input.addEventListener('change', () => onChange(input.value));
  const label = h('label', { class: 'field-label', id: `${id}-label` }, field.label);
  return { element: input, label, focusTarget: input, setDisabled: (d) => (input.disabled = d) };
}

function nativeDate(field: TextField, initial: FieldValue, onChange: (value: FieldValue) => void, id: string): Control {
  const dateTime = field.format === 'date-time';
  const raw = typeof initial === 'string' ? initial : '';
  const input = h('input', {
    type: dateTime ? 'datetime-local' : 'date',
    step: dateTime ? '1' : undefined,
    id: `${id}-input`,
    class: 'native-input control',
    required: field.required,
    'aria-label': field.label,
    'aria-describedby': `${id}-error`,
  });
  input.value = dateTime ? rfc3339ToLocal(raw) : raw;
  // The form holds what the server gets: a full RFC 3339 date-time, or YYYY-MM-DD.
  const read = () => (dateTime ? localToRfc3339(input.value) : input.value);
  input.addEventListener('input', () => onChange(read() || undefined));
  input.addEventListener('change', () => onChange(read() || undefined));
  const label = h('label', { class: 'field-label', for: `${id}-input` }, field.label);
  const zone = dateTime ? h('span', { class: 'muted zone' }, ` Your time zone: ${Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local'}`) : undefined;
  return { element: h('div', { class: 'native-row' }, input, zone), label, focusTarget: input, setDisabled: (d) => (input.disabled = d) };
}

function checkbox(field: BooleanField, initial: FieldValue, onChange: (value: FieldValue) => void): Control {
  const box = checkboxControl(field.label, initial === true, { required: field.required, className: 'control' });
  box.addEventListener('change', () => onChange(box.checked));
  return { element: box, focusTarget: box, setDisabled: (d) => (box.disabled = d) };
}

/** A short plain-text hint: the server's description plus the field's limits. */
function helpText(field: Field): string {
  const parts: string[] = [];
  if (field.description) parts.push(field.description);
  const limits = limitsOf(field);
  if (limits) parts.push(limits);
  return parts.join(' · ');
}

function range(min: number | undefined, max: number | undefined, unit: (n: number) => string): string | undefined {
  if (min !== undefined && max !== undefined) return min === max ? `Exactly ${unit(min)}` : `${min}–${unit(max)}`;
  if (min !== undefined) return `At least ${unit(min)}`;
  if (max !== undefined) return `At most ${unit(max)}`;
  return undefined;
}

const plural = (noun: string) => (n: number) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function limitsOf(field: Field): string | undefined {
  switch (field.kind) {
    case 'text':
      return range(field.minLength, field.maxLength, plural('character'));
    case 'number': {
      const bounds = range(field.minimum, field.maximum, String);
      return [field.integer ? 'Whole number' : undefined, bounds].filter(Boolean).join(', ') || undefined;
    }
    case 'multiselect':
      return range(field.minItems === 0 ? undefined : field.minItems, field.maxItems, plural('choice'));
    default:
      return undefined;
  }
}
