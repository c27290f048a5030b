// Workbench helpers for the end-to-end tests: palette, quick inputs, tree views,
// webviews, the Output view, settings, screenshots. Used through startVsCode().
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `fn` until it returns a truthy value; returns that value or throws with the last error. */
export async function waitFor(fn, timeout = 15000, { interval = 200, message } = {}) {
  const deadline = Date.now() + timeout;
  let lastErr;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      const why = message || fn.toString().slice(0, 200);
      throw new Error(`waitFor timed out after ${timeout} ms: ${why}${lastErr ? ` (last error: ${lastErr.message})` : ''}`);
    }
    await sleep(interval);
  }
}

/** Every file below `dir`, recursively. */
function walk(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/**
 * The helpers a test uses on a started VS Code (`vs` from startVsCode).
 * @param {object} vs the instance: page, controlDir, userDataDir, screenshotsDir
 * @param {object} settings accessors for the harness' copies of the settings
 */
export function makeApi(vs, settings) {
  const { page } = vs;
  const quickInput = page.locator('.quick-input-widget');
  const quickInputBox = quickInput.locator('.quick-input-box input');

  const api = {
    waitFor,

    /** Runs a command via `vscode.commands.executeCommand(command, ...args)` through the test extension's file bridge. */
    async invoke(command, ...args) {
      return api.invokeWithTimeout(30000, command, ...args);
    },
    async invokeWithTimeout(timeout, command, ...args) {
      const id = `${Date.now()}-${randomUUID()}.json`;
      const inboxTmp = join(vs.controlDir, `${id}.tmp`);
      writeFileSync(inboxTmp, JSON.stringify({ command, args }));
      renameSync(inboxTmp, join(vs.controlDir, 'inbox', id));
      const outFile = join(vs.controlDir, 'outbox', id);
      await waitFor(() => existsSync(outFile), timeout, { interval: 100, message: `result of ${command}` });
      const answer = JSON.parse(readFileSync(outFile, 'utf8'));
      rmSync(outFile, { force: true });
      if (!answer.ok) throw new Error(`command ${command} failed: ${answer.error}`);
      return answer.result;
    },

    /** Opens the command palette (F1), types `title` and runs the row whose label is exactly `title`. */
    async runCommand(title, { exact = true } = {}) {
      await api.closeQuickInput();
      for (let attempt = 0; ; attempt++) {
        await page.keyboard.press('F1');
        try {
          await quickInputBox.waitFor({ state: 'visible', timeout: 3000 });
          // A view that takes focus late (the chat input, a webview) closes the palette on blur
          // between these two steps: a short fill that fails means "open it again".
          await quickInputBox.fill(`>${title}`, { timeout: 3000 });
          break;
        } catch (err) {
          if (attempt >= 3) throw err;
          // Focus may sit somewhere that swallows F1: move it to the workbench and retry.
          // A modal editor (code-server 1.139 opens Settings as a modal) covers the status bar: Escape first.
          await page.keyboard.press('Escape');
          await page.locator('.part.statusbar').click({ position: { x: 2, y: 2 }, timeout: 2000 }).catch(() => {});
        }
      }
      const row = await api.quickPickRow(title, { exact });
      await row.click();
    },

    /** The quick-pick row whose label is `label` (exactly, or containing it). Waits for it. */
    async quickPickRow(label, { exact = true, timeout = 10000 } = {}) {
      const rows = quickInput.locator('.quick-input-list .monaco-list-row');
      let found;
      await waitFor(async () => {
        const n = await rows.count();
        for (let i = 0; i < n; i++) {
          const row = rows.nth(i);
          const text = (await row.locator('.label-name').first().textContent().catch(() => '')) || '';
          const clean = text.replace(/\s+/g, ' ').trim();
          if (exact ? clean === label : clean.includes(label)) { found = row; return true; }
        }
        return false;
      }, timeout, { message: `quick pick row "${label}"` });
      return found;
    },

    /** Picks `label` in the open quick pick (filters by typing first). */
    async pickQuickItem(label, { exact = true, filter = true } = {}) {
      await quickInputBox.waitFor({ state: 'visible', timeout: 10000 });
      if (filter) await quickInputBox.fill(typeof label === 'string' ? label : '');
      const row = await api.quickPickRow(label, { exact });
      const before = await api.quickInputState();
      await row.click();
      await api.waitForQuickInputChange(before);
    },

    /** Rows currently listed by the open quick pick: [{label, description, ariaLabel}]. */
    async quickPickItems() {
      await quickInputBox.waitFor({ state: 'visible', timeout: 10000 });
      return quickInput.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((r) => ({
        label: (r.querySelector('.label-name')?.textContent || '').trim(),
        description: (r.querySelector('.label-description')?.textContent || '').trim(),
        ariaLabel: r.getAttribute('aria-label') || '',
      })));
    },

    /**
     * Types into the open input box / quick pick and presses Enter, then waits until that
     * prompt is gone or replaced (the next prompt of a multi-step flow reuses the widget).
     * `title`: first wait for a prompt with this title (string or RegExp).
     */
    async submitQuickInput(text, { title } = {}) {
      await quickInputBox.waitFor({ state: 'visible', timeout: 10000 });
      if (title) await api.waitForQuickInputTitle(title);
      const before = await api.quickInputState();
      await quickInputBox.fill(text);
      await quickInputBox.press('Enter');
      await api.waitForQuickInputChange(before);
    },

    /** Title, prompt message and value of the open quick input (for detecting steps). */
    async quickInputState() {
      return quickInput.evaluate((w) => ({
        visible: w.style.display !== 'none' && w.offsetParent !== null,
        title: w.querySelector('.quick-input-title')?.textContent || '',
        message: w.querySelector('.quick-input-message')?.textContent || '',
        value: w.querySelector('.quick-input-box input')?.value || '',
        rows: w.querySelectorAll('.quick-input-list .monaco-list-row').length,
      })).catch(() => ({ visible: false }));
    },

    async waitForQuickInputTitle(title, timeout = 10000) {
      await waitFor(async () => {
        const st = await api.quickInputState();
        return st.visible && (title instanceof RegExp ? title.test(st.title) : st.title.includes(title));
      }, timeout, { message: `quick input titled ${title}` });
    },

    async waitForQuickInputChange(before, timeout = 5000) {
      await waitFor(async () => {
        const now = await api.quickInputState();
        return !now.visible || now.title !== before.title || now.message !== before.message || now.rows !== before.rows || now.value !== before.value;
      }, timeout, { interval: 50 }).catch(() => {});
      await sleep(150);
    },

    /** The open input box's validation / prompt message text. */
    async quickInputMessage() {
      return (await quickInput.locator('.quick-input-message').textContent().catch(() => '')) || '';
    },

    async closeQuickInput() {
      if (await quickInput.isVisible().catch(() => false)) {
        await page.keyboard.press('Escape');
        await quickInput.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
      }
    },

    /** Opens the "MCP Approval Host" view container in the activity bar. */
    async openViewContainer(id = 'mcpApprovalHost') {
      await api.invoke(`workbench.view.extension.${id}`);
      await page.locator(`.sidebar .composite.title`).first().waitFor({ state: 'visible', timeout: 10000 });
    },

    /** The pane (header + body) of a view in the side bar or panel, by its title. */
    viewPane(title) {
      return page.locator('.pane').filter({ has: page.locator('.pane-header', { has: page.locator('h3.title', { hasText: new RegExp(`^\\s*${escapeRe(title)}\\s*$`, 'i') }) }) }).first();
    },

    /** Expands a collapsed view pane (by title). */
    async expandView(title) {
      const pane = api.viewPane(title);
      await pane.waitFor({ state: 'visible', timeout: 15000 });
      const header = pane.locator('.pane-header').first();
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      return pane;
    },

    /**
     * Rows of a tree view (default: the Servers view) as
     * [{label, description, level, expanded, ariaLabel}], top to bottom. Only rendered
     * rows: the list is virtualised, so collapse (collapseTree) before reading long trees.
     */
    async readServersTree(viewTitle = 'Servers') {
      await api.openViewContainer();
      const pane = await api.expandView(viewTitle);
      const rows = pane.locator('.monaco-list-row');
      return rows.evaluateAll((els) => els.map((r) => ({
        label: (r.querySelector('.label-name')?.textContent || '').trim(),
        description: (r.querySelector('.label-description')?.textContent || '').trim(),
        level: Number(r.getAttribute('aria-level') || 0),
        expanded: r.getAttribute('aria-expanded') === null ? undefined : r.getAttribute('aria-expanded') === 'true',
        ariaLabel: r.getAttribute('aria-label') || '',
      })));
    },

    /** Collapses every node of a tree view that has `showCollapseAll` (default: Servers). */
    async collapseTree(viewId = 'mcpApprovalHost.servers') {
      await api.invoke(`workbench.actions.treeView.${viewId}.collapseAll`);
    },

    /** Expands the tree row with this label (in the Servers view by default). */
    async expandTreeItem(label, viewTitle = 'Servers') {
      const pane = await api.expandView(viewTitle);
      const row = pane.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }) }).first();
      await row.waitFor({ state: 'visible', timeout: 10000 });
      if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
      return row;
    },

    /**
     * The frame that renders a webview view's content (the inner `active-frame` of the
     * webview iframe whose pane has `viewTitle`). Opens the view container first.
     */
    async webviewFrame(viewTitle = 'Requests', { timeout = 20000 } = {}) {
      await api.openViewContainer();
      await api.expandView(viewTitle);
      return waitFor(async () => {
        // Each webview is an outer iframe (pre/index.html) holding an inner iframe with
        // id "active-frame" whose title is the view's title; the content lives there.
        for (const frame of page.frames()) {
          const owner = await frame.frameElement().catch(() => null);
          if (!owner) continue;
          const [id, title] = await owner.evaluate((e) => [e.id, e.getAttribute('title')]).catch(() => [null, null]);
          if (id !== 'active-frame' || (title || '').trim().toLowerCase() !== viewTitle.toLowerCase()) continue;
          const ready = await frame.evaluate(() => document.readyState !== 'loading' && !!document.body && document.body.childElementCount > 0).catch(() => false);
          if (ready) return frame;
        }
        return null;
      }, timeout, { message: `webview frame for view "${viewTitle}"` });
    },

    /** Every rendered webview (views and editor panels): [{ title, frame }]. */
    async webviewFrames() {
      const out = [];
      for (const frame of page.frames()) {
        const owner = await frame.frameElement().catch(() => null);
        if (!owner) continue;
        const [id, title] = await owner.evaluate((e) => [e.id, e.getAttribute('title')]).catch(() => [null, null]);
        if (id === 'active-frame') out.push({ title: title || '', frame });
      }
      return out;
    },

    /** Waits until some webview's text contains `text`; returns { title, frame }. */
    async findInWebviews(text, timeout = 15000) {
      return waitFor(async () => {
        for (const w of await api.webviewFrames()) {
          const body = await w.frame.evaluate(() => document.body ? document.body.innerText : '').catch(() => '');
          if (body.includes(text)) return w;
        }
        return null;
      }, timeout, { message: `a webview showing "${text}"` });
    },

    /** Clicks `getByRole(role, { name })` inside the webview view `viewTitle`. */
    async clickInWebview(role, name, viewTitle = 'Requests') {
      const frame = await api.webviewFrame(viewTitle);
      await frame.getByRole(role, { name }).first().click();
      return frame;
    },

    /**
     * Shows the Output view on channel `name` (as a person would: "Output: Show Output
     * Channels…") and returns its full text. The text is read from the channel's log
     * file on disk (the output editor renders only visible lines); falls back to the
     * visible lines.
     */
    async readOutputChannel(name, { show = true } = {}) {
      if (show) await api.showOutputChannel(name);
      const file = api.outputChannelFile(name);
      if (file) return readFileSync(file, 'utf8');
      return api.visibleOutputText();
    },

    async showOutputChannel(name) {
      await api.runCommand('Output: Show Output Channels...', { exact: false }).catch(async () => {
        await api.closeQuickInput();
        await api.runCommand('Show Output Channels', { exact: false });
      });
      await api.pickQuickItem(name, { exact: true });
      await page.locator('.output-view .monaco-editor').first().waitFor({ state: 'visible', timeout: 10000 });
    },

    /** The text lines the Output view currently renders. */
    async visibleOutputText() {
      const lines = page.locator('.output-view .monaco-editor .view-lines .view-line');
      const texts = await lines.evaluateAll((els) => els
        .map((e) => ({ top: parseFloat(e.style.top || '0'), text: e.textContent.replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top).map((l) => l.text));
      return texts.join('\n');
    },

    /** The on-disk log file VS Code writes for the output channel `name`, if any. */
    outputChannelFile(name) {
      // LogOutputChannels: logs/<session>/exthost1/<extension id>/<name>.log, with
      // characters such as ':' dropped; plain channels: output_logging_*/<n>-<name>.log.
      const norm = (s) => s.replace(/\.log$/, '').replace(/^\d+-/, '').replace(/[^a-z0-9]+/gi, '').toLowerCase();
      const files = walk(join(vs.userDataDir, 'logs')).filter((f) => f.endsWith('.log') && f.includes('exthost'));
      const match = files.filter((f) => norm(basename(f)) === norm(name));
      match.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
      return match[0];
    },

    /** Screenshot of the whole window to artifacts/screenshots/<name>.png. */
    async screenshot(name, { locator } = {}) {
      mkdirSync(vs.screenshotsDir, { recursive: true });
      const path = join(vs.screenshotsDir, `${name}.png`);
      if (locator) await locator.screenshot({ path });
      else await page.screenshot({ path });
      return path;
    },

    /** Every request the test model received: [{event:'request', modelId, messages, options}, …]. */
    modelLog() {
      const file = join(vs.controlDir, 'model-log.jsonl');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    },

    /** Notification toasts currently shown: [{message, source, severity}]. */
    async notifications() {
      return page.locator('.notifications-toasts .notification-toast, .notifications-center .notification-list-item').evaluateAll((els) => els.map((e) => ({
        message: (e.querySelector('.notification-list-item-message')?.textContent || '').trim(),
        source: (e.querySelector('.notification-list-item-source')?.textContent || '').trim(),
        severity: e.querySelector('.codicon-error') ? 'error' : e.querySelector('.codicon-warning') ? 'warning' : 'info',
      })));
    },

    async clearNotifications() {
      await api.invoke('notifications.clearAll').catch(() => {});
    },

    userSettings: () => settings.getUserSettings(),
    workspaceSettings: () => settings.getWorkspaceSettings(),
    /**
     * Updates user settings through VS Code's configuration service (via the test
     * extension), which applies at once and rewrites the user settings file.
     */
    async updateUserSettings(patch) {
      for (const [key, value] of Object.entries(patch)) await api.invoke('e2eTest.updateSetting', key, value, 'global');
      settings.setUserSettingsMirror({ ...settings.getUserSettings(), ...patch });
    },
    /**
     * Merges into `<workspace>/.vscode/settings.json`, or the `.code-workspace` file's settings
     * of a multi-root window (VS Code picks the change up live).
     */
    updateWorkspaceSettings(patch) {
      settings.setWorkspaceSettings({ ...settings.getWorkspaceSettings(), ...patch });
    },
    /** Merges into `<workspace>/<folder>/.vscode/settings.json` of a multi-root window (startVsCode `folders`). */
    updateFolderSettings(folder, patch) {
      if (!settings.getFolderSettings(folder)) throw new Error(`no folder "${folder}" in this workspace`);
      settings.setFolderSettings(folder, { ...settings.getFolderSettings(folder), ...patch });
    },
    /** Switches the color theme through the settings file and waits for the workbench to repaint. */
    async setTheme(theme) {
      await api.updateUserSettings({ 'workbench.colorTheme': theme });
      // The workbench's class names the theme kind: vs, vs-dark, hc-black or hc-light.
      const kind = /high contrast light/i.test(theme) ? 'hc-light' : /high contrast/i.test(theme) ? 'hc-black' : /light/i.test(theme) ? 'vs' : 'vs-dark';
      await waitFor(async () => {
        const cls = ((await page.locator('.monaco-workbench').first().getAttribute('class')) || '').split(/\s+/);
        return cls.includes(kind);
      }, 10000, { message: `theme ${theme} applied` });
      await sleep(300);
    },
  };
  return api;
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

