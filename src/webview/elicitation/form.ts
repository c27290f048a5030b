/**
 * The form renderer shared by elicitation cards and the "Call Tool…"
 * arguments panel: builds the fields of a `FormModel`, keeps their values,
 * and validates as the person types with the same code the host runs again
 * before anything is sent.
 */
import type { FormModel, FormResult } from '../../shared/elicitation';
// From the module, not the barrel: the barrel also carries the Public Suffix List (urlSafety).
import { validateForm } from '../../shared/elicitation/validate';
import type { RawFieldValue } from '../../shared/elicitationProtocol';
import { h } from '../dom';
import { createFieldWidget, type FieldValue, type FieldWidget } from './fields';

/** Unsent edits, kept across the view being hidden (see `setDraft`). */
export interface FormDraft {
  values: Record<string, FieldValue>;
  touched: string[];
}

/** How a form starts and reports edits. */
export interface FormViewOptions {
  /** Prefix for element ids (unique per page). */
  idPrefix: string;
  /** Starting values: a draft, or the defaults from `initialValues`. */
  initial: Readonly<Record<string, FieldValue>>;
  touched?: readonly string[];
  /** Called after every edit. */
  onEdit?(draft: FormDraft): void;
}

/** A rendered form. */
export interface FormView {
  readonly element: HTMLElement;
  /** The raw values to send; empty fields are left out. */
  values(): Record<string, RawFieldValue>;
  /** Validates; inline errors show for edited fields, or for all with `showAll`. */
  check(showAll?: boolean): FormResult;
  /** Errors the extension found; each shows until its field is edited. */
  setHostErrors(errors: Readonly<Record<string, string>> | undefined): void;
  setDisabled(disabled: boolean): void;
  focusFirstInvalid(): void;
}

/** Builds the form; `onValidity` runs after each edit with the new result. */
export function createFormView(model: FormModel, options: FormViewOptions, onValidity?: (result: FormResult) => void): FormView {
  const values = new Map<string, FieldValue>();
  const touched = new Set(options.touched ?? []);
  const hostErrors = new Map<string, string>();
  let showAll = false;
  const widgets = new Map<string, FieldWidget>();
  model.fields.forEach((field, i) => {
    const initial = Object.hasOwn(options.initial, field.name) ? options.initial[field.name] : undefined;
    values.set(field.name, initial);
    const widget = createFieldWidget(field, initial, (value) => edit(field.name, value), `${options.idPrefix}-f${i}`);
    widgets.set(field.name, widget);
  });

  const raw = (): Record<string, RawFieldValue> => {
    const out = Object.create(null) as Record<string, RawFieldValue>;
    for (const [name, value] of values) if (value !== undefined) out[name] = value;
    return out;
  };
  const check = (all = false): FormResult => {
    showAll ||= all;
    const result = validateForm(model, raw());
    const errors = result.ok ? {} : result.errors;
    for (const [name, widget] of widgets) {
      const local = Object.hasOwn(errors, name) && (showAll || touched.has(name)) ? errors[name] : undefined;
      widget.setError(hostErrors.get(name) ?? local);
    }
    return result;
  };
  function edit(name: string, value: FieldValue): void {
    // Components also report programmatic changes (e.g. on connect); only real edits count.
    if (JSON.stringify(values.get(name)) === JSON.stringify(value)) return;
    values.set(name, value);
    touched.add(name);
    hostErrors.delete(name);
    const result = check();
    options.onEdit?.({ values: Object.fromEntries(values), touched: [...touched] });
    onValidity?.(result);
  }

  const element = h('div', { class: 'form' }, ...[...widgets.values()].map((w) => w.element));
  return {
    element,
    values: raw,
    check,
    setHostErrors(errors) {
      hostErrors.clear();
      for (const [name, message] of Object.entries(errors ?? {})) if (widgets.has(name)) hostErrors.set(name, message);
      check();
    },
    setDisabled: (disabled) => widgets.forEach((w) => w.setDisabled(disabled)),
    focusFirstInvalid() {
      const result = check(true);
      const first = model.fields.find((f) => hostErrors.has(f.name) || (!result.ok && Object.hasOwn(result.errors, f.name)));
      if (first) widgets.get(first.name)?.focus();
    },
  };
}

/** A one-line reason why the form cannot be sent yet, naming the fields ("… to accept."). */
export function whyInvalid(model: FormModel, result: FormResult, goal = 'accept'): string | undefined {
  if (result.ok) return undefined;
  const names = model.fields.filter((f) => Object.hasOwn(result.errors, f.name)).map((f) => (f.label.length > 40 ? `${f.label.slice(0, 40)}…` : f.label));
  const missing = model.fields.filter((f) => result.errors[f.name] === 'Required').length;
  const list = names.length <= 3 ? names.map((n) => `“${n}”`).join(', ') : `${names.length} fields`;
  return missing === names.length ? `Fill in ${list} to ${goal}.` : `Check ${list} to ${goal}.`;
}
