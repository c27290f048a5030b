/**
 * Neutralises text from a repository's settings (server names, commands,
 * URLs) before VS Code renders it in a notification, dialog or quick pick.
 *
 * Local on purpose: it will be folded into the shared neutralising helper
 * (one door for server text) when the branches are merged.
 */

// Bidi overrides and isolates, zero-width characters and the BOM can make a
// command read differently from what runs: show them instead of hiding them.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
// Other control characters (newlines included) would break a one-line label.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * Text as text: invisible formatting characters become visible `\u{…}`
 * escapes, control characters become spaces, and the markup VS Code
 * interprets in these places is escaped: `$(` (codicons in labels and
 * messages) and `[` / `]` (links in notifications).
 */
export function safeText(text: unknown, max = 2000): string {
  const s = typeof text === 'string' ? text : String(text ?? '');
  const cleaned = s
    .replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)?.toString(16).padStart(4, '0')}}`)
    .replace(CONTROL, ' ')
    .replace(/\$\(/g, '\\$(')
    .replace(/[[\]]/g, (c) => `\\${c}`);
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}
