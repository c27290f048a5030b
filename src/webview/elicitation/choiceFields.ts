/**
 * Single and multiple choice fields. Options are labelled with their titles
 * (server text, as text); the values sent back are the schema's `const`/enum.
 */
import type { MultiSelectField, SelectField } from '../../shared/elicitation';
import { h } from '../dom';
import type { Control, FieldValue, ToolkitInput } from './fields';

/** Required choices with at most this many options are radio buttons; others a dropdown. */
const MAX_RADIOS = 4;

/** A radio group (few options, required) or a dropdown. */
export function createSelect(field: SelectField, initial: FieldValue, onChange: (value: FieldValue) => void, id: string): Control {
  const current = typeof initial === 'string' ? initial : undefined;
  return field.required && field.options.length <= MAX_RADIOS ? radioGroup(field, current, onChange, id) : dropdown(field, current, onChange, id);
}

function radioGroup(field: SelectField, current: string | undefined, onChange: (value: FieldValue) => void, id: string): Control {
  const radios = field.options.map((o) => h('vscode-radio', { value: o.value, checked: o.value === current }, o.label) as ToolkitInput);
  const group = h('vscode-radio-group', { orientation: 'vertical', class: 'control', 'aria-required': 'true' }, h('label', { slot: 'label', class: 'field-label', id: `${id}-label` }, field.label), ...radios) as ToolkitInput;
  // The group selects the radio matching its value when it connects (and unchecks the rest).
  if (current !== undefined) group.value = current;
  group.addEventListener('change', () => onChange(group.value || undefined));
  const setDisabled = (d: boolean) => {
    for (const r of radios) r.disabled = d;
    group.disabled = d;
  };
  return { element: group, focusTarget: radios.find((r) => r.checked) ?? radios[0] ?? group, setDisabled };
}

function dropdown(field: SelectField, current: string | undefined, onChange: (value: FieldValue) => void, id: string): Control {
  // Never preselect an option the server did not choose as default: an empty entry comes first.
  const empty = current === undefined || !field.required ? h('vscode-option', { value: '', selected: current === undefined }, field.required ? 'Choose…' : '(no answer)') : undefined;
  const options = field.options.map((o) => h('vscode-option', { value: o.value, selected: o.value === current }, o.label));
  const select = h('vscode-dropdown', { class: 'control', 'aria-label': field.label, 'aria-required': field.required ? 'true' : undefined }, empty, ...options) as ToolkitInput;
  // Set before the options connect: the select then picks the option with this value, not the first one.
  select.value = current ?? '';
  select.addEventListener('change', () => onChange(select.value === '' ? undefined : select.value));
  const label = h('label', { class: 'field-label', id: `${id}-label` }, field.label);
  return { element: select, label, focusTarget: select, setDisabled: (d) => (select.disabled = d) };
}

/** A group of checkboxes; at `maxItems` the unchecked ones are disabled. */
export function createMultiSelect(field: MultiSelectField, initial: FieldValue, onChange: (value: FieldValue) => void, id: string): Control {
  const chosen = new Set(Array.isArray(initial) ? initial : []);
  const boxes = field.options.map((o) => {
    const box = h('vscode-checkbox', { value: o.value }, o.label) as ToolkitInput;
    box.checked = chosen.has(o.value);
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
