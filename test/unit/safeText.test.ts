import { test } from 'node:test';
import assert from 'node:assert/strict';
import { marked } from 'marked';
import { DEFAULT_MAX, safe, safeLines, safeText, safeVerbatim, TAG_VALUE_MAX, WORD_JOINER } from '../../src/shared/safeText';

// The parsers VS Code runs over these strings, as oracles. LINK_REGEX is
// microsoft/vscode src/vs/base/common/linkedText.ts (notifications, progress
// toasts, input box prompts and validation messages); ICON_REGEX is
// labelWithIconsRegex of src/vs/base/browser/ui/iconLabel/iconLabels.ts (quick
// picks, status bar, input box messages) with ThemeIcon's name and modifier
// expressions filled in.
const LINK_REGEX = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const ICON_REGEX = /(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g;

/** Links parseLinkedText would render. */
const links = (text: string) => [...text.matchAll(LINK_REGEX)].map((m) => m[2]);
/** Codicons renderLabelWithIcons would render (escaped ones are shown as text). */
const icons = (text: string) => [...text.matchAll(ICON_REGEX)].filter((m) => !m[1]).map((m) => m[2]);
/** What a person sees: the word joiner is invisible. */
const visible = (text: string) => text.replaceAll(WORD_JOINER, '');
/**
 * Anchors marked (VS Code's markdown parser, GFM on) makes of the text, as in a
 * quick pick hover, that hide their target: a label other than the URL, or a
 * scheme other than http(s). GFM links a bare https URL as itself; that one
 * stays (its whole target is in plain sight and VS Code's link protection asks
 * before opening it), so the text of URLs can still be copied intact.
 */
const markdownAnchors = (text: string) => {
  const html = marked.parseInline(text, { async: false }) as string;
  const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...html.matchAll(/<a href="([^"]*)"[^>]*>(.*?)<\/a>/g)].filter(([, href, label]) => !/^https?:/i.test(href) || decode(label) !== decodeURI(decode(href))).length;
};

const HOSTILE = [
  '[Fix the server now](command:workbench.action.openSettings)',
  '[Run me](command:e2eTest.hostileMarker?%5B%22x%22%5D "tooltip")',
  '[open](https://evil.example/x)',
  '[file](file:///etc/passwd)',
  '[a [nested](command:x) b](command:y)',
  '[x](command:a)[y](command:b)',
  'prefix [x](COMMAND:Upper) suffix',
];

test('markdown links in server text are no links for parseLinkedText and read the same', () => {
  for (const input of HOSTILE) {
    assert.ok(links(input).length > 0, `the oracle sees a link in ${input}`);
    const out = safeText(input);
    assert.deepEqual(links(out), [], out);
    assert.equal(visible(out), input);
  }
});

test('links are no links for markdown either (marked, GFM), autolinks included', () => {
  for (const input of [...HOSTILE, '<command:workbench.action.reloadWindow>', '<file:///etc/passwd>']) {
    assert.ok(markdownAnchors(input) > 0, `the oracle links ${input}`);
    const out = safeText(input);
    assert.equal(markdownAnchors(out), 0, `${input} → ${marked.parseInline(out)}`);
  }
  // A bare https URL stays readable and copyable: GFM links it as itself, nothing hidden.
  assert.equal(markdownAnchors(safeText('see https://example.com/x')), 0);
});

test('a bare command URI is broken too, in any letter case', () => {
  for (const input of ['run command:workbench.action.reloadWindow now', 'COMMAND:x', 'Command:y']) {
    const out = safeText(input);
    assert.doesNotMatch(out, /command:/i);
    assert.equal(visible(out), input);
  }
});

test('codicons in server text are not rendered and still read as $(name)', () => {
  for (const input of ['$(zap) boom', 'x$(sync~spin)y', '$(close)$(check)', 'cost: $(1-2)']) {
    assert.ok(icons(input).length > 0);
    const out = safeText(input);
    assert.deepEqual(icons(out), [], out);
    assert.equal(visible(out), input);
  }
});

test('backslashes pass through unchanged and cannot undo the break', () => {
  for (const input of ['\\$(zap)', '\\\\$(zap)', '[x]\\(command:y)', '\\[x\\](command:y)', 'C:\\path\\to\\file']) {
    const out = safeText(input);
    assert.equal(visible(out), input);
    assert.deepEqual(icons(out), []);
    assert.deepEqual(links(out), []);
  }
});

test('control characters and line breaks collapse to one space; the result is one line', () => {
  const out = safeText('a\r\nb\tc\u0000d\u001be[31m\u007f\u0085f\u2028g\u2029h   \n\n i');
  assert.equal(out, 'a b c d e[31m f g h i');
  assert.equal(safeText('  \n  padded \t '), 'padded');
  // A link split over lines is still no link once joined.
  assert.deepEqual(links(safeText('[x]\n(command:y)')), []);
});

test('bidi overrides, isolates, marks and invisible format characters are removed', () => {
  const input = 'safe\u202Eexe.txt\u202C \u2066iso\u2069 \u200Bzw\u200E\u200F\u061C \uFEFFbom \u2060wj \u{E0041}\u{E0042}tags';
  const out = safeText(input);
  assert.equal(out, 'safeexe.txt iso zw bom wj tags');
  assert.doesNotMatch(out, /[\u202A-\u202E\u2066-\u2069\u200B\u200E\u200F\u061C\uFEFF]/u);
});

