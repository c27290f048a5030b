// Page-side instruments for the in-browser benchmark (test/bench/browser.mjs). Each function
// here is serialised by Playwright and run inside a page or webview frame: it must be
// self-contained (no closures over this module).
//
// They look at the DOM only: a card is found by the marker text its prompt starts with
// (`bm…-0000`) and by its "Reject" button (a <button>, role=button or <vscode-button> whose
// aria-label or text starts with "Reject", bulk "… all …" actions excluded); nothing depends
// on the panel's class names.

/**
 * Installs `window.__bench` in a webview frame: a MutationObserver that notes when each
 * armed marker first appears in the DOM (and when its card has its own Reject button), the
 * effect of a click (the marker's card no longer has an enabled Reject button), the time of
 * the click event itself, and a PerformanceObserver for long tasks. Times are epoch ms
 * (`performance.timeOrigin + performance.now()`).
 */
export function installWebviewInstrument() {
  if (window.__bench) return { installed: false, longtask: window.__bench.longtaskSupported };
  const now = () => performance.timeOrigin + performance.now();
  const FAMILY = /bm[a-z0-9]*-\d{4}/g;
  const B = {
    now,
    seen: new Map(),
    /** Per marker: when the last message before it showed up was posted into this frame (the event's timeStamp). */
    posted: new Map(),
    lastPosted: null,
    nodes: new Map(),
    actionable: new Map(),
    pendingActionable: new Set(),
    watch: null,
    effects: new Map(),
    longtasks: [],
    longtaskSupported: false,
    callbacks: 0,
    /** Time spent in this instrument's own observer callbacks (its cost to the page), ms. */
    busy: 0,
  };
  window.__bench = B;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push({ start: performance.timeOrigin + e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    B.longtaskSupported = true;
  } catch {
    B.longtaskSupported = false;
  }
  // "Reject" (or e.g. "Reject request"), never a bulk action such as "Reject all from this server".
  const isReject = (el) => /^reject\b(?!.*\ball\b)/i.test((el.getAttribute('aria-label') || el.textContent || '').trim())
    && !el.hasAttribute('disabled') && el.getAttribute('aria-disabled') !== 'true' && !el.closest('[hidden]');
  const rejectsIn = (el) => [...el.querySelectorAll('button, [role="button"], vscode-button')].filter(isReject);
  /** The nearest ancestor holding a Reject button, when it holds exactly one and no other marker. */
  B.cardOf = (node) => {
    for (let el = node.nodeType === 1 ? node : node.parentElement; el; el = el.parentElement) {
      const buttons = rejectsIn(el);
      if (buttons.length === 0) continue;
      if (buttons.length > 1) return null;
      const markers = new Set((el.textContent || '').match(FAMILY) || []);
      return markers.size === 1 ? { card: el, button: buttons[0] } : null;
    }
    return null;
  };
  B.textNodesWith = (marker) => {
    const snap = document.evaluate(`//text()[contains(., "${marker}")]`, document.body, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    const out = [];
    for (let i = 0; i < snap.snapshotLength; i++) out.push(snap.snapshotItem(i));
    return out;
  };
  B.findCard = (marker) => {
    const n = B.nodes.get(marker);
    if (n && n.isConnected && n.nodeType === 3) {
      const c = B.cardOf(n);
      if (c) return c;
    }
    for (const t of B.textNodesWith(marker)) {
      const c = B.cardOf(t);
      if (c) {
        B.nodes.set(marker, t);
        return c;
      }
    }
    return null;
  };
  B.arm = (prefix, markers, { actionable = false } = {}) => {
    B.watch = { re: new RegExp(`${prefix}-\\d{4}`, 'g'), markers: new Set(markers), remaining: markers.length };
    for (const m of markers) {
      B.seen.delete(m);
      B.actionable.delete(m);
      if (actionable) B.pendingActionable.add(m);
    }
    return true;
  };
  B.status = (markers) => ({
    seen: markers.map((m) => B.seen.get(m) ?? null),
    posted: markers.map((m) => B.posted.get(m) ?? null),
    actionable: markers.map((m) => B.actionable.get(m) ?? null),
  });
  B.trackEffect = (marker) => {
    const c = B.findCard(marker);
    if (!c) return false;
    B.effects.set(marker, { card: c.card, button: c.button, clickAt: null, effectAt: null });
    return true;
  };
  B.effect = (marker) => {
    const e = B.effects.get(marker);
    return e ? { clickAt: e.clickAt, effectAt: e.effectAt } : null;
  };
  B.longest = (since) => B.longtasks.filter((t) => t.start + t.duration >= since).reduce((a, t) => Math.max(a, t.duration), 0);
  const checkEffects = (t) => {
    for (const [marker, e] of B.effects) {
      if (e.effectAt) continue;
      if (e.card.isConnected && e.button.isConnected && e.card.contains(e.button) && isReject(e.button)) continue;
      const c = B.findCard(marker);
      if (c) {
        e.card = c.card;
        e.button = c.button;
      } else {
        e.effectAt = t;
      }
    }
  };
  new MutationObserver((records) => {
    const t = now();
    B.callbacks++;
    const w = B.watch;
    // Inside a message handler (this callback runs in its microtask checkpoint) the message is
    // `window.event`; otherwise (a frame callback) the last message that arrived.
    const current = window.event;
    const postedNow = current && current.type === 'message' ? performance.timeOrigin + current.timeStamp : B.lastPosted;
    if (w && w.remaining > 0) {
      for (const r of records) {
        const nodes = r.type === 'characterData' ? [r.target] : r.addedNodes;
        for (const n of nodes) {
          const text = n.nodeType === 3 ? n.data : n.nodeType === 1 ? n.textContent : '';
          if (!text) continue;
          const found = text.match(w.re);
          if (!found) continue;
          for (const m of found) {
            if (!w.markers.has(m) || B.seen.has(m)) continue;
            B.seen.set(m, t);
            B.posted.set(m, postedNow);
            B.nodes.set(m, n);
            w.remaining--;
          }
        }
      }
    }
    for (const m of B.pendingActionable) {
      if (!B.seen.has(m)) continue;
      const c = B.findCard(m);
      if (c) {
        B.actionable.set(m, t);
        B.pendingActionable.delete(m);
      }
    }
    if (B.effects.size) checkEffects(t);
    B.busy += now() - t;
  }).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['disabled', 'hidden', 'aria-disabled'] });
  // A message's timeStamp is when the webview host posted it into this frame (its clock): what
  // comes before is the transport, what comes after is the page's own work.
  window.addEventListener('message', (ev) => { B.lastPosted = performance.timeOrigin + ev.timeStamp; }, true);
  window.addEventListener('click', (ev) => {
    const t = now();
    for (const e of B.effects.values()) {
      if (!e.clickAt && e.button.contains(/** @type {Node} */ (ev.target))) e.clickAt = t;
    }
  }, true);
  return { installed: true, longtask: B.longtaskSupported };
}

/**
 * Installs `window.__benchToast` in the workbench page: the time a notification toast whose
 * text matches `pattern` first appears.
 * @param {string} pattern a RegExp source, matched case-insensitively
 */
export function installToastInstrument(pattern) {
  const now = () => performance.timeOrigin + performance.now();
  const re = new RegExp(pattern, 'i');
  const state = { at: null, text: '' };
  window.__benchToast = state;
  const observer = new MutationObserver(() => {
    if (state.at) return;
    const t = now();
    const toasts = document.querySelector('.notifications-toasts');
    const text = toasts ? toasts.textContent || '' : '';
    if (re.test(text)) {
      state.at = t;
      state.text = text.slice(0, 300);
      observer.disconnect();
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  return true;
}

/** The frame's clock (epoch ms, sub-millisecond). */
export function frameNow() {
  return performance.timeOrigin + performance.now();
}
