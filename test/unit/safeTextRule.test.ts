import { describe, it } from 'node:test';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { safeTextRule } from '../../scripts/eslint/safeTextRule.mjs';

// RuleTester reports each case as a node:test test.
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });
const head = "import * as vscode from 'vscode';\nimport { safe, safeText, safeLines } from '../shared/safeText';\n";
const ok = (code: string) => ({ code: head + code });
const bad = (code: string, errors = 1, messageId = 'unsafe') => ({ code: head + code, errors: Array.from({ length: errors }, () => ({ messageId })) });

tester.run('local/safe-text', safeTextRule, {
  valid: [
    ok("vscode.window.showErrorMessage('No server is running.', 'Show Logs');"),
    ok('vscode.window.showErrorMessage(safe`Server "${name}" failed: ${err.message}`, "Show Logs");'),
    ok('vscode.window.showWarningMessage(safeText(message, 500));'),
    ok('vscode.window.showInformationMessage(n === 1 ? "one" : safe`${n} servers`);'),
    ok('const text = safe`x ${y}`; vscode.window.showWarningMessage(text);'),
    ok('vscode.window.showWarningMessage(safe`open ${host}?`, { modal: true, detail: safeLines(url) }, "Open");'),
    ok('vscode.window.showQuickPick(servers.map((s) => ({ label: safeText(s.name), description: safe`${s.count} tools`, name: s.name })), { title: "Pick", placeHolder: safeText(p) });'),
    ok('const items = list.map((c) => { const x = 1; return { label: safeText(c.name), detail: c.bad ? safe`$(warning) ${c.issue}` : safeText(c.summary) }; }); vscode.window.showQuickPick(items);'),
    ok('vscode.window.showQuickPick([{ label: "$(terminal) Command", value: 1 }, { label: "$(globe) URL", value: 2 }]);'),
    ok('vscode.window.withProgress({ location: 15, title: safe`Calling ${tool}` }, (progress) => { progress.report({ message: safeText(m) }); return p; });'),
    ok('vscode.window.showInputBox({ title: safe`Arguments for ${tool}`, prompt: "JSON", value: JSON.stringify(x), validateInput: (t) => { if (!t) return "Required"; return problem ? { message: safeText(problem), severity: 3 } : undefined; } });'),
    ok('const item = new vscode.TreeItem(safeText(name)); item.description = safeText(d, 80); item.tooltip = safeLines(lines.join("\\n"));'),
    ok('vscode.window.createWebviewPanel("id", safe`Result: ${server}`, 1, {});'),
    ok('vscode.window.createOutputChannel(safe`Host: ${name}`, { log: true });'),
    ok('view.badge = n > 0 ? { value: n, tooltip: safe`${n} waiting` } : undefined;'),
    ok('const md = new vscode.MarkdownString(); md.appendText(serverText); md.isTrusted = false;'),
    ok('issues.report(parsed.issues);'),
  ],
  invalid: [
    bad('vscode.window.showErrorMessage(err.message);'),
    bad('vscode.window.showErrorMessage(`MCP server "${name}" failed: ${message}`);'),
    bad('vscode.window.showWarningMessage("Server " + name);'),
    bad('vscode.window.showWarningMessage(safeText(a) + safeText(b));'),
    bad('let text = safe`x`; text = server.message; vscode.window.showWarningMessage(text);'),
    bad('const { showErrorMessage } = vscode.window; void 0; vscode.window.showInformationMessage(ok ? "fine" : describeError(e));'),
    bad('vscode.window.showWarningMessage(safe`x`, { modal: true, detail: url.url });'),
    bad('vscode.window.showInformationMessage("Pick", { title: tool.name });'),
    bad('vscode.window.showQuickPick(servers.map((s) => ({ label: s.name })));'),
    bad('vscode.window.showQuickPick(tools.map((t) => ({ label: safeText(t.name), description: t.title, detail: `${t.description}` })));', 2),
    bad('vscode.window.showQuickPick(items);', 1, 'opaque'),
    bad('vscode.window.showQuickPick(tools.map((t) => ({ ...t })));', 1, 'opaque'),
    bad('vscode.window.showQuickPick(names);', 1, 'opaque'),
    bad('vscode.window.showQuickPick([{ label: "ok" }], { title: `Call Tool on ${server}` });'),
    bad('vscode.window.withProgress({ location: 15, title: `Calling ${tool}` }, async () => {});'),
    bad('vscode.window.withProgress(options, async () => {});', 1, 'opaque'),
    bad('progress.report({ message: p.message });'),
    bad('vscode.window.showInputBox({ prompt: tool.description });'),
    bad('vscode.window.showInputBox({ validateInput: (t) => (check(t) ? { message: check(t) } : undefined) });'),
    bad('vscode.window.showInputBox({ validateInput: (t) => { try { JSON.parse(t); } catch (e) { return `Not JSON: ${e.message}`; } return undefined; } });'),
    bad('new vscode.TreeItem(tool.name);'),
    bad('new vscode.TreeItem({ label: tool.name });'),
    bad('item.description = tool.title;'),
    bad('item.tooltip = lines.join("\\n");'),
    bad('statusItem.text = `$(zap) ${server.name}`;'),
    bad('panel.title = `Result of ${tool}`;'),
    bad('vscode.window.createWebviewPanel("id", `Result: ${server}`, 1, {});'),
    bad('vscode.window.createOutputChannel(`Host: ${name}`);'),
    bad('view.badge = { value: 1, tooltip: `${name} waits` };'),
    bad('new vscode.MarkdownString(serverText);', 1, 'markdown'),
    bad('new vscode.MarkdownString("ok", true);', 1, 'markdown'),
    bad('md.appendMarkdown(serverText);', 1, 'markdown'),
    bad('md.isTrusted = true;', 1, 'markdown'),
    bad('md.supportHtml = flag;', 1, 'markdown'),
  ],
});

// A helper of the same name that is not imported from safeText does not count.
tester.run('local/safe-text (helper must be imported from safeText)', safeTextRule, {
  valid: [],
  invalid: [
    {
      code: "import * as vscode from 'vscode';\nimport { safeText } from './elsewhere';\nvscode.window.showErrorMessage(safeText(x));",
      errors: [{ messageId: 'unsafe' }],
    },
  ],
});
