import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  approvalLines,
  definitionHash,
  isOwnEdit,
  MemoryApprovalStore,
  needsApproval,
  pulledVariables,
  quoteArg,
  redact,
  stableStringify,
  summarizeDefinition,
} from '../../src/host/approval';
import { parseServersSetting, type ConfigSource, type ConfiguredServer, type ServerEntry } from '../../src/host/config';

const SECRET = 'sk-live-0123456789';
const env = { API_KEY: SECRET, EMPTY: '' };
const ctx = { workspaceFolder: '/repo', userHome: '/home/me', env };
const repo = { name: 'repo', path: '/repo' };

function server(value: Record<string, unknown>, source: Partial<ConfigSource> = {}): ConfiguredServer {
  const parsed = parseServersSetting([{ scope: 'workspace', folder: repo, file: '/repo/.vscode/settings.json', ...source, value }], ctx);
  assert.deepEqual(parsed.issues, []);
  assert.equal(parsed.servers.length, 1);
  return parsed.servers[0];
}

const stdio = { s: { command: 'node', args: ['${workspaceFolder}/server.js', '--key=${env:API_KEY}'], env: { TOKEN: '${env:API_KEY}', MODE: 'fast' } } };
const http = { h: { type: 'http', url: 'http://127.0.0.1:9/mcp?k=${env:API_KEY}', headers: { 'X-Key': '${env:API_KEY}', Authorization: 'Bearer ${env:API_KEY}' } } };

describe('which sources need approval', () => {
  it('servers from user settings start as before', () => {
    assert.equal(needsApproval({ scope: 'user' }), false);
  });
  it('servers from a workspace file or a folder need approval', () => {
    assert.equal(needsApproval({ scope: 'workspace', file: '/w.code-workspace' }), true);
    assert.equal(needsApproval({ scope: 'workspace', folder: repo, file: '/repo/.vscode/settings.json' }), true);
  });
});

