/**
 * The field model for form-mode `elicitation/create`: what `buildFormModel`
 * produces from an untrusted `requestedSchema`, and what the webview renders.
 * Plain data only (no classes) so it can cross the extension<->webview boundary.
 */

/** String formats the MCP spec allows; `plain` means no `format` was given. */
export type TextFormat = 'plain' | 'email' | 'uri' | 'date' | 'date-time';

/** One choice of a `select` or `multiselect` field. */
export interface SelectOption {
  /** The value sent back to the server. */
  readonly value: string;
  /** What the user sees (the option's title, or the value itself). */
  readonly label: string;
}

interface FieldBase {
  /** The property name in `requestedSchema.properties`, and the key in `content`. */
  readonly name: string;
  /** `title ?? name`; server-supplied, render as text only. */
  readonly label: string;
  readonly description?: string;
  readonly required: boolean;
}

/** `{type:'string'}` without enum/oneOf. */
export interface TextField extends FieldBase {
  readonly kind: 'text';
  readonly format: TextFormat;
  /** In Unicode code points. */
  readonly minLength?: number;
  /** In Unicode code points. */
  readonly maxLength?: number;
  readonly default?: string;
}

/** `{type:'number'}` or `{type:'integer'}`. */
export interface NumberField extends FieldBase {
  readonly kind: 'number';
  readonly integer: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: number;
}

/** `{type:'boolean'}`. */
export interface BooleanField extends FieldBase {
  readonly kind: 'boolean';
  readonly default?: boolean;
}

/** Single choice: `enum`, titled `oneOf`, or legacy `enum` + `enumNames`. */
export interface SelectField extends FieldBase {
  readonly kind: 'select';
  readonly options: readonly SelectOption[];
  readonly default?: string;
}

/** Multiple choice: `{type:'array', items:{enum}}` or `items:{anyOf}`. */
export interface MultiSelectField extends FieldBase {
  readonly kind: 'multiselect';
  readonly options: readonly SelectOption[];
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly default?: readonly string[];
}

/** One form field; switch on `kind`. */
export type Field = TextField | NumberField | BooleanField | SelectField | MultiSelectField;

/** A validated form: fields in the order the server declared them. */
export interface FormModel {
  readonly fields: readonly Field[];
}

/** Result of `buildFormModel`. */
export type BuildFormResult = { ok: true; form: FormModel } | { ok: false; reason: string };

/** A value the server may receive in `content` (MCP: string | number | boolean | string[]). */
export type ContentValue = string | number | boolean | string[];

/** The `content` of an accepted form-mode elicitation result. */
export type FormContent = Record<string, ContentValue>;

/**
 * What the form currently holds, keyed by field name. Text and number inputs
 * hold strings as typed; `undefined` means "nothing entered".
 */
export type FormValues = Record<string, string | number | boolean | string[] | undefined>;

/** Result of validating one field; `value` is absent when the field is left empty. */
export type FieldResult = { ok: true; value?: ContentValue } | { ok: false; error: string };

/** Result of validating a whole form; `errors` maps field name to a short message. */
export type FormResult = { ok: true; content: FormContent } | { ok: false; errors: Record<string, string> };
