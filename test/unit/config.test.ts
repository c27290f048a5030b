import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEntry, parseEnvFile, parseServersSetting, sameConnection, type ServerConfig } from '../../src/host/config';
import { listVariables, resolveVariables } from '../../src/host/variables';

const ctx = { workspaceFolder: '/ws', userHome: '/home/me', env: { TOKEN: 'abc', EMPTY: '' } };

function ok(name: string, raw: unknown): ServerConfig {
  const r = parseEntry(name, raw, ctx);
  if ('issue' in r) assert.fail(`unexpected issue: ${JSON.stringify(r.issue)}`);
  return r.config;
}

function issue(name: string, raw: unknown) {
  const r = parseEntry(name, raw, ctx);
  if ('config' in r) assert.fail('expected an issue');
  return r.issue;
}

describe('variables', () => {
  it('resolves workspaceFolder, userHome and env variables', () => {
    assert.deepEqual(resolveVariables('${workspaceFolder}/a:${userHome}:${env:TOKEN}', ctx), { ok: true, value: '/ws/a:/home/me:abc' });
  });
  it('resolves an unset env variable to the empty string', () => {
    assert.deepEqual(resolveVariables('x${env:NOPE}y', ctx), { ok: true, value: 'xy' });
  });
  it('reports unknown variables by name', () => {
    const r = resolveVariables('${config:x}', ctx);
    assert.equal(r.ok, false);
    assert.match((r as { error: string }).error, /unknown variable \$\{config:x\}/);
  });
  it('reports ${input:…} as not supported, by name', () => {
    const r = resolveVariables('${input:apiKey}', ctx);
    assert.equal(r.ok, false);
    assert.match((r as { error: string }).error, /\$\{input:apiKey\} is not supported/);
  });
  it('lists the references of a string in order, classified', () => {
    assert.deepEqual(listVariables('${env:A}-${input:b}-${workspaceFolder}-${userHome}-${x}'), [
      { text: '${env:A}', kind: 'env', name: 'A' },
      { text: '${input:b}', kind: 'input', name: 'b' },
      { text: '${workspaceFolder}', kind: 'workspaceFolder' },
      { text: '${userHome}', kind: 'userHome' },
      { text: '${x}', kind: 'unknown' },
    ]);
  });
  it('reports every value taken from the environment', () => {
    const seen: Array<[string, string]> = [];
    resolveVariables('${env:TOKEN}/${env:NOPE}', ctx, (name, value) => seen.push([name, value]));
    assert.deepEqual(seen, [['TOKEN', 'abc'], ['NOPE', '']]);
  });
  it('reports workspaceFolder without an open folder', () => {
    const r = resolveVariables('${workspaceFolder}', { userHome: '/h', env: {} });
    assert.equal(r.ok, false);
  });
  it('leaves text without variables alone', () => {
    assert.deepEqual(resolveVariables('plain $HOME {x}', ctx), { ok: true, value: 'plain $HOME {x}' });
  });
});

