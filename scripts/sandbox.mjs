#!/usr/bin/env node
// `npm start`: a sandbox VS Code (code-server 1.139) in your browser with MCP Approval
// Host installed, a demo MCP server configured and a clearly labelled demo model that is
// NOT an LLM (deterministic keyword rules). Prints the URL; Ctrl+C stops everything.
//
//   PORT=8080 npm start      choose the port (default: 8080, or the next free one)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provision } from '../test/e2e/provision.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SANDBOX = join(REPO, 'artifacts', 'sandbox');

function step(title, fn) {
  process.stderr.write(`sandbox: ${title}…\n`);
  return fn();
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function writeJson(file, value) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function portFree(port) {
  return new Promise((resolveFree) => {
    const srv = createServer();
    srv.once('error', () => resolveFree(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolveFree(true)));
  });
}

async function pickPort() {
  const wanted = Number(process.env.PORT || 8080);
  for (let p = wanted; p < wanted + 50; p++) if (await portFree(p)) return p;
  throw new Error(`no free port from ${wanted} to ${wanted + 49}`);
}

const WORKSPACE_README = `# MCP Approval Host sandbox

This VS Code runs in your browser with **MCP Approval Host** installed and one MCP server
configured in your user settings (\`mcpApprovalHost.servers\`): the demo server (examples/demo-server).

The language model here is **"Demo Model (deterministic, not an LLM)"**: it answers with
keyword rules so you can see the whole review flow without a real model provider.

Try it:
1. Open the **MCP Approval Host** view in the activity bar: the \`demo\` server is running;
   expand it to see its tools, prompts and resources.
2. Run **MCP Approval Host: Call Tool…** (F1), pick \`demo\` → \`summarize_text\`, enter some text.
   The sampling request appears in the **Requests** panel: review the prompt, pick the
   model, edit, press **Run**, review the completion, press **Send** (or **Reject**).
3. Call \`book_trip\` for a form with every field type (**Accept / Decline / Cancel**),
   \`delete_files\` for a confirmation, \`sign_in\` for a URL-mode request,
   \`classify_log_line\`, \`triage_ticket\`, and \`research\` (sampling with tools).
`;

async function main() {
  const paths = step('provisioning code-server, Node 24 and Chromium (first run: ~2 minutes)', () => provision());
  step('building and packaging the extension', () => run('npm', ['run', '--silent', 'package'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] }));
  rmSync(SANDBOX, { recursive: true, force: true });
  const dirs = { userData: join(SANDBOX, 'user-data'), extensions: join(SANDBOX, 'extensions'), workspace: join(SANDBOX, 'workspace') };
  mkdirSync(SANDBOX, { recursive: true });
  const demoModelVsix = join(SANDBOX, 'demo-model.vsix');
  step('packaging the demo model extension', () =>
    run(join(REPO, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', demoModelVsix], {
      cwd: join(REPO, 'examples', 'demo-model-extension'),
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  writeJson(join(dirs.userData, 'User', 'settings.json'), {
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.startupEditor': 'readme',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'git.openRepositoryInParentFolders': 'never',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // In user settings: a server the workspace defined would first ask for approval.
    'mcpApprovalHost.servers': {
      demo: { type: 'stdio', command: process.execPath, args: [join(REPO, 'examples', 'demo-server', 'server.mjs')] },
    },
  });
  mkdirSync(dirs.workspace, { recursive: true });
  writeFileSync(join(dirs.workspace, 'README.md'), WORKSPACE_README);
  const csBase = [paths.codeServerEntry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  step('installing the extension and the demo model', () =>
    run(paths.node24, [...csBase, '--install-extension', join(REPO, 'dist', 'mcp-approval-host.vsix'), '--install-extension', demoModelVsix, '--force'], { stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  const port = await pickPort();
  const child = spawn(
    paths.node24,
    [...csBase, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', dirs.workspace],
    { stdio: ['ignore', 'ignore', 'inherit'], detached: true, env: { ...process.env, XDG_DATA_HOME: join(SANDBOX, 'xdg') } },
  );
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { stop(); process.exit(0); });
  process.on('exit', stop);
  child.on('exit', (code) => {
    process.stderr.write(`sandbox: code-server exited (${code})\n`);
    process.exit(code ?? 0);
  });
  process.stdout.write(`\nMCP Approval Host sandbox is running.\nOpen in a browser:  http://127.0.0.1:${port}/?folder=${encodeURI(dirs.workspace)}\nPress Ctrl+C to stop.\n\n`);
}

main().catch((err) => {
  process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