describe('stable JSON', () => {
  it('does not depend on key order, at any depth', () => {
    assert.equal(stableStringify({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }), stableStringify({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
    assert.equal(stableStringify({ b: 1, a: 2 }), '{"a":2,"b":1}');
  });
  it('keeps array order and drops undefined fields', () => {
    assert.notEqual(stableStringify([1, 2]), stableStringify([2, 1]));
    assert.equal(stableStringify({ a: undefined, b: 'x' }), '{"b":"x"}');
  });
});

describe('the definition hash', () => {
  const base = () => definitionHash(server(stdio));

  it('is the same for the same unresolved definition written in another key order', () => {
    const reordered = { s: { env: { MODE: 'fast', TOKEN: '${env:API_KEY}' }, args: ['${workspaceFolder}/server.js', '--key=${env:API_KEY}'], command: 'node' } };
    assert.equal(definitionHash(server(reordered)), base());
  });
  it('changes with anything that changes what runs, is sent, or how sampling is treated', () => {
    const variants: Array<Record<string, unknown>> = [
      { command: 'python', args: stdio.s.args, env: stdio.s.env },
      { command: 'node', args: [...stdio.s.args, '--more'], env: stdio.s.env },
      { command: 'node', args: stdio.s.args, env: { ...stdio.s.env, EXTRA: '1' } },
      { command: 'node', args: stdio.s.args, env: stdio.s.env, cwd: '/tmp' },
      { command: 'node', args: stdio.s.args, env: stdio.s.env, envFile: '.env' },
      { command: 'node', args: stdio.s.args, env: stdio.s.env, samplingPolicy: 'auto' },
    ];
    const hashes = new Set([base(), ...variants.map((v) => definitionHash(server({ s: v })))]);
    assert.equal(hashes.size, variants.length + 1);
  });
  it('changes with the name and with the folder ${workspaceFolder} stands for', () => {
    assert.notEqual(definitionHash(server({ other: stdio.s })), base());
    assert.notEqual(definitionHash(server(stdio, { folder: { name: 'fork', path: '/fork' }, file: '/fork/.vscode/settings.json' })), base());
  });
  it('does not change when the entry is only disabled or kept from starting', () => {
    assert.equal(definitionHash(server({ s: { ...stdio.s, disabled: false, autoStart: false } })), base());
  });
  it('does not depend on the values of environment variables', () => {
    const other = parseServersSetting([{ scope: 'workspace', folder: repo, file: '/repo/.vscode/settings.json', value: stdio }], { ...ctx, env: { API_KEY: 'another' } }).servers[0];
    assert.equal(definitionHash(other), base());
  });
  it('changes with the URL or a header of a remote server', () => {
    const h = definitionHash(server(http));
    assert.notEqual(definitionHash(server({ h: { ...http.h, url: 'http://127.0.0.1:9/mcp' } })), h);
    assert.notEqual(definitionHash(server({ h: { ...http.h, headers: { 'X-Key': '${env:API_KEY}' } } })), h);
  });
  it('changes with where sign-in goes: the grant, the client ID or the identity provider', () => {
    const corp = { ...http.h, grant: 'enterprise', clientId: 'c', enterpriseIdp: { issuer: 'https://idp.example', clientId: 'i' } };
    const h = definitionHash(server({ h: corp }));
    assert.notEqual(definitionHash(server({ h: { ...corp, clientId: 'd' } })), h);
    assert.notEqual(definitionHash(server({ h: { ...corp, enterpriseIdp: { ...corp.enterpriseIdp, issuer: 'https://idp.evil.example' } } })), h);
    assert.notEqual(definitionHash(server({ h: { ...corp, enterpriseIdp: { ...corp.enterpriseIdp, tokenEndpoint: 'https://idp.example/t' } } })), h);
    assert.notEqual(definitionHash(server({ h: { ...http.h, grant: 'client_credentials', clientId: 'c' } })), definitionHash(server({ h: { ...http.h, clientId: 'c' } })));
  });
});

describe('what an approval shows', () => {
  it('a stdio server: the command line as written, working directory, variable names, every ${env:…} named and no value', () => {
    const summary = summarizeDefinition(server(stdio), env);
    const lines = approvalLines(summary, '/repo');
    const text = lines.join('\n');
    assert.ok(!text.includes(SECRET), text);
    assert.match(text, /Defined in: \/repo\/\.vscode\/settings\.json/);
    assert.match(text, /Runs: node \$\{workspaceFolder\}\/server\.js --key=\$\{env:API_KEY\}/);
    assert.match(text, /Working directory: \/repo/);
    assert.match(text, /Sets environment variables: TOKEN, MODE/);
    assert.match(text, /\$\{env:API_KEY\} \(set, value hidden\)/);
  });
  it('an http server: the URL as written and header names only', () => {
    const text = approvalLines(summarizeDefinition(server(http), env)).join('\n');
    assert.ok(!text.includes(SECRET) && !text.includes('Bearer'), text);
    assert.match(text, /Connects to \(HTTP\): http:\/\/127\.0\.0\.1:9\/mcp\?k=\$\{env:API_KEY\}/);
    assert.match(text, /Sends headers: X-Key, Authorization/);
  });
  it('an http server with enterprise sign-in: the grant, client ID and the whole identity provider entry', () => {
    const corp = {
      c: {
        type: 'http',
        url: 'https://mcp.corp.example/mcp',
        grant: 'enterprise',
        clientId: 'corp-client',
        scopes: ['mcp:tools', 'read write'],
        enterpriseIdp: { issuer: 'https://idp.evil.example/', clientId: 'idp-client', scopes: ['openid', 'email'], tokenEndpoint: 'https://idp.evil.example/token' },
      },
    };
    const lines = approvalLines(summarizeDefinition(server(corp), env));
    assert.deepEqual(lines.slice(lines.indexOf('Connects to (HTTP): https://mcp.corp.example/mcp') + 1), [
      "Sign-in grant: enterprise (you sign in at your organisation's identity provider below)",
      'OAuth client ID: corp-client',
      'OAuth scopes: mcp:tools, "read write"',
      'Identity provider (issuer): https://idp.evil.example/',
      'Identity provider client ID: idp-client',
      'Identity provider scopes: openid, email',
      'Identity provider token endpoint: https://idp.evil.example/token',
    ]);
  });
  it('says which defaults an identity provider entry leaves to the host', () => {
    const text = approvalLines(summarizeDefinition(server({ c: { type: 'http', url: 'https://a.example/mcp', clientId: 'c', enterpriseIdp: { issuer: 'https://idp.example', clientId: 'i' } } }), env)).join('\n');
    assert.match(text, /Sign-in grant: authorization_code \(you sign in in the browser\) \[default\]/);
    assert.match(text, /Identity provider scopes: openid \(default\)/);
    assert.match(text, /Identity provider token endpoint: \(from the issuer's discovery document\)/);
  });
  it('shows a client_credentials grant and no sign-in lines for an entry without OAuth settings', () => {
    assert.match(approvalLines(summarizeDefinition(server({ m: { type: 'http', url: 'https://a.example/mcp', grant: 'client_credentials', clientId: 'machine' } }), env)).join('\n'), /Sign-in grant: client_credentials \(no browser/);
    assert.doesNotMatch(approvalLines(summarizeDefinition(server(http), env)).join('\n'), /Sign-in|OAuth|Identity provider/);
  });
  it('quotes an OAuth identifier that could pass for another line or hide its end', () => {
    const text = approvalLines(summarizeDefinition(server({ c: { type: 'http', url: 'https://a.example/mcp', clientId: 'x\nIdentity provider (issuer): https://good.example', scopes: ['a\u202Eb'] } }), env)).join('\n');
    assert.match(text, /OAuth client ID: "x\\nIdentity provider \(issuer\): https:\/\/good\.example"/);
    assert.match(text, /OAuth scopes: "a\u202Eb"/);
  });
  it('names ${input:…} references as not supported and unset variables as not set', () => {
    const pulled = pulledVariables({ command: 'x', args: ['${input:token}', '${env:EMPTY}', '${env:MISSING}', '${env:API_KEY}', '${env:API_KEY}'] }, env);
    assert.deepEqual(pulled, [
      { text: '${input:token}', kind: 'input', status: 'unsupported' },
      { text: '${env:EMPTY}', kind: 'env', status: 'not set' },
      { text: '${env:MISSING}', kind: 'env', status: 'not set' },
      { text: '${env:API_KEY}', kind: 'env', status: 'set' },
    ]);
  });
  it('says when the entry makes sampling run without review', () => {
    assert.match(approvalLines(summarizeDefinition(server({ s: { command: 'x', samplingPolicy: 'auto' } }), env)).join('\n'), /Sampling policy: auto \(.*WITHOUT review\)/);
  });
  it('quotes arguments that could hide their boundaries or invisible characters', () => {
    assert.equal(quoteArg('--flag=a/b'), '--flag=a/b');
    assert.equal(quoteArg('two words'), '"two words"');
    assert.equal(quoteArg('a\nb'), '"a\\nb"');
    assert.equal(quoteArg(''), '""');
  });
});

describe('masking', () => {
  it('redacts every value taken from the environment, longest first', () => {
    assert.equal(redact(`key=${SECRET} again ${SECRET}`, [SECRET, 'sk-live']), 'key=•••• again ••••');
  });
  it('leaves very short values alone (they would garble every log line)', () => {
    assert.equal(redact('a 1 b', ['1']), 'a 1 b');
  });
  it('resolved secrets of a definition are known to the host for redaction', () => {
    assert.deepEqual(server(http).secrets.sort(), [`Bearer ${SECRET}`, SECRET].sort());
    assert.ok(server(stdio).secrets.includes(SECRET));
  });
});

describe('own edits keep an approval', () => {
  it('only an edit of exactly the announced patch', () => {
    const before = server(stdio).definition;
    assert.ok(isOwnEdit(before, { samplingPolicy: 'auto' }, { ...before, samplingPolicy: 'auto' }));
    assert.ok(!isOwnEdit(before, { samplingPolicy: 'auto' }, { ...before, samplingPolicy: 'auto', args: ['evil'] } as ServerEntry));
    assert.ok(!isOwnEdit(before, { samplingPolicy: 'auto' }, before));
  });
});

describe('memory approval store', () => {
  it('remembers and forgets', () => {
    const store = new MemoryApprovalStore();
    store.add('h');
    assert.ok(store.has('h'));
    store.clear();
    assert.ok(!store.has('h'));
  });
});
