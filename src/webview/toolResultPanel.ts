import type { ResultBlock, ToolResultView } from '../shared/toolResult';
import { button } from './components';
import { h, icon, render } from './dom';
import { post } from './vscodeApi';

/** Renders a tool result: text as text, images and audio from data URLs only. */
export function renderToolResult(root: HTMLElement, view: ToolResultView): void {
  const jsonButton = button('Open as JSON', () => post({ type: 'openResultJson' }), { icon: 'json', secondary: true });
  render(
    root,
    h(
      'header',
      { class: 'result-header' },
      h('h1', {}, icon('tools'), ' ', h('span', { class: 'server' }, view.server), ' / ', h('span', {}, view.tool)),
      h('span', { class: 'muted' }, `${Math.round(view.durationMs)} ms`),
      jsonButton,
    ),
    view.isError ? h('div', { class: 'banner error', role: 'alert' }, icon('error'), ' The tool reported an error (isError: true).') : undefined,
    h('main', { class: 'blocks' }, ...view.blocks.map(renderBlock)),
  );
}

function renderBlock(block: ResultBlock): HTMLElement {
  switch (block.kind) {
    case 'text':
      return h('div', { class: 'block' }, h('pre', { class: 'text' }, block.text), block.truncated ? h('p', { class: 'muted' }, 'Text truncated for display.') : undefined);
    case 'image':
      return h('figure', { class: 'block' }, h('img', { src: `data:${block.mimeType};base64,${block.data}`, alt: `Image (${block.mimeType}, ${block.bytes} bytes)` }), h('figcaption', { class: 'muted' }, `${block.mimeType}, ${block.bytes} bytes`));
    case 'audio':
      return h('figure', { class: 'block' }, h('audio', { controls: true, src: `data:${block.mimeType};base64,${block.data}` }), h('figcaption', { class: 'muted' }, `${block.mimeType}, ${block.bytes} bytes`));
    case 'resource':
      return h(
        'div',
        { class: 'block' },
        h('div', { class: 'label' }, icon('file'), ' Resource ', h('code', {}, block.uri), block.mimeType ? ` (${block.mimeType})` : ''),
        block.text !== undefined ? h('pre', { class: 'text' }, block.text) : h('p', { class: 'muted' }, `Binary, ${block.bytes ?? 0} bytes`),
      );
    case 'link':
      return h('div', { class: 'block' }, h('div', { class: 'label' }, icon('link'), ' Resource link ', h('code', {}, block.uri)), h('p', {}, block.name), block.description ? h('p', { class: 'muted' }, block.description) : undefined);
    case 'json':
      return h('div', { class: 'block' }, h('div', { class: 'label' }, icon('json'), ` ${block.title}`), h('pre', { class: 'text' }, block.text));
    case 'note':
      return h('div', { class: 'block note' }, icon('info'), ` ${block.text}`);
  }
}
