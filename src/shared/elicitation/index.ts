/**
 * Pure elicitation logic shared by the extension host and the webview:
 * schema -> form model, prefill and validation, secret detection, and URL
 * checks for URL-mode elicitation. No `vscode`, no DOM. The URL checks use
 * the Public Suffix List (`tldts`, about 100 KB): the webview, which only
 * renders their result, imports values from the modules themselves so that
 * the list stays out of its bundle.
 */

/**
 * Turns an untrusted `requestedSchema` into a `FormModel`, or refuses it with a
 * reason naming the property. Never throws; invalid defaults are dropped.
 */
export { buildFormModel, FORM_LIMITS } from './formModel';

/** Upper bounds on select / multi-select option lists. */
export { OPTION_LIMITS } from './schemaOptions';

/**
 * `initialValues` prefills a form with its defaults (SEP-1034);
 * `validateField` / `validateForm` check and coerce what the user entered into
 * the `content` of an accepted elicitation result.
 */
export { initialValues, validateField, validateForm } from './validate';

/** Format checks used by validation: email, absolute URI, date, RFC 3339 date-time. */
export { checkFormat, codePointLength, isAbsoluteUri, isDate, isDateTime, isEmail } from './formats';

/** Lists text/number fields that seem to ask for passwords, tokens, API keys and other secrets. */
export { findSensitiveFields } from './sensitive';
/** A field flagged by `findSensitiveFields`, and the kinds of secret it recognises. */
export type { SensitiveField, SensitiveKind } from './sensitive';

/** Checks a URL-mode elicitation link: http(s) only, no credentials, with lookalike/insecure warnings. */
export { assessElicitationUrl, MAX_URL_LENGTH, registrableDomain } from './urlSafety';
/** The result of `assessElicitationUrl` and its parts. */
export type { AcceptedUrl, UrlAssessment, UrlDisplayParts, UrlWarning, UrlWarningCode } from './urlSafety';

/** The form model (a discriminated union on `kind`), form values and validation results: all of `./types`. */
export type * from './types';
