import type { ExtensionToWebview } from '../shared/protocol';
import { RequestsPanel } from './requestsPanel';
import { renderToolArgsForm } from './toolArgsForm';
import { renderToolResult } from './toolResultPanel';
import { post } from './vscodeApi';


const root = document.getElementById('root');
if (!root) throw new Error('missing #root');

let requests: RequestsPanel | undefined;

window.addEventListener('message', (event: MessageEvent<ExtensionToWebview>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  switch (msg.type) {
    case 'requestsState':
    case 'cardAdded':
    case 'cardUpdated':
    case 'cardRemoved':
    case 'completionDelta':
    case 'statusChanged':
    case 'historyChanged':
      (requests ??= new RequestsPanel(root)).receive(msg);
      break;
    case 'toolResult':
      renderToolResult(root, msg.view);
      break;
    case 'toolArgsForm':
      renderToolArgsForm(root, msg.view, post);
      break;
  }
});

post({ type: 'ready' });