test('ordinary unicode survives: accents, CJK, RTL letters, emoji sequences', () => {
  for (const input of ['Café déjà vu', '日本語のサーバー', 'שלום עולם', 'مرحبا', '👨‍👩‍👧 family', 'flag 🇩🇪']) {
    assert.equal(safeText(input), input);
  }
});

test('long text is capped in graphemes with an ellipsis, without splitting a character', () => {
  assert.equal(safeText('x'.repeat(DEFAULT_MAX)), 'x'.repeat(DEFAULT_MAX));
  const cut = safeText('x'.repeat(DEFAULT_MAX + 1));
  assert.equal([...cut].length, DEFAULT_MAX);
  assert.ok(cut.endsWith('…'));
  assert.equal(safeText('abcdef', 4), 'abc…');
  assert.equal(safeText('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧', 2), '👨‍👩‍👧…');
  assert.equal(safeText('😀😀😀', 2), '😀…');
  assert.equal(safeText('word     ', 3), 'wo…');
});

test('a megabyte of input is bounded early and still neutralised', () => {
  const huge = '[x](command:y) $(zap) '.repeat(60_000);
  const out = safeText(huge, 500);
  assert.ok([...visible(out)].length <= 500);
  assert.deepEqual(links(out), []);
  assert.deepEqual(icons(out), []);
  // Mostly invisible input does not leave a broken surrogate behind.
  assert.doesNotMatch(safeText('\u200B'.repeat(10_000) + '😀'.repeat(10), 5), /[\uD800-\uDFFF](?![\uDC00-\uDFFF])/);
});

test('lone surrogates become U+FFFD; non-strings become text', () => {
  assert.equal(safeText('a\uD800b\uDC00c'), 'a\uFFFDb\uFFFDc');
  assert.equal(safeText(undefined), '');
  assert.equal(safeText(null), '');
  assert.equal(safeText(42), '42');
  assert.equal(safeText({ toString: () => '[x](command:y)' }), `[x]${WORD_JOINER}(command${WORD_JOINER}:y)`);
});

test('neutralising twice changes nothing', () => {
  for (const input of [...HOSTILE, '$(zap) <command:x>', 'x'.repeat(500)]) {
    const once = safeText(input, 100);
    assert.equal(safeText(once, 100), once);
  }
});

test('safeLines keeps line breaks (one kind), neutralises each line, caps lines and length', () => {
  const out = safeLines('first\r\nsecond\u2028[x](command:y)\r$(zap)\ttab\u0007');
  assert.equal(visible(out), 'first\nsecond\n[x](command:y)\n$(zap) tab');
  assert.deepEqual(links(out), []);
  assert.deepEqual(icons(out), []);
  const many = safeLines(Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n'), 4000, 5);
  assert.deepEqual(many.split('\n'), ['line 0', 'line 1', 'line 2', 'line 3', '…']);
  assert.ok([...safeLines('y'.repeat(10_000), 50)].length <= 50);
});

test('safe`…` neutralises values and keeps our own codicons', () => {
  const name = '[Run me](command:x)';
  const out = safe`$(warning) MCP server "${name}" failed: ${'$(zap) boom'}`;
  assert.equal(visible(out), '$(warning) MCP server "[Run me](command:x)" failed: $(zap) boom');
  assert.deepEqual(icons(out), ['warning']);
  assert.deepEqual(links(out), []);
});

test('safe`…` stops markup assembled across a value edge or with our own brackets', () => {
  assert.deepEqual(links(safe`${'[Run me]'}${'(command:x)'}`), []);
  assert.deepEqual(links(safe`${'[Run me'}](${'command:x'})`), []);
  assert.deepEqual(links(safe`[ours](command:${'x'})`), [], 'not even our own words become a link');
  assert.deepEqual(icons(safe`${'$'}(zap)`), []);
  assert.deepEqual(icons(safe`$(${'zap'})`), [], 'an icon whose name comes from the server');
  assert.deepEqual(icons(safe`x$(${'zap)'}`), []);
});

test('safe`…` makes values one line and caps each one', () => {
  const out = safe`a ${'line1\nline2'} b ${'z'.repeat(2000)}`;
  assert.ok(out.startsWith('a line1 line2 b '));
  assert.equal([...out.slice('a line1 line2 b '.length)].length, TAG_VALUE_MAX);
  assert.equal(safe`${3} of ${10}`, '3 of 10');
});

test('safeVerbatim shows bidi overrides and zero-width characters of what will run instead of hiding them', () => {
  const shown = safeVerbatim('rm\u202e-rf\u200b $(zap) [x](command:y)');
  assert.equal(visible(shown), 'rm\\u{202e}-rf\\u{200b} $(zap) [x](command:y)');
  assert.deepEqual(links(shown), []);
  assert.deepEqual(icons(shown), []);
  assert.equal(safeVerbatim('a\nb\u0007c'), 'a b c');
});