describe('server entries', () => {
  it('accepts a stdio entry without type and applies defaults', () => {
    const c = ok('fs', { command: 'node', args: ['${workspaceFolder}/server.js'], env: { A: 1, B: true, C: null } });
    assert.equal(c.type, 'stdio');
    assert.deepEqual(c.type === 'stdio' && c.args, ['/ws/server.js']);
    assert.deepEqual(c.type === 'stdio' && c.env, { A: '1', B: 'true' });
    assert.equal(c.autoStart, true);
    assert.equal(c.disabled, false);
    assert.equal(c.samplingPolicy, 'ask');
  });
  it('accepts http and sse entries with resolved headers', () => {
    const c = ok('remote', { type: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer ${env:TOKEN}' } });
    assert.deepEqual(c.type === 'http' && c.headers, { Authorization: 'Bearer abc' });
    assert.equal(ok('legacy', { type: 'sse', url: 'http://127.0.0.1:3000/sse' }).type, 'sse');
  });
  it('names the server and the field for a missing command', () => {
    assert.deepEqual(issue('broken', { args: ['x'] }), { server: 'broken', field: 'command', message: 'is required' });
  });
  it('suggests type http when a stdio entry has only a url', () => {
    assert.match(issue('u', { url: 'https://x' }).message, /add "type": "http"/);
  });
  it('rejects an unknown type by value', () => {
    const i = issue('t', { type: 'websocket', url: 'ws://x' });
    assert.equal(i.field, 'type');
    assert.match(i.message, /"websocket"/);
  });
  it('reports the field path of a wrongly typed argument', () => {
    const i = issue('a', { command: 'node', args: ['ok', 3] });
    assert.equal(i.field, 'args[1]');
  });
  it('rejects non-http URLs', () => {
    const i = issue('f', { type: 'http', url: 'file:///etc/passwd' });
    assert.equal(i.field, 'url');
    assert.match(i.message, /only http and https/);
  });
  it('rejects an entry that is not an object', () => {
    assert.equal(issue('n', 'node server.js').field, '(entry)');
  });
  it('reports an unknown variable with its field', () => {
    const i = issue('v', { command: 'node', args: ['${input:x}'] });
    assert.equal(i.field, 'args[0]');
  });
  it('rejects an invalid sampling policy', () => {
    assert.equal(issue('p', { command: 'x', samplingPolicy: 'always' }).field, 'samplingPolicy');
  });
});

describe('the servers setting', () => {
  it('keeps valid servers when another entry is invalid', () => {
    const parsed = parseServersSetting([{ scope: 'user', value: { good: { command: 'node' }, bad: { type: 'http' } } }], ctx);
    assert.deepEqual(parsed.servers.map((s) => s.name), ['good']);
    assert.equal(parsed.issues.length, 1);
    assert.equal(parsed.issues[0].server, 'bad');
  });
  it('lets workspace entries override user entries of the same name and records the scope', () => {
    const parsed = parseServersSetting(
      [
        { scope: 'user', value: { a: { command: 'user-a' }, b: { command: 'user-b' } } },
        { scope: 'workspace', value: { a: { command: 'ws-a' } } },
      ],
      ctx,
    );
    const a = parsed.servers.find((s) => s.name === 'a');
    assert.equal(a?.scope, 'workspace');
    assert.equal(a?.type === 'stdio' && a.command, 'ws-a');
    assert.equal(parsed.servers.find((s) => s.name === 'b')?.scope, 'user');
  });
  it('reports a setting that is not an object', () => {
    const parsed = parseServersSetting([{ scope: 'user', value: ['x'] }], ctx);
    assert.equal(parsed.servers.length, 0);
    assert.equal(parsed.issues[0].field, 'mcpApprovalHost.servers');
  });
  it('ignores prototype-looking keys safely', () => {
    const parsed = parseServersSetting([{ scope: 'user', value: JSON.parse('{"__proto__": {"command": "x"}, "ok": {"command": "y"}}') }], ctx);
    assert.ok(parsed.servers.some((s) => s.name === 'ok'));
    assert.equal(({} as Record<string, unknown>).command, undefined);
  });
});

describe('restart decisions', () => {
  it('treats a policy-only change as the same connection', () => {
    assert.ok(sameConnection(ok('a', { command: 'node', args: ['x'] }), ok('a', { command: 'node', args: ['x'], samplingPolicy: 'auto' })));
  });
  it('treats changed args or env as a different connection', () => {
    assert.ok(!sameConnection(ok('a', { command: 'node', args: ['x'] }), ok('a', { command: 'node', args: ['y'] })));
    assert.ok(!sameConnection(ok('a', { command: 'node', env: { A: '1' } }), ok('a', { command: 'node', env: { A: '2' } })));
  });
  it('ignores the order of env keys', () => {
    assert.ok(sameConnection(ok('a', { command: 'n', env: { A: '1', B: '2' } }), ok('a', { command: 'n', env: { B: '2', A: '1' } })));
  });
});

describe('env files', () => {
  it('parses KEY=value lines, quotes, comments and export', () => {
    assert.deepEqual(parseEnvFile('# c\nA=1\nexport B="two words"\nC=\'x\'\nD=val # note\n\nbad line\n'), { A: '1', B: 'two words', C: 'x', D: 'val' });
  });
});

describe('servers from several scopes and folders', () => {
  const api = { name: 'api', path: '/ws/api' };
  const web = { name: 'web', path: '/ws/web' };
  const folderSource = (folder: { name: string; path: string }, value: unknown) => ({ scope: 'workspace' as const, folder, file: `${folder.path}/.vscode/settings.json`, value });

  it('resolves ${workspaceFolder} against the folder whose settings define the entry', () => {
    const parsed = parseServersSetting(
      [folderSource(api, { a: { command: 'node', args: ['${workspaceFolder}/a.js'] } }), folderSource(web, { b: { command: 'node', args: ['${workspaceFolder}/b.js'] } })],
      ctx,
    );
    const args = Object.fromEntries(parsed.servers.map((s) => [s.name, s.type === 'stdio' ? s.args : []]));
    assert.deepEqual(args, { a: ['/ws/api/a.js'], b: ['/ws/web/b.js'] });
    assert.deepEqual(parsed.servers.map((s) => s.origin.file), ['/ws/api/.vscode/settings.json', '/ws/web/.vscode/settings.json']);
  });
  it('resolves ${workspaceFolder} in user and workspace-file entries to the first folder', () => {
    const parsed = parseServersSetting([{ scope: 'user', value: { u: { command: '${workspaceFolder}/u' } } }, { scope: 'workspace', file: '/ws/x.code-workspace', value: { w: { command: '${workspaceFolder}/w' } } }], ctx);
    assert.deepEqual(parsed.servers.map((s) => s.type === 'stdio' && s.command), ['/ws/u', '/ws/w']);
  });
  it('keeps both entries when two folders define the same name, qualified by folder, and lists the conflict', () => {
    const parsed = parseServersSetting([folderSource(api, { db: { command: 'api-db' } }), folderSource(web, { db: { command: 'web-db' } })], ctx);
    assert.deepEqual(parsed.servers.map((s) => [s.name, s.definedName, s.type === 'stdio' && s.command]), [
      ['db (api)', 'db', 'api-db'],
      ['db (web)', 'db', 'web-db'],
    ]);
    assert.deepEqual(parsed.conflicts, [{ name: 'db', qualified: ['db (api)', 'db (web)'] }]);
    assert.deepEqual(parsed.issues, []);
  });
  it('lets a folder entry override a user or workspace-file entry of the same name, without a conflict', () => {
    const parsed = parseServersSetting(
      [{ scope: 'user', value: { db: { command: 'user-db' } } }, { scope: 'workspace', file: '/ws/x.code-workspace', value: { db: { command: 'ws-db' } } }, folderSource(web, { db: { command: 'web-db' } })],
      ctx,
    );
    assert.deepEqual(parsed.servers.map((s) => [s.name, s.type === 'stdio' && s.command, s.origin.folder?.name]), [['db', 'web-db', 'web']]);
    assert.deepEqual(parsed.conflicts, []);
  });
  it('does not let a qualified name take the name of another server', () => {
    const parsed = parseServersSetting([{ scope: 'user', value: { 'db (api)': { command: 'mine' } } }, folderSource(api, { db: { command: 'a' } }), folderSource(web, { db: { command: 'b' } })], ctx);
    const names = parsed.servers.map((s) => s.name);
    assert.equal(new Set(names).size, names.length, names.join(', '));
    assert.ok(names.includes('db (api)') && names.includes('db (api) #2'), names.join(', '));
  });
  it('keeps the unresolved entry next to the resolved one, and the values taken from the environment', () => {
    const parsed = parseServersSetting(
      [{ scope: 'workspace', value: { r: { type: 'http', url: 'https://x/mcp?k=${env:TOKEN}', headers: { 'X-Key': '${env:TOKEN}', Authorization: 'Bearer literal-credential', Accept: 'text/plain' } } } }],
      ctx,
    );
    const [r] = parsed.servers;
    assert.equal(r.type === 'http' && r.url, 'https://x/mcp?k=abc');
    assert.equal('url' in r.definition && r.definition.url, 'https://x/mcp?k=${env:TOKEN}');
    assert.deepEqual(r.secrets.sort(), ['Bearer literal-credential', 'abc']);
  });
  it('names the folder of a malformed value', () => {
    const parsed = parseServersSetting([folderSource(web, 'nope')], ctx);
    assert.match(parsed.issues[0].message, /\/ws\/web\/\.vscode\/settings\.json/);
  });
});

describe('sign-in settings of remote entries', () => {
  it('reads clientId and scopes; a change of either restarts the server', () => {
    const a = ok('r', { type: 'http', url: 'https://example.com/mcp', clientId: 'host-app', scopes: ['read', 'write'] });
    assert.equal(a.type === 'http' && a.clientId, 'host-app');
    assert.deepEqual(a.type === 'http' && a.scopes, ['read', 'write']);
    const b = ok('r', { type: 'http', url: 'https://example.com/mcp', clientId: 'other-app', scopes: ['read', 'write'] });
    assert.equal(sameConnection(a, b), false);
  });

  it('refuses a client secret in settings and says where it belongs', () => {
    const found = issue('r', { type: 'http', url: 'https://example.com/mcp', clientId: 'x', clientSecret: 'plain text' });
    assert.equal(found.field, 'clientSecret');
    assert.match(found.message, /secret storage/);
  });
});

describe('exposeToChat', () => {
  it('defaults to true, can be turned off per server, and must be a boolean', () => {
    assert.equal(ok('a', { command: 'node' }).exposeToChat, true);
    assert.equal(ok('b', { type: 'http', url: 'https://example.com/mcp', exposeToChat: false }).exposeToChat, false);
    assert.equal(issue('c', { command: 'node', exposeToChat: 'no' }).field, 'exposeToChat');
  });

  it('changes no connection: toggling it does not restart the server', () => {
    assert.ok(sameConnection(ok('a', { command: 'node' }), ok('a', { command: 'node', exposeToChat: false })));
  });

  it('is declared for both kinds of entry in package.json', async () => {
    const pkg = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')));
    const branches = pkg.contributes.configuration.properties['mcpApprovalHost.servers'].additionalProperties.anyOf;
    for (const branch of branches) assert.equal(branch.properties.exposeToChat.type, 'boolean');
    assert.equal(pkg.contributes.configuration.properties['mcpApprovalHost.chat.exposeServers'].default, true);
  });
});
