/**
 * Flags form fields that seem to ask for secrets. The MCP spec says servers
 * MUST NOT request passwords, API keys or tokens through form elicitation;
 * the UI uses this to warn the user before they type one.
 */

import type { Field, FormModel } from './types';

/** What kind of secret a field seems to ask for. */
export type SensitiveKind =
  | 'password'
  | 'passphrase'
  | 'token'
  | 'api-key'
  | 'secret'
  | 'private-key'
  | 'card-number'
  | 'card-security-code'
  | 'ssn'
  | 'pin';

/** A field that seems to ask for a secret. */
export interface SensitiveField {
  readonly name: string;
  readonly label: string;
  readonly kind: SensitiveKind;
  /** A short sentence for the UI, e.g. "Looks like it asks for a password". */
  readonly reason: string;
}

interface Rule {
  readonly kind: SensitiveKind;
  readonly noun: string;
  /** Word sequences (lower case) that trigger the rule; single words match whole words only. */
  readonly phrases: readonly (readonly string[])[];
}

const w = (...phrases: string[]): string[][] => phrases.map((p) => p.split(' '));

// Order matters: the first matching rule names the reason ("API key" before "secret").
const RULES: readonly Rule[] = [
  { kind: 'private-key', noun: 'a private key', phrases: w('private key', 'privatekey', 'ssh key', 'signing key') },
  { kind: 'api-key', noun: 'an API key', phrases: w('api key', 'apikey', 'access key', 'accesskey', 'api secret') },
  { kind: 'passphrase', noun: 'a passphrase', phrases: w('passphrase', 'pass phrase') },
  { kind: 'password', noun: 'a password', phrases: w('password', 'passwords', 'passwd', 'passcode', 'pass code') },
  { kind: 'card-security-code', noun: 'a card security code', phrases: w('cvv', 'cvv2', 'cvc', 'cvc2', 'card security code') },
  {
    kind: 'card-number',
    noun: 'a card number',
    phrases: w('credit card', 'debit card', 'creditcard', 'debitcard', 'card number', 'cardnumber', 'card no', 'ccnumber', 'cc number'),
  },
  { kind: 'ssn', noun: 'a social security number', phrases: w('ssn', 'social security number', 'social security no') },
  { kind: 'pin', noun: 'a PIN', phrases: w('pin', 'pincode', 'pin code', 'pin number') },
  {
    kind: 'token',
    noun: 'a token',
    phrases: w('token', 'accesstoken', 'authtoken', 'apitoken', 'refreshtoken', 'sessiontoken'),
  },
  { kind: 'secret', noun: 'a secret', phrases: w('secret', 'secrets', 'clientsecret', 'secretkey') },
];

// "token" next to these words means an LLM/tokenizer setting, not a credential.
const TOKEN_COUNT_WORDS = new Set(['count', 'counts', 'limit', 'limits', 'budget', 'usage', 'length', 'size', 'max', 'min']);

/**
 * Splits text into lower-case words at camelCase humps (`apiKey`, `APIKey`)
 * and at anything that is not a letter or digit; `cvv2` stays one word.
 */
export function toWords(text: string): string[] {
  return text
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/([\p{Ll}\d])(\p{Lu})/gu, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

function matchesAt(words: readonly string[], i: number, phrase: readonly string[]): boolean {
  return phrase.every((part, k) => words[i + k] === part);
}

function isTokenCount(words: readonly string[], i: number): boolean {
  return TOKEN_COUNT_WORDS.has(words[i + 1] ?? '') || TOKEN_COUNT_WORDS.has(words[i - 1] ?? '');
}

// In prose, "pin" is usually the verb ("pin the version"); only "PIN" in capitals counts there.
function isVerbPin(phrase: readonly string[], prose: string | undefined): boolean {
  return prose !== undefined && phrase.length === 1 && phrase[0] === 'pin' && !/\bPIN\b/.test(prose);
}

function isCountToken(phrase: readonly string[], words: readonly string[], i: number): boolean {
  return phrase.length === 1 && phrase[0] === 'token' && isTokenCount(words, i);
}

/** The first rule matching `text`; `prose` marks a title or description rather than an identifier. */
function findRule(text: string, prose: boolean): Rule | undefined {
  const words = toWords(text);
  for (const rule of RULES) {
    for (let i = 0; i < words.length; i++) {
      for (const phrase of rule.phrases) {
        if (!matchesAt(words, i, phrase)) continue;
        if (isVerbPin(phrase, prose ? text : undefined) || isCountToken(phrase, words, i)) continue;
        return rule;
      }
    }
  }
  return undefined;
}

// Booleans and choices cannot carry a typed secret ("Remember my password?" is fine).
function canHoldSecret(field: Field): boolean {
  return field.kind === 'text' || field.kind === 'number';
}

/**
 * Fields (text or number only) whose name, title or description suggests a
 * password, passphrase, token, API key, secret, private key, card number,
 * CVV/CVC, social security number or PIN. Matching is by whole word, so
 * "spinner" is not a PIN and "tokenizer" is not a token; "max tokens" and
 * "token limit" are settings, and in prose only a capitalised "PIN" counts.
 * A heuristic for a warning, not a guarantee.
 */
export function findSensitiveFields(form: FormModel): SensitiveField[] {
  const found: SensitiveField[] = [];
  for (const field of form.fields) {
    if (!canHoldSecret(field)) continue;
    const rule =
      findRule(field.name, false) ?? findRule(field.label, true) ?? findRule(field.description ?? '', true);
    if (rule !== undefined) {
      found.push({ name: field.name, label: field.label, kind: rule.kind, reason: `Looks like it asks for ${rule.noun}` });
    }
  }
  return found;
}
