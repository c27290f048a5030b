// End-to-end harness: runs the built extension in a real VS Code (code-server 4.139.1 =
// VS Code 1.139.1) driven by Debian's Chromium through playwright-core.
// See test/e2e/README.md. Recipes: /work/shared/REAL-VSCODE.md.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { provision } from './provision.mjs';
import { makeApi, waitFor } from './workbench.mjs';

export { waitFor };

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');
export const ARTIFACTS = join(REPO, 'artifacts');
export const SCREENSHOTS = join(ARTIFACTS, 'screenshots');
export const E2E_ARTIFACTS = join(ARTIFACTS, 'e2e');
export const FIXTURES = join(REPO, 'test', 'fixtures');
export const MAIN_VSIX = process.env.E2E_MAIN_VSIX ? resolve(process.env.E2E_MAIN_VSIX) : join(REPO, 'dist', 'mcp-approval-host.vsix');
export const MAIN_EXTENSION_ID = 'mcp-approval-host.mcp-approval-host';
export const TEST_MODEL_DIR = join(HERE, 'test-model-extension');
export const TEST_MODEL_VSIX = join(E2E_ARTIFACTS, 'e2e-test-models.vsix');
export const DARK_THEME = 'Default Dark Modern';
export const LIGHT_THEME = 'Default Light Modern';

const VERBOSE = process.env.E2E_VERBOSE === '1';
const debug = (...a) => { if (VERBOSE) process.stderr.write(`[e2e] ${a.join(' ')}\n`); };
const info = (...a) => process.stderr.write(`[e2e] ${a.join(' ')}\n`);

// ---------------------------------------------------------------------------------------
// Process guard: everything we start is in its own process group and is killed on exit,
// on SIGINT/SIGTERM/SIGHUP, on an uncaught error, and (via a detached reaper) even when
// this process is SIGKILLed.
// ---------------------------------------------------------------------------------------
const liveGroups = new Set();
/** Cleanup of run folders still in use when the process exits abruptly. */
const liveRuns = new Map();
let guardInstalled = false;

function killGroup(pid, signal = 'SIGKILL') {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
  try { process.kill(pid, signal); } catch { /* already gone */ }
}

function installGuard() {
  if (guardInstalled) return;
  guardInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid);
    for (const cleanup of liveRuns.values()) {
      try { cleanup(); } catch { /* best effort */ }
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      for (const pid of liveGroups) killGroup(pid);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * A detached shell that, once this process disappears (even by SIGKILL), kills `pid`'s
 * process group and removes `cleanupDir`. It exits quietly when `pid` ends first.
 */
function startReaper(pid, cleanupDir) {
  const rm = cleanupDir && process.env.E2E_KEEP !== '1' ? `; rm -rf '${cleanupDir.replace(/'/g, '')}'` : '';
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; ` +
    `if ! kill -0 ${process.pid} 2>/dev/null; then kill -9 -${pid} 2>/dev/null; kill -9 ${pid} 2>/dev/null; sleep 1${rm}; fi; exit 0`;
  const reaper = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  reaper.unref();
  return reaper;
}

function trackGroup(pid, cleanupDir) {
  installGuard();
  liveGroups.add(pid);
  startReaper(pid, cleanupDir);
}

async function stopGroup(pid, graceMs = 3000) {
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    try { process.kill(-pid, 0); } catch { break; }
    await sleep(100);
  }
  killGroup(pid, 'SIGKILL');
  liveGroups.delete(pid);
}

// ---------------------------------------------------------------------------------------
// Building the VSIXes
// ---------------------------------------------------------------------------------------
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(path)) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    max = Math.max(max, newestMtime(join(path, e)));
  }
  return max;
}

let mainBuilt = false;
/**
 * Runs `npm run package` once per process (and not at all when E2E_SKIP_BUILD=1 and the
 * VSIX exists: run.mjs builds once and sets it for the test processes).
 */
export function ensureMainVsix() {
  if (mainBuilt) return MAIN_VSIX;
  if (process.env.E2E_BUILD_ERROR) {
    const file = process.env.E2E_BUILD_ERROR;
    throw new Error(`the extension did not build (run.mjs), see ${file}:\n${existsSync(file) ? readFileSync(file, 'utf8').slice(-3000) : ''}`);
  }
  if (process.env.E2E_MAIN_VSIX || (process.env.E2E_SKIP_BUILD === '1' && existsSync(MAIN_VSIX))) {
    if (!existsSync(MAIN_VSIX)) throw new Error(`E2E_MAIN_VSIX does not exist: ${MAIN_VSIX}`);
    mainBuilt = true;
    return MAIN_VSIX;
  }
  const started = Date.now();
  const r = spawnSync('npm', ['run', 'package'], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 || !existsSync(MAIN_VSIX)) {
    throw new Error(`npm run package failed (exit ${r.status}):\n${(r.stdout || '').slice(-3000)}\n${(r.stderr || '').slice(-3000)}`);
  }
  info(`built ${MAIN_VSIX} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  mainBuilt = true;
  process.env.E2E_SKIP_BUILD = '1';
  return MAIN_VSIX;
}

/** Packages the test-only model extension with vsce when its sources changed. */
export function ensureTestModelVsix() {
  if (existsSync(TEST_MODEL_VSIX) && statSync(TEST_MODEL_VSIX).mtimeMs >= newestMtime(TEST_MODEL_DIR)) return TEST_MODEL_VSIX;
  mkdirSync(dirname(TEST_MODEL_VSIX), { recursive: true });
  const vsce = join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const tmp = `${TEST_MODEL_VSIX}.${process.pid}.vsix`;
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-star-activation', '--allow-missing-repository', '--skip-license', '--out', tmp], {
    cwd: TEST_MODEL_DIR, encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`vsce package (test model extension) failed:\n${r.stdout}\n${r.stderr}`);
  cpSync(tmp, TEST_MODEL_VSIX);
  rmSync(tmp, { force: true });
  return TEST_MODEL_VSIX;
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------
function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

function writeJson(file, value) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2));
}

