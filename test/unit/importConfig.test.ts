import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidatesFrom, ConfigParseError, parseJsonc } from '../../src/host/importConfig';

describe('reading mcp.json and Claude Desktop config (JSON with comments)', () => {
  it('leaves ",}" and ",]" inside string values alone', () => {
    const text = '{ "servers": { "a": { "command": "node", "args": ["--x={a,}", "[1,]", "a,  ]b"], "env": { "V": ",}" } } } }';
    assert.deepEqual(candidatesFrom(text, 'mcp.json'), [
      { name: 'a', entry: { command: 'node', args: ['--x={a,}', '[1,]', 'a,  ]b'], env: { V: ',}' } }, source: 'mcp.json' },
    ]);
  });

  it('reads line and block comments and trailing commas, but not comment markers inside strings', () => {
    const text = [
      '// servers for this repo',
      '{',
      '  /* the one we use */',
      '  "servers": {',
      '    "web": { "type": "http", "url": "https://example.com//mcp/*x*/", }, // trailing comma',
      '  },',
      '}',
    ].join('\n');
    assert.deepEqual(parseJsonc(text, 'mcp.json'), { servers: { web: { type: 'http', url: 'https://example.com//mcp/*x*/' } } });
  });

  it('keeps escaped quotes and backslashes in strings', () => {
    assert.deepEqual(parseJsonc('{"p": "C:\\\\tools\\\\\\"x\\",}"}', 'f'), { p: 'C:\\tools\\"x",}' });
  });

  it('reports a broken file with its name, the problem and the line and column', () => {
    const text = '{\n  "servers": {\n    "a": { "command": "node" }\n    "b": { "command": "x" }\n  }\n}';
    assert.throws(
      () => candidatesFrom(text, 'my-repo/.vscode/mcp.json'),
      (err: unknown) => {
        assert.ok(err instanceof ConfigParseError);
        assert.equal(err.source, 'my-repo/.vscode/mcp.json');
        assert.deepEqual(err.problems[0], { message: 'comma expected', line: 4, column: 5 });
        assert.equal(err.message, 'my-repo/.vscode/mcp.json is not valid JSON: comma expected at line 4, column 5');
        return true;
      },
    );
  });

  it('counts further problems and reports an unterminated file', () => {
    assert.throws(() => parseJsonc('{ "a": 1,, "b": [1 2 }', 'x.json'), /^ConfigParseError: x\.json is not valid JSON: .+ at line 1, column \d+ \(and \d+ more problems?\)$/);
    assert.throws(() => parseJsonc('{ "servers": {', 'x.json'), /x\.json is not valid JSON: .*expected at line 1, column 15/);
    assert.throws(() => parseJsonc('', 'empty.json'), /empty\.json is not valid JSON: value expected at line 1, column 1/);
  });

  it('finds nothing in a valid file without a servers table', () => {
    assert.deepEqual(candidatesFrom('[1, 2]', 'a'), []);
    assert.deepEqual(candidatesFrom('{ "servers": 3 }', 'a'), []);
    assert.deepEqual(candidatesFrom('null', 'a'), []);
  });
});
