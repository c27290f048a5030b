/**
 * DOM helpers. Server text only ever reaches the page through `textContent`
 * or attribute setters here: nothing is parsed as HTML, ever.
 */

type Child = Node | string | undefined | null | false;

/** Creates an element with attributes and children; strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string | boolean | undefined>, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Record<string, string | boolean | undefined>, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElement {
  return fill(document.createElement(tag), attrs, ...children);
}

/** Gives an element made elsewhere (a spare component, see components.ts) attributes and children as `h` does. */
export function fill<E extends HTMLElement>(el: E, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): E {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (/^on/i.test(key)) continue; // never event-handler attributes
    el.setAttribute(key, value === true ? '' : value);
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** A codicon as an inert element (the font comes from the extension's media folder). */
export function icon(name: string, label?: string): HTMLElement {
  const el = h('span', { class: `codicon codicon-${name.replace(/[^a-z0-9-]/g, '')}`, 'aria-hidden': label ? undefined : 'true', 'aria-label': label, role: label ? 'img' : undefined });
  return el;
}

/** Replaces the content of `root` with `children`. */
export function render(root: HTMLElement, ...children: Child[]): void {
  root.replaceChildren();
  append(root, ...children);
}
