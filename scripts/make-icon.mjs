#!/usr/bin/env node
// Renders media/icon.svg to media/icon.png (128×128, transparent corners) with the
// Chromium the end-to-end tests use: no image tool needed. Run after editing the SVG
// (`node scripts/make-icon.mjs`); both files are committed, only the PNG is packaged.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { provision } from '../test/e2e/provision.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const svg = readFileSync(join(REPO, 'media', 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: provision({ quiet: true }).chromium, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: join(REPO, 'media', 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
process.stdout.write('media/icon.png written\n');
