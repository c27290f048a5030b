/**
 * The one door through which server text reaches VS Code's own UI.
 *
 * Everything an MCP server sends (names, titles, descriptions, error
 * messages, stderr lines, progress messages, URLs, serverInfo) and every
 * server name from settings (a cloned repository's settings are not the
 * person's own) is untrusted. Several VS Code surfaces interpret markup in
 * plain strings. What each surface does, read in microsoft/vscode:
 *
 * | surface (extension API)                              | VS Code interprets                                          | where |
 * |------------------------------------------------------|-------------------------------------------------------------|-------|
 * | show{Error,Warning,Information}Message (toast)       | `[label](https:…/command:…/file:…)` becomes a link; a click runs the command | notificationsViewer.ts, linkedText.ts `parseLinkedText` |
 * | withProgress (Notification) title + report message   | joined as "title: message" into a toast (links, see above) after `stripIcons` (codicons silently dropped); a hidden toast moves to a status bar entry, which renders `$(icon)` | progressService.ts `withNotificationProgress` |
 * | quick pick item label / description / detail         | `$(icon)` (IconLabel `supportIcons`); description and detail hovers are untrusted markdown with theme icons (https links clickable) | quickInputList.ts |
 * | input box prompt, validation message                 | links and `$(icon)` (`renderQuickInputDescription`)         | quickInputUtils.ts |
 * | quick input title, placeholder                       | plain (textContent, input attribute)                        | quickInput.ts |
 * | status bar text                                      | `$(icon)`                                                    | statusbarItem.ts |
 * | modal message and detail                             | plain (innerText)                                            | dialog.ts |
 * | tree item label / description, string tooltip        | plain (ResourceLabel without `supportIcons`; hover textContent) | treeView.ts, hoverWidget.ts |
 * | webview panel title, output channel                  | plain                                                        | |
 *
 * One neutralisation serves them all: a WORD JOINER (U+2060, invisible, no
 * line break) goes between `]` and `(`, between `$` and `(`, after `<` of an
 * autolink and before the colon of `command:`. No link or codicon parser
 * matches any more and the text reads exactly as the server sent it. The
 * backslash escape (`\$(zap)`) is no alternative: only icon renderers consume
 * the backslash; a progress toast or a tree label would show it, and
 * progress text goes to both. Brackets cannot be escaped for
 * `parseLinkedText` at all (`\[x\](command:y)` is still a link).
 *
 * Besides: control characters, line breaks and runs of white space collapse
 * to one space; bidi overrides and isolates (Trojan Source), other invisible
 * format characters and tag characters are removed; lone surrogates become
 * U+FFFD; the length is capped in graphemes with "…".
 *
 * Pure (no `vscode`, no DOM) so that it is unit-tested directly. The lint rule
 * `local/safe-text` (eslint-rules/safeText.mjs) makes every sink in
 * src/extension take a literal or the output of this module.
 */

/** The invisible separator this module inserts (and strips from input). */
export const WORD_JOINER = '\u2060';

/** Default cap of one value, in graphemes. */
export const DEFAULT_MAX = 200;

/** Cap of each value interpolated by {@link safe} (error messages can be long; the log has the rest). */
export const TAG_VALUE_MAX = 500;

