// The marketplace-facing parts of package.json hold together: the walkthrough's completion
// events name commands, views and settings that exist, its media ship in the VSIX, the
// README's screenshots exist and do not ship, and the icon is the 128 px PNG the gallery wants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
interface Step { id: string; title: string; description: string; media: { markdown?: string; image?: string }; completionEvents: string[] }
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const steps: Step[] = manifest.contributes.walkthroughs[0].steps;
const commands = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
const views = new Set<string>(Object.values(manifest.contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id));
const settings = new Set<string>(Object.keys(manifest.contributes.configuration.properties));
/** Commands of VS Code itself that a step may wait for. */
const BUILT_IN_COMMANDS = new Set(['workbench.action.chat.open']);

/** What `vsce ls` would put into the VSIX (honours .vscodeignore). */
function packagedFiles(): string[] {
  const r = spawnSync(process.execPath, [join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

test('every walkthrough step completes on a command, view or setting the extension (or VS Code) has', () => {
  assert.deepEqual(steps.map((s) => s.id), ['addServer', 'trySampling', 'reviewCard', 'useInChat', 'setPolicy']);
  for (const step of steps) {
    assert.ok(step.completionEvents.length > 0, step.id);
    for (const event of step.completionEvents) {
      const [kind, target] = event.split(/:(.*)/s);
      if (kind === 'onCommand') assert.ok(commands.has(target) || BUILT_IN_COMMANDS.has(target), `${step.id}: no command ${target}`);
      else if (kind === 'onView') assert.ok(views.has(target), `${step.id}: no view ${target}`);
      else if (kind === 'onSettingChanged') assert.ok(settings.has(target), `${step.id}: no setting ${target}`);
      else assert.fail(`${step.id}: ${event} is not a command, view or setting event`);
    }
  }
});

test('every command link in a step description names a command, and the step completes when it runs', () => {
  for (const step of steps) {
    const links = [...step.description.matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]);
    assert.ok(links.length > 0, `${step.id} has a button`);
    for (const command of links) assert.ok(commands.has(command) || BUILT_IN_COMMANDS.has(command), `${step.id}: no command ${command}`);
    assert.ok(links.some((c) => step.completionEvents.includes(`onCommand:${c}`)), `${step.id}: its button completes it`);
    assert.doesNotMatch(step.description, /`/, `${step.id}: the Welcome page shows backticks literally`);
  }
});

test('the walkthrough media are small markdown files that ship in the VSIX; the screenshots and the icon source do not', () => {
  const files = packagedFiles();
  for (const step of steps) {
    assert.ok(step.media.markdown, `${step.id} has markdown media`);
    const file = step.media.markdown;
    assert.ok(existsSync(join(REPO, file)), file);
    assert.ok(statSync(join(REPO, file)).size < 4096, `${file} stays tiny`);
    assert.ok(files.includes(file), `${file} is packaged`);
  }
  assert.deepEqual(files.filter((f) => f.startsWith('media/screenshots/') || f === 'media/icon.svg'), []);
  assert.ok(files.includes('media/icon.png'));
});

test('the README shows screenshots that exist, and links no placeholder repository', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.ok(images.length >= 8, 'dark and light pictures of at least four parts');
  for (const image of images) assert.ok(existsSync(join(REPO, image)), `${image} exists`);
  for (const text of [readme, JSON.stringify(manifest)]) assert.doesNotMatch(text, /example\.invalid/);
  // Repository fields come from git at packaging time (scripts/package.ts), never from a guess here.
  for (const field of ['repository', 'bugs', 'homepage']) assert.equal(field in manifest, false, field);
});

test('the helper extensions (test model, bench floor, sandbox demo model) name no made-up repository', () => {
  for (const file of ['test/e2e/test-model-extension/package.json', 'test/bench/floor-extension/package.json', 'examples/demo-model-extension/package.json']) {
    const text = readFileSync(join(REPO, file), 'utf8');
    assert.doesNotMatch(text, /example\.invalid/, file);
    // They are packaged with --allow-missing-repository: no repository beats an invented one.
    assert.equal('repository' in JSON.parse(text), false, file);
  }
});

test('the icon is a 128×128 PNG with transparency, and the gallery banner has a colour and a theme', () => {
  const png = readFileSync(join(REPO, manifest.icon));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.equal(png.readUInt32BE(16), 128);
  assert.equal(png.readUInt32BE(20), 128);
  assert.equal(png[25], 6, 'RGBA');
  assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
  assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
});
