/**
 * Keyboard navigation between the cards of the queue: j / ↓ next, k / ↑
 * previous, Home / End, when a card itself has focus (so typing in a field is
 * never taken over); Alt+↓ / Alt+↑ from anywhere inside a card. Each move is
 * announced for screen readers.
 */
export class QueueKeyboard {
  constructor(
    private readonly list: HTMLElement,
    private readonly announcer: HTMLElement,
  ) {
    list.addEventListener('keydown', (e) => this.onKey(e));
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target instanceof HTMLElement ? e.target : undefined;
    const item = target?.closest<HTMLElement>('[data-request-id]');
    if (!item || item.parentElement !== this.list) return;
    const onItem = target === item;
    let next: Element | null | undefined;
    if ((onItem && (e.key === 'j' || e.key === 'ArrowDown')) || (e.altKey && e.key === 'ArrowDown')) next = sibling(item, 1);
    else if ((onItem && (e.key === 'k' || e.key === 'ArrowUp')) || (e.altKey && e.key === 'ArrowUp')) next = sibling(item, -1);
    else if (onItem && e.key === 'Home') next = this.items()[0];
    else if (onItem && e.key === 'End') next = this.items().at(-1);
    else return;
    e.preventDefault();
    if (next instanceof HTMLElement) this.focus(next);
  }

  private items(): HTMLElement[] {
    return [...this.list.querySelectorAll<HTMLElement>(':scope > [data-request-id]')];
  }

  private focus(item: HTMLElement): void {
    item.focus();
    item.scrollIntoView({ block: 'nearest' });
    const items = this.items();
    this.announcer.textContent = `${items.indexOf(item) + 1} of ${items.length}: ${item.getAttribute('aria-label') ?? ''}`;
  }
}

function sibling(item: HTMLElement, step: 1 | -1): Element | null {
  let el: Element | null = step === 1 ? item.nextElementSibling : item.previousElementSibling;
  while (el && !el.hasAttribute('data-request-id')) el = step === 1 ? el.nextElementSibling : el.previousElementSibling;
  return el;
}
