// The marketplace fields come from the git remote, never from a guess, and a VSIX without a
// repository names its README's relative links and screenshots instead of breaking them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { baseUrls, manifestFields, readmeWithoutRelativeLinks, repositoryFromRemote } from '../../scripts/packageMetadata';

test('a remote in any of git\'s URL forms gives the repository web address without credentials or .git', () => {
  for (const remote of [
    'https://github.com/acme/mcp-approval-host.git',
    'https://x-access-token:ghp_secret@github.com/acme/mcp-approval-host.git',
    'git@github.com:acme/mcp-approval-host.git',
    'ssh://git@github.com/acme/mcp-approval-host',
    'git://github.com/acme/mcp-approval-host.git',
    '  https://GitHub.com/acme/mcp-approval-host/  ',
  ]) {
    assert.deepEqual(repositoryFromRemote(remote), { web: 'https://github.com/acme/mcp-approval-host', host: 'github' }, remote);
  }
  assert.deepEqual(repositoryFromRemote('git@gitlab.com:group/sub/tool.git'), { web: 'https://gitlab.com/group/sub/tool', host: 'gitlab' });
  assert.deepEqual(repositoryFromRemote('https://git.example.org/team/tool.git'), { web: 'https://git.example.org/team/tool', host: 'other' });
});

test('no remote, a local path or a file URL gives no repository at all', () => {
  for (const remote of [undefined, '', '   ', '/srv/git/tool.git', '../tool', 'file:///srv/git/tool.git', 'C:/repos/tool', 'https://github.com/', 'https://github.com/only-owner']) {
    assert.equal(repositoryFromRemote(remote), undefined, String(remote));
  }
});

test('manifest fields: bugs only where the issue tracker is known', () => {
  assert.deepEqual(manifestFields({ web: 'https://github.com/acme/x', host: 'github' }), {
    repository: { type: 'git', url: 'https://github.com/acme/x.git' },
    homepage: 'https://github.com/acme/x#readme',
    bugs: { url: 'https://github.com/acme/x/issues' },
  });
  assert.equal(manifestFields({ web: 'https://gitlab.com/g/x', host: 'gitlab' }).bugs?.url, 'https://gitlab.com/g/x/-/issues');
  assert.equal('bugs' in manifestFields({ web: 'https://git.example.org/t/x', host: 'other' }), false);
});

test('README base URLs: raw files for images, the blob view for links; none for unknown hosts', () => {
  assert.deepEqual(baseUrls({ web: 'https://github.com/acme/x', host: 'github' }), {
    content: 'https://github.com/acme/x/blob/HEAD',
    images: 'https://github.com/acme/x/raw/HEAD',
  });
  assert.deepEqual(baseUrls({ web: 'https://gitlab.com/g/x', host: 'gitlab' }, 'main'), {
    content: 'https://gitlab.com/g/x/-/blob/main',
    images: 'https://gitlab.com/g/x/-/raw/main',
  });
  assert.equal(baseUrls({ web: 'https://git.example.org/t/x', host: 'other' }), undefined);
});

test('without a repository, relative images and links become text; absolute links, anchors and code stay', () => {
  const md = [
    'See ![The sampling card](media/screenshots/sampling-dark.png) and [the e2e notes](test/e2e/README.md).',
    '',
    '| dark | light |',
    '| --- | --- |',
    '| [![Servers tree](media/screenshots/servers-dark.png)](media/screenshots/servers-dark.png) | ![light](media/screenshots/servers-light.png) |',
    '',
    '[MCP](https://modelcontextprotocol.io), [settings](#settings), [mail](mailto:a@b.c).',
    '',
    '```jsonc',
    '"x": "[not a link](nowhere.md)"',
    '```',
  ].join('\n');
  const out = readmeWithoutRelativeLinks(md);
  assert.match(out, /See \*\(screenshot in the source: `media\/screenshots\/sampling-dark\.png`\)\* and/);
  assert.match(out, /the e2e notes \(`test\/e2e\/README\.md`\)/);
  assert.match(out, /\| \*\(screenshot in the source: `media\/screenshots\/servers-dark\.png`\)\* \| \*\(screenshot in the source: `media\/screenshots\/servers-light\.png`\)\* \|/);
  assert.match(out, /\[MCP\]\(https:\/\/modelcontextprotocol\.io\), \[settings\]\(#settings\), \[mail\]\(mailto:a@b\.c\)/);
  assert.match(out, /"x": "\[not a link\]\(nowhere\.md\)"/);
  // What vsce would reject without a base URL: a relative Markdown link outside code.
  const prose = out.replace(/```[\s\S]*?```/g, '');
  assert.doesNotMatch(prose, /\]\((?![a-z]+:|#)[^)]+\)/i);
});

test('the project README keeps no relative link once packaged without a repository', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const prose = readmeWithoutRelativeLinks(readme).replace(/```[\s\S]*?```/g, '');
  assert.doesNotMatch(prose, /\]\((?![a-z]+:|#)[^)]+\)/i);
});
