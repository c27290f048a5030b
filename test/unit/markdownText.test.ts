import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { marked } from 'marked';
import { markdownCode, markdownText } from '../../src/shared/safeText';

/** What a CommonMark renderer makes of it, as read (tags stripped, entities decoded, safeText's invisible word joiners dropped). */
const rendered = (md: string) =>
  marked
    .parse(md, { async: false })
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\u2060/g, '')
    .trim();

describe('Markdown for server text in chat', () => {
  it('a code span shows the text as sent, with no backslashes, whatever backticks it holds', () => {
    for (const name of ['summarize_text', 'a`b', '``x', 'y`', '*bold* [l](command:x)']) {
      assert.equal(rendered(markdownCode(name)).trim(), name.trim(), name);
      assert.doesNotMatch(marked.parse(markdownCode(name), { async: false }), /<(a|strong|em)\b/, name);
    }
  });

  it('running text reads as sent (spaces stay spaces), and links, emphasis and HTML stay text', () => {
    const text = 'Summarizes a text **now** in [a link](command:evil) <img src=x> _x_ #1 1. ~y~ & more';
    const html = marked.parse(markdownText(text), { async: false });
    assert.doesNotMatch(html, /<(a|strong|em|img|del|h1|ol)\b/);
    assert.equal(rendered(markdownText(text)), text);
    assert.doesNotMatch(markdownText(text), /&nbsp;/);
  });

  it('line breaks fold to spaces, so server text cannot start a list or heading of its own', () => {
    assert.equal(rendered(markdownText('one\n# two\n- three')), 'one # two - three');
    assert.equal(markdownCode('a\nb'), '`a b`');
  });
});
