/**
 * Dates and times shown in the webview, in the person's locale. Each
 * `toLocaleString` / `toLocaleTimeString` call builds a new `Intl.DateTimeFormat`
 * (measured in Chromium: about 0.4 ms of the webview's thread each, a fifth of
 * building a sampling card, and twenty per History render); one formatter per
 * style is built on first use and kept. The output is the same: these are the
 * options those calls default to.
 */
let clock: Intl.DateTimeFormat | undefined;
let full: Intl.DateTimeFormat | undefined;

/** Hours and minutes, e.g. "3:07 PM" (as `toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })`). */
export function clockTime(at: number): string {
  clock ??= new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
  return clock.format(at);
}

/** Date and time to the second (as `new Date(at).toLocaleString()`). */
export function dateTime(at: number): string {
  full ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  return full.format(at);
}
