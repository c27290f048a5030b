import type { BlockView, MessageView } from '../../shared/samplingProtocol';
import { h, icon } from '../dom';
import type { DraftStore } from './drafts';
import { collapsibleText, EditableTextView, type OpenFull } from './text';

/** What rendering the conversation needs from the card. */
export interface BlockContext {
  drafts: DraftStore;
  openFull: OpenFull;
  onChange: () => void;
}

/** The editable text blocks of the conversation, by target (`m<i>.b<j>`). */
export type MessageEditors = Map<string, { message: number; block: number; view: EditableTextView }>;

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function image(block: Extract<BlockView, { kind: 'image' }>, label: string): HTMLElement {
  const caption = h('figcaption', { class: 'muted' }, `${label}: ${block.mimeType}, ${size(block.bytes)}`);
  if (!block.data) return h('figure', { class: 'media' }, h('p', { class: 'muted' }, icon('file-media'), ' Too large to preview.'), caption);
  const img = h('img', { class: 'thumbnail', src: `data:${block.mimeType};base64,${block.data}`, alt: `${label} (${block.mimeType})`, tabindex: '0', title: 'Click to enlarge' });
  const toggle = () => img.classList.toggle('enlarged');
  img.addEventListener('click', toggle);
  img.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      toggle();
    }
  });
  return h('figure', { class: 'media' }, img, caption);
}

function audio(block: Extract<BlockView, { kind: 'audio' }>, label: string): HTMLElement {
  const player = block.data ? h('audio', { controls: true, src: `data:${block.mimeType};base64,${block.data}`, 'aria-label': label }) : h('p', { class: 'muted' }, 'Too large to preview.');
  return h(
    'figure',
    { class: 'media' },
    player,
    h('figcaption', { class: 'muted' }, `${label}: ${block.mimeType}, ${size(block.bytes)}. Not sent to the model: vscode.lm takes no audio, a text placeholder goes instead.`),
  );
}

function resource(block: Extract<BlockView, { kind: 'resource' }>, target: string, ctx: BlockContext): HTMLElement {
  const head = h('div', { class: 'block-label' }, icon('file'), ' Resource ', h('code', {}, block.uri), block.name ? ` (${block.name})` : '', block.mimeType ? ` ${block.mimeType}` : '');
  const body = block.text ? collapsibleText(block.text, `Resource ${block.uri}`, target, ctx.openFull) : block.bytes !== undefined ? h('p', { class: 'muted' }, `Binary, ${size(block.bytes)}`) : undefined;
  return h('div', { class: 'block' }, head, body);
}

function toolUse(block: Extract<BlockView, { kind: 'toolUse' }>, target: string, ctx: BlockContext): HTMLElement {
  return h(
    'div',
    { class: 'block tool-use' },
    h('div', { class: 'block-label' }, icon('tools'), ' Tool call ', h('code', {}, block.name), h('span', { class: 'muted' }, ` id ${block.id}`)),
    h('details', {}, h('summary', {}, 'Input'), collapsibleText(block.input, `Input of ${block.name}`, target, ctx.openFull)),
  );
}

function toolResult(block: Extract<BlockView, { kind: 'toolResult' }>, target: string, ctx: BlockContext): HTMLElement {
  const items = block.content.map((item, k) => readOnlyBlock(item, `${target}.c${k}`, `Result part ${k + 1}`, ctx));
  return h(
    'div',
    { class: `block tool-result${block.isError ? ' is-error' : ''}` },
    h('div', { class: 'block-label' }, icon(block.isError ? 'error' : 'output'), ' Tool result for ', h('code', {}, block.toolUseId), block.isError ? h('strong', { class: 'error-text' }, ' (error)') : ''),
    ...items,
    block.structured ? h('details', {}, h('summary', {}, 'Structured content'), collapsibleText(block.structured, 'Structured content', target, ctx.openFull)) : undefined,
  );
}

/** A block nobody edits (inside tool results, or non-text blocks). */
function readOnlyBlock(block: BlockView, target: string, label: string, ctx: BlockContext): HTMLElement {
  switch (block.kind) {
    case 'text':
      return h('div', { class: 'block' }, collapsibleText(block.text.original, label, target, ctx.openFull));
    case 'image':
      return image(block, label);
    case 'audio':
      return audio(block, label);
    case 'toolUse':
      return toolUse(block, target, ctx);
    case 'toolResult':
      return toolResult(block, target, ctx);
    case 'resource':
      return resource(block, target, ctx);
  }
}

/** Renders every message with its role; text blocks get editors registered in `editors`. */
export function renderMessages(messages: MessageView[], ctx: BlockContext, editors: MessageEditors): HTMLElement {
  const list = h('ol', { class: 'sampling-messages', 'aria-label': 'Messages' });
  messages.forEach((message, i) => {
    const textCount = message.blocks.filter((b) => b.kind === 'text').length;
    const heads: HTMLElement[] = [];
    const blocks = message.blocks.map((block, j) => {
      const target = `m${i}.b${j}`;
      if (block.kind !== 'text') return readOnlyBlock(block, target, `Message ${i + 1} ${block.kind}`, ctx);
      const label = textCount > 1 ? `Message ${i + 1} text ${j + 1}` : `Message ${i + 1} text`;
      const view = new EditableTextView(block.text, label, target, ctx.drafts, ctx.onChange, ctx.openFull);
      editors.set(target, { message: i, block: j, view });
      // With one text block its controls sit in the message's heading row; with several, above each block.
      if (textCount === 1) heads.push(view.head);
      return h('div', { class: 'block' }, textCount === 1 ? undefined : h('div', { class: 'role' }, view.head), view.element);
    });
    const role = message.role === 'user' ? 'User' : 'Assistant';
    list.append(h('li', { class: `sampling-message role-${message.role}` }, h('div', { class: 'role' }, icon(message.role === 'user' ? 'account' : 'hubot'), ` ${role}`, h('span', { class: 'muted' }, ` · message ${i + 1}`), ...heads), ...blocks));
  });
  return list;
}