/** Environment for code-server: no test-runner or tsx leftovers, no parent VS Code. */
function childEnv(extra) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('VSCODE_') || k.startsWith('NODE_TEST') || k === 'NODE_OPTIONS' || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  }
  return { ...env, ...extra };
}

function baseUserSettings(theme, controlDir) {
  return {
    'workbench.colorTheme': theme,
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.editor.empty.hint': 'hidden',
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'chat.commandCenter.enabled': false,
    'window.commandCenter': false,
    'editor.minimap.enabled': false,
    'e2eTest.controlDir': controlDir,
  };
}

// ---------------------------------------------------------------------------------------
// startVsCode
// ---------------------------------------------------------------------------------------
let instanceCounter = 0;

/**
 * Starts code-server with fresh user-data/extension folders, installs the main VSIX and
 * the test model VSIX, opens a workspace in Chromium and waits for the workbench.
 *
 * @param {object} [opts]
 * @param {object} [opts.workspaceSettings] written to `<workspace>/.vscode/settings.json`
 * @param {object} [opts.userSettings] merged over the harness' user settings
 * @param {string} [opts.theme] `workbench.colorTheme` (default: Default Dark Modern)
 * @param {boolean} [opts.mainExtension] install the main VSIX (default true; E2E_MAIN=0 disables)
 * @param {Record<string,string>} [opts.files] extra workspace files (relative path → content)
 * @param {string} [opts.label] name for logs in artifacts/e2e/logs/<label>
 * @param {{width:number,height:number}} [opts.viewport]
 * @param {Record<string,string>} [opts.env] extra environment for code-server (its extension host and
 *   the servers it starts inherit it, so `${env:NAME}` in a server entry sees it)
 * @param {Array<{name:string, settings?:object, files?:Record<string,string>}>} [opts.folders] open a
 *   multi-root workspace: `<workspace>/<name>/` per folder with its own `.vscode/settings.json`, and
 *   `<workspace>/test.code-workspace` whose `settings` are `workspaceSettings`
 * @param {'disabled'|'untrusted'} [opts.workspaceTrust] `disabled` (default): `--disable-workspace-trust`;
 *   `untrusted`: workspace trust on and the workspace opens in Restricted Mode (no startup prompt)
 * @param {string[]} [opts.extraVsixes] more test-only VSIXes to install (e.g. the benchmark's floor extension)
 */
