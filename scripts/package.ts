// `npm run package`: production build, then the VSIX (dist/mcp-approval-host.vsix) from a
// staging folder, so that what the marketplace needs comes from git and nothing tracked
// is rewritten:
// - a remote in `git config remote.origin.url` gives package.json `repository`, `homepage`
//   and (GitHub/GitLab) `bugs`, and vsce resolves the README's relative links and images
//   against that repository (`--baseContentUrl` / `--baseImagesUrl`);
// - without one those fields stay out (`--allow-missing-repository`) and the packaged
//   README names the screenshots and relative links as text instead of linking nowhere.
// `--skip-build` packages the current dist/ as is.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseUrls, manifestFields, readmeWithoutRelativeLinks, repositoryFromRemote } from './packageMetadata';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STAGE = join(REPO, 'artifacts', 'vsix-stage');
const OUT = join(REPO, 'dist', 'mcp-approval-host.vsix');
const VSCE = join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');

function run(cmd: string, args: string[], cwd = REPO): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
  return r.stdout;
}

function gitRemote(): string | undefined {
  const r = spawnSync('git', ['config', '--get', 'remote.origin.url'], { cwd: REPO, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

function main(): void {
  if (!process.argv.includes('--skip-build')) run(process.execPath, [join(REPO, 'scripts', 'build.mjs'), '--production']);

  const remote = gitRemote();
  const repo = repositoryFromRemote(remote);
  if (remote && !repo) process.stderr.write(`package: remote.origin.url (${remote}) is not a public repository URL; repository fields left out\n`);
  const bases = repo ? baseUrls(repo) : undefined;

  // The files .vscodeignore lets into the VSIX, copied as they are…
  const files = run(process.execPath, [VSCE, 'ls', '--no-dependencies']).split('\n').map((l) => l.trim()).filter(Boolean);
  rmSync(STAGE, { recursive: true, force: true });
  for (const file of [...files, '.vscodeignore']) {
    mkdirSync(dirname(join(STAGE, file)), { recursive: true });
    cpSync(join(REPO, file), join(STAGE, file));
  }
  // …except the manifest (repository fields from git) and the README (links).
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete manifest.repository;
  delete manifest.bugs;
  delete manifest.homepage;
  writeFileSync(join(STAGE, 'package.json'), `${JSON.stringify({ ...manifest, ...(repo ? manifestFields(repo) : {}) }, null, 2)}\n`);
  if (!bases) writeFileSync(join(STAGE, 'README.md'), readmeWithoutRelativeLinks(readFileSync(join(REPO, 'README.md'), 'utf8')));

  const args = ['package', '--no-dependencies', '--out', OUT];
  if (bases) args.push('--baseContentUrl', bases.content, '--baseImagesUrl', bases.images);
  if (!repo) args.push('--allow-missing-repository');
  mkdirSync(dirname(OUT), { recursive: true });
  process.stdout.write(run(process.execPath, [VSCE, ...args], STAGE));
  process.stderr.write(repo
    ? `package: repository ${repo.web}${bases ? `, README links and images resolved against ${bases.images}` : ''}\n`
    : 'package: no git remote: repository, bugs and homepage left out; README screenshots and relative links named as text\n');
}

try {
  main();
} catch (err) {
  process.stderr.write(`package: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