// Positions where a parser would start markup: `](` (links), `$(` (codicons),
// `<scheme:` (markdown autolinks), `command:` (command URIs in any linkifier).
const BREAK_POINTS = /(?<=\])(?=\()|(?<=\$)(?=\()|(?<=<)(?=[a-z][a-z0-9+.-]{1,31}:)|(?<=command)(?=:)/gi;
// Bidi embeddings/overrides/isolates and marks, zero-width and other invisible
// format characters (including our own word joiner), BOM, tag characters.
const INVISIBLE = /[\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u206F\uFEFF\u{E0000}-\u{E007F}]/gu;
// C0 and C1 controls, DEL, and every kind of white space including line and paragraph separators.
const SPACE_OR_CONTROL = /[\s\u0000-\u001F\u007F-\u009F]+/g;
// VS Code's codicon syntax (ThemeIcon.iconNameExpression, optional ~modifier), anchored.
const CODICON = /\$\([a-z0-9-]+(?:~[a-z]+)?\)/iy;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/g;
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;

/** Created when a text is first cut: creating one loads ICU data (tens of ms), which loading the host core should not pay for. */
let graphemes: Intl.Segmenter | undefined;

/** Any value as a well-formed string; long input is cut early to bound the work. */
function asString(value: unknown, max: number): string {
  let s = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  // Invisible characters are removed later, so keep generously more than `max` visible ones.
  const bound = max * 8 + 64;
  if (s.length > bound) s = s.slice(0, /[\uD800-\uDBFF]/.test(s[bound - 1]) ? bound - 1 : bound);
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** Cuts to at most `max` graphemes, the last being "…" when something was cut. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const limit = Math.max(1, Math.floor(max));
  let count = 0;
  let cut = 0;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { index } of graphemes.segment(text)) {
    if (count === limit - 1) cut = index;
    if (count === limit) return `${text.slice(0, cut).trimEnd()}…`;
    count++;
  }
  return text;
}

/** Inserts the word joiner at every break point, except where `keep(offset)` says the markup is ours. */
function breakMarkup(text: string, keep: (offset: number) => boolean = () => false): string {
  return text.replace(BREAK_POINTS, (_match: string, offset: number) => (keep(offset) ? '' : WORD_JOINER));
}

/** One line: controls and white space runs become one space, invisibles go, capped. */
function oneLine(value: unknown, max: number): string {
  return clip(asString(value, max).replace(INVISIBLE, '').replace(SPACE_OR_CONTROL, ' ').trim(), max);
}

/**
 * Server text as one inert line for any VS Code surface: notifications,
 * progress, quick picks, input boxes, tree items, status bar, titles.
 * `max` caps the visible length (graphemes, "…" included).
 */
export function safeText(value: unknown, max = DEFAULT_MAX): string {
  return breakMarkup(oneLine(value, max));
}

/**
 * Like {@link safeText}, but invisible, bidi and zero-width characters are shown
 * as `\u{…}` escapes instead of removed. For what will run or be contacted (a
 * command line, a URL in an approval dialog), where silently dropping them would
 * make the text read differently from what runs.
 */
export function safeVerbatim(value: unknown, max = DEFAULT_MAX): string {
  const revealed = asString(value, max).replace(INVISIBLE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}}`);
  return breakMarkup(clip(revealed.replace(SPACE_OR_CONTROL, ' ').trim(), max));
}

/**
 * Server text that keeps its line breaks, for plain multi-line surfaces (a
 * tree item's string tooltip, a modal's detail): at most `maxLines` lines,
 * each line as inert as {@link safeText}, `max` graphemes in all.
 */
export function safeLines(value: unknown, max = 4000, maxLines = 40): string {
  const lines = asString(value, max)
    .replace(INVISIBLE, '')
    .replace(LINE_BREAK, '\n')
    .replace(CONTROL_BUT_NEWLINE, ' ')
    .split('\n')
    .map((line) => line.replace(/[^\S\n]+/g, ' ').trimEnd());
  const kept = lines.length > maxLines ? [...lines.slice(0, maxLines - 1), '…'] : lines;
  return breakMarkup(clip(kept.join('\n').trim(), max));
}

/**
 * Tag for messages that mix our words with server text:
 * ``safe`MCP server "${name}" failed: ${message}` ``. The literal parts are
 * ours (their codicons stay, e.g. `$(warning)`); every interpolated value is
 * server text, made one line and capped at {@link TAG_VALUE_MAX}. The joined
 * text is neutralised as a whole, so markup cannot be assembled across a
 * value's edge, and no link survives even in our own words.
 */
export function safe(strings: TemplateStringsArray, ...values: unknown[]): string {
  let text = '';
  const ours: Array<[start: number, end: number]> = [];
  strings.forEach((literal, i) => {
    ours.push([text.length, text.length + literal.length]);
    text += literal;
    if (i < values.length) text += oneLine(values[i], TAG_VALUE_MAX);
  });
  // A codicon is kept only when all of it, `$(` to `)`, is in one of our literal parts.
  const isOurs = (from: number, to: number) => ours.some(([start, end]) => from >= start && to <= end);
  return breakMarkup(text, (offset) => {
    if (text[offset - 1] !== '$') return false;
    CODICON.lastIndex = offset - 1;
    return CODICON.test(text) && isOurs(offset - 1, CODICON.lastIndex);
  });
}

// --- Markdown that VS Code renders (chat answers) ---------------------------------------
// `MarkdownString.appendText` escapes, but it also turns every space into `&nbsp;` (a long
// description then wraps in the middle of words), and inside a code span its backslash
// escapes show literally (`summarize\_text`). These two cover the places server text goes
// in Markdown: running text and code spans. Both neutralise with `safeText` first.

/** Running text: every Markdown punctuation character escaped, line breaks folded to spaces. */
export function markdownText(text: string, max?: number): string {
  return safeText(text, max).replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~&:]/g, '\\$&');
}

/**
 * A code span holding `text` literally: the fence is one backtick longer than the longest
 * run of backticks inside (CommonMark 6.1), padded with a space where the text starts or
 * ends with a backtick, and line breaks folded to spaces.
 */
export function markdownCode(text: string, max?: number): string {
  const flat = safeText(text, max).replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