export async function startVsCode(opts = {}) {
  const t0 = Date.now();
  const {
    workspaceSettings = {}, userSettings = {}, theme = DARK_THEME, files = {},
    viewport = { width: 1400, height: 900 }, env: extraEnv = {}, folders, workspaceTrust = 'disabled',
  } = opts;
  const mainExtension = opts.mainExtension ?? process.env.E2E_MAIN !== '0';
  const label = (opts.label || `vscode-${process.pid}-${++instanceCounter}`).replace(/[^\w.-]+/g, '_');

  // run.mjs provisions first and sets E2E_PROVISIONED: then this is a quiet cache check.
  const paths = provision({ quiet: process.env.E2E_PROVISIONED === '1' });
  const vsixes = [ensureTestModelVsix(), ...(opts.extraVsixes ?? [])];
  if (mainExtension) vsixes.unshift(ensureMainVsix());

  mkdirSync(join(tmpdir(), 'mcp-approval-host-e2e'), { recursive: true });
  const runDir = mkdtempSync(join(tmpdir(), 'mcp-approval-host-e2e', `${label}-`));
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  const workspaceDir = join(runDir, 'workspace');
  const controlDir = join(runDir, 'control');
  for (const d of [userDataDir, extensionsDir, workspaceDir, controlDir]) mkdirSync(d, { recursive: true });

  const userSettingsFile = join(userDataDir, 'User', 'settings.json');
  // A multi-root window keeps its workspace settings in the .code-workspace file.
  const workspaceFile = folders ? join(workspaceDir, 'test.code-workspace') : undefined;
  const workspaceSettingsFile = join(workspaceDir, '.vscode', 'settings.json');
  const trustSettings = workspaceTrust === 'untrusted'
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false }
    : {};
  let currentUserSettings = { ...baseUserSettings(theme, controlDir), ...trustSettings, ...userSettings };
  let currentWorkspaceSettings = { ...workspaceSettings };
  const writeWorkspaceSettings = (value) => {
    if (workspaceFile) writeJson(workspaceFile, { folders: folders.map((f) => ({ path: f.name })), settings: value });
    else writeJson(workspaceSettingsFile, value);
  };
  writeJson(userSettingsFile, currentUserSettings);
  writeWorkspaceSettings(currentWorkspaceSettings);
  const folderSettings = new Map();
  for (const folder of folders ?? []) {
    folderSettings.set(folder.name, { ...(folder.settings ?? {}) });
    writeJson(join(workspaceDir, folder.name, '.vscode', 'settings.json'), folderSettings.get(folder.name));
    for (const [rel, content] of Object.entries(folder.files ?? {})) {
      mkdirSync(dirname(join(workspaceDir, folder.name, rel)), { recursive: true });
      writeFileSync(join(workspaceDir, folder.name, rel), content);
    }
  }
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(workspaceDir, rel)), { recursive: true });
    writeFileSync(join(workspaceDir, rel), content);
  }
  const configFile = join(runDir, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');

  // XDG folders inside the run folder: code-server keeps a heartbeat and logs in
  // $XDG_DATA_HOME/code-server and Chromium its crash reports in $XDG_CONFIG_HOME.
  const xdg = { XDG_DATA_HOME: join(runDir, 'xdg', 'data'), XDG_CONFIG_HOME: join(runDir, 'xdg', 'config'), XDG_CACHE_HOME: join(runDir, 'xdg', 'cache') };
  const env = childEnv({ ...extraEnv, ...xdg, E2E_CONTROL_DIR: controlDir, E2E_MODEL_LOG: join(controlDir, 'model-log.jsonl') });
  const csBase = [paths.codeServerEntry, '--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  // Install the extensions the way a user would.
  const tInstall = Date.now();
  const install = spawnSync(paths.node24, [...csBase, ...vsixes.flatMap((v) => ['--install-extension', v]), '--force'], {
    env, encoding: 'utf8', timeout: 120000,
  });
  const installOut = `${install.stdout}\n${install.stderr}`;
  if (install.status !== 0 || /Failed|Error/i.test(installOut.replace(/Installing extensions\.\.\./g, ''))) {
    throw new Error(`code-server --install-extension failed (exit ${install.status}):\n${installOut}`);
  }
  debug(`installed ${vsixes.map((v) => basename(v)).join(', ')} in ${Date.now() - tInstall} ms`);

  const port = await freePort();
  const csLog = join(runDir, 'code-server.log');
  const logFd = openSync(csLog, 'a');
  const cs = spawn(paths.node24, [
    ...csBase, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', ...(workspaceTrust === 'untrusted' ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override', '--ignore-last-opened', workspaceFile ?? workspaceDir,
  ], { env, detached: true, stdio: ['ignore', logFd, logFd] });
  trackGroup(cs.pid, runDir);
  liveRuns.set(runDir, () => {
    copyLogs(vs);
    if (process.env.E2E_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
  });
  let csExit = null;
  cs.on('exit', (code, signal) => { csExit = { code, signal }; });

  const base = `http://127.0.0.1:${port}`;
  let browserServer;
  let browser;
  let stopped = false;
  const vs = {
    runDir, userDataDir, extensionsDir, workspaceDir, workspaceFile, controlDir, port, url: base, codeServerPid: cs.pid, label, screenshotsDir: SCREENSHOTS,
  };

  const stop = async ({ keep = process.env.E2E_KEEP === '1' } = {}) => {
    if (stopped) return;
    stopped = true;
    try { if (browser) await Promise.race([browser.close(), sleep(3000)]); } catch { /* ignore */ }
    if (browserServer) {
      const pid = browserServer.process().pid;
      try { await Promise.race([browserServer.close(), sleep(3000)]); } catch { /* ignore */ }
      await stopGroup(pid, 500);
    }
    await stopGroup(cs.pid);
    liveRuns.delete(runDir);
    try { copyLogs(vs); } catch (err) { debug(`copying logs failed: ${err.message}`); }
    if (!keep) rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
    else info(`kept ${runDir}`);
  };
  vs.stop = stop;

  try {
    await waitFor(async () => {
      if (csExit) throw new Error(`code-server exited early ${JSON.stringify(csExit)}:\n${readFileSync(csLog, 'utf8').slice(-2000)}`);
      const r = await fetch(`${base}/healthz`).catch(() => null);
      return r && r.ok;
    }, 30000, { message: 'code-server /healthz' }).catch((err) => {
      if (csExit) throw new Error(`code-server exited early:\n${readFileSync(csLog, 'utf8').slice(-2000)}`);
      throw err;
    });

    browserServer = await chromium.launchServer({
      executablePath: paths.chromium,
      headless: process.env.E2E_HEADED !== '1',
      env: { ...process.env, ...xdg },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'],
    });
    trackGroup(browserServer.process().pid);
    browser = await chromium.connect(browserServer.wsEndpoint());
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    vs.browser = browser;
    vs.context = context;
    vs.page = page;
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    vs.consoleErrors = consoleErrors;

    const target = workspaceFile ? `workspace=${encodeURIComponent(workspaceFile)}` : `folder=${encodeURIComponent(workspaceDir)}`;
    await page.goto(`${base}/?${target}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ state: 'attached', timeout: 60000 });
    // The test extension activates on '*' and writes ready.json once the bridge runs:
    // that means the extension host is up and every installed extension was scanned.
    await waitFor(() => existsSync(join(controlDir, 'ready.json')), 60000, { message: 'test model extension ready (extension host up)' });
    await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 30000 });
  } catch (err) {
    await stop({ keep: true });
    throw err;
  }

  Object.assign(vs, makeApi(vs, {
    getUserSettings: () => currentUserSettings,
    setUserSettingsMirror: (s) => { currentUserSettings = s; },
    getWorkspaceSettings: () => currentWorkspaceSettings,
    setWorkspaceSettings: (s) => { currentWorkspaceSettings = s; writeWorkspaceSettings(s); },
    getFolderSettings: (name) => folderSettings.get(name),
    setFolderSettings: (name, s) => { folderSettings.set(name, s); writeJson(join(workspaceDir, name, '.vscode', 'settings.json'), s); },
  }));
  debug(`VS Code ready at ${base} in ${Date.now() - t0} ms (${runDir})`);
  vs.startupMs = Date.now() - t0;
  return vs;
}

function copyLogs(vs) {
  const dest = join(E2E_ARTIFACTS, 'logs', vs.label);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  if (existsSync(join(vs.runDir, 'code-server.log'))) cpSync(join(vs.runDir, 'code-server.log'), join(dest, 'code-server.log'));
  const logs = join(vs.userDataDir, 'logs');
  if (existsSync(logs)) cpSync(logs, join(dest, 'vscode-logs'), { recursive: true });
  const modelLog = join(vs.controlDir, 'model-log.jsonl');
  if (existsSync(modelLog)) cpSync(modelLog, join(dest, 'model-log.jsonl'));
}

/** Settings object for an MCP stdio fixture server (VS Code mcp.json shape). */
export function stdioServer(fixture, { env, args = [] } = {}) {
  return {
    type: 'stdio',
    command: 'node',
    args: [join(FIXTURES, fixture), ...args],
    ...(env ? { env } : {}),
  };
}

/**
 * A test step bound to one VS Code: on failure it saves `fail-<prefix><name>.png`
 * first (what a person would have seen), then runs `cleanup` so one failure does
 * not block the next step.
 * @param {() => { screenshot(name: string): Promise<unknown> } | undefined} getVs
 * @param {{ prefix?: string, timeout?: number, cleanup?: () => Promise<unknown> }} [options]
 */
export function stepFor(getVs, { prefix = '', timeout: defaultTimeout = 60000, cleanup } = {}) {
  return (name, fn, timeout = defaultTimeout) =>
    test(name, { timeout }, async () => {
      try {
        await fn();
      } catch (err) {
        await getVs()?.screenshot(`fail-${prefix}${name.replace(/[^\w]+/g, '-').slice(0, 60)}`).catch(() => {});
        await cleanup?.().catch(() => {});
        throw err;
      }
    });
}
