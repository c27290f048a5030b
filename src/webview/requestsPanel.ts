import type { HistoryEntry, RequestsViewState } from '../shared/protocol';
import { h, icon, render } from './dom';
import { post } from './vscodeApi';

/** Renders the Requests view from the full state the extension sent. */
export function renderRequests(root: HTMLElement, state: RequestsViewState): void {
  render(
    root,
    state.requests.length === 0 ? emptyState(state) : h('section', { class: 'cards', 'aria-label': 'Pending requests' }),
    state.history.length > 0 ? historySection(state.history) : undefined,
  );
}

function emptyState(state: RequestsViewState): HTMLElement {
  const status =
    state.serverCount === 0
      ? 'No MCP servers are configured.'
      : `${state.runningCount} of ${state.serverCount} server${state.serverCount === 1 ? '' : 's'} running.`;
  const actions =
    state.serverCount === 0
      ? h(
          'div',
          { class: 'actions' },
          button('Add Server…', 'addServer', 'add'),
          button('Import Servers…', 'importServers', 'cloud-download', true),
        )
      : undefined;
  return h(
    'section',
    { class: 'empty', 'aria-live': 'polite' },
    icon('inbox'),
    h('h2', {}, 'Nothing to review'),
    h('p', {}, 'When an MCP server asks for a model completion (sampling) or for your input (elicitation), the request appears here for you to review before anything is sent.'),
    h('p', { class: 'muted' }, status),
    actions,
  );
}

function button(label: string, command: 'addServer' | 'importServers', codicon: string, secondary = false): HTMLElement {
  const b = h('vscode-button', { appearance: secondary ? 'secondary' : 'primary' }, icon(codicon), ` ${label}`);
  b.addEventListener('click', () => post({ type: 'command', command }));
  return b;
}

function historySection(history: HistoryEntry[]): HTMLElement {
  return h(
    'section',
    { class: 'history', 'aria-label': 'History' },
    h('h2', {}, 'History'),
    h(
      'ul',
      {},
      ...history.map((entry) =>
        h('li', {}, h('span', { class: 'server' }, entry.server), ' · ', h('span', { class: `outcome outcome-${entry.outcome}` }, entry.outcome), ' · ', h('span', { class: 'muted' }, entry.summary)),
      ),
    ),
  );
}
