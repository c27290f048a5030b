/**
 * Single and multiple choice fields. Options are labelled with their titles
 * (server text, as text); the values sent back are the schema's `const`/enum.
 */
import type { MultiSelectField, SelectField } from '../../shared/elicitation';
import { checkbox, radioGroup as radios, select } from '../components';
import { h } from '../dom';
import type { Control, FieldValue } from './fields';

/** Required choices with at most this many options are radio buttons; others a dropdown. */
const MAX_RADIOS = 4;

/** A radio group (few options, required) or a dropdown. */
export function createSelect(field: SelectField, initial: FieldValue, onChange: (value: FieldValue) => void, id: string): Control {
  const current = typeof initial === 'string' ? initial : undefined;
  return field.required && field.options.length <= MAX_RADIOS ? radioGroup(field, current, onChange, id) : dropdown(field, current, onChange, id);
}

function radioGroup(field: SelectField, current: string | undefined, onChange: (value: FieldValue) => void, id: string): Control {
  const label = h('div', { class: 'field-label', id: `${id}-label` }, field.label);
  const group = radios(`${id}-label`, `${id}-radio`, field.options, current, (value) => onChange(value));
  const setDisabled = (d: boolean) => {
    for (const r of group.radios) r.disabled = d;
    // Dims the labels (media/elicitation.css); a class, not `:has()`, which makes every insertion and removal in the view dearer.
    group.element.classList.toggle('radio-group-disabled', d);
  };
  return { element: group.element, label, focusTarget: group.radios.find((r) => r.checked) ?? group.radios[0] ?? group.element, setDisabled };
}

function dropdown(field: SelectField, current: string | undefined, onChange: (value: FieldValue) => void, id: string): Control {
  // Never preselect an option the server did not choose as default: an empty entry comes first.
  const empty = current === undefined || !field.required ? [{ value: '', label: field.required ? 'Choose…' : '(no answer)' }] : [];
  const list = select(field.label, [...empty, ...field.options], current ?? '', { className: 'control', required: field.required });
  list.addEventListener('change', () => onChange(list.value === '' ? undefined : list.value));
  const label = h('label', { class: 'field-label', id: `${id}-label` }, field.label);
  return { element: list, label, focusTarget: list, setDisabled: (d) => (list.disabled = d) };
}

/** A group of checkboxes; at `maxItems` the unchecked ones are disabled. */
export function createMultiSelect(field: MultiSelectField, initial: FieldValue, onChange: (value: FieldValue) => void, id: string): Control {
  const chosen = new Set(Array.isArray(initial) ? initial : []);
  const boxes = field.options.map((o) => {
    const box = checkbox(o.label, chosen.has(o.value), { value: o.value });
    return { option: o, box };
  });
  let disabled = false;
  const selected = () => boxes.filter((b) => b.box.checked).map((b) => b.option.value);
  const applyLimit = () => {
    const full = field.maxItems !== undefined && selected().length >= field.maxItems;
    for (const { box } of boxes) box.disabled = disabled || (full && !box.checked);
  };
  for (const { box } of boxes) {
    box.addEventListener('change', () => {
      applyLimit();
      onChange(selected());
    });
  }
  applyLimit();
  const label = h('div', { class: 'field-label', id: `${id}-label` }, field.label);
  const group = h('div', { class: 'choice-group control', role: 'group', 'aria-labelledby': `${id}-label` }, ...boxes.map((b) => b.box));
  const setDisabled = (d: boolean) => {
    disabled = d;
    applyLimit();
  };
  return { element: group, label, focusTarget: boxes[0]?.box ?? group, setDisabled };
}
