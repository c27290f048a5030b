/**
 * The "Call Tool…" arguments page: the elicitation form renderer applied to a
 * flat tool `inputSchema`, with Call Tool / Edit as JSON / Cancel. The
 * extension validates the values again before calling the tool.
 */
// From the module, not the barrel: the barrel also carries the Public Suffix List (urlSafety).
import { initialValues } from '../shared/elicitation/validate';
import type { ToolArgsAction, ToolArgsToExtension, ToolArgsView } from '../shared/toolArgsProtocol';
import { h, icon, render } from './dom';
import { createFormView, whyInvalid, type FormDraft, type FormView } from './elicitation/form';
import { button, INTERACTIVE_SELECTOR, setDisabled } from './components';
import { messageBlock, sensitiveWarning } from './elicitation/parts';
import { getState, setState } from './vscodeApi';

let current: { key: string; form: FormView; element: HTMLElement } | undefined;

/** Renders (or, for the same tool, patches) the arguments form. */
export function renderToolArgsForm(root: HTMLElement, view: ToolArgsView, post: (message: ToolArgsToExtension) => void): void {
  const key = JSON.stringify([view.server, view.tool, view.form]);
  if (current && current.key === key && root.contains(current.element)) {
    current.form.setHostErrors(view.errors);
    return;
  }
  const send = (action: ToolArgsAction) => post({ type: 'toolArgsAction', action });
  const saved = getState<{ toolArgs?: { key: string; draft: FormDraft } }>()?.toolArgs;
  const draft = saved?.key === key ? saved.draft : undefined;
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const form = createFormView(
    view.form,
    { idPrefix: 'args', initial: draft?.values ?? initialValues(view.form), touched: draft?.touched, onEdit: (d) => setState({ ...(getState<object>() ?? {}), toolArgs: { key, draft: d } }) },
    (result) => {
      setDisabled(call, !result.ok);
      status.textContent = whyInvalid(view.form, result, 'call the tool') ?? '';
    },
  );
  const submit = () => {
    const result = form.check(true);
    if (result.ok) send({ type: 'submit', values: form.values() });
    else form.focusFirstInvalid();
  };
  const call = button('Call Tool', submit, { icon: 'play' });
  const element = h(
    'div',
    { class: 'tool-args' },
    h('h1', {}, icon('tools'), ' ', h('span', { class: 'server' }, view.server), ' / ', h('code', {}, view.tool)),
    view.title ? h('p', { class: 'muted' }, view.title) : undefined,
    view.description ? messageBlock(view.description) : undefined,
    sensitiveWarning(view.sensitive),
    form.element,
    status,
    h('div', { class: 'button-row' }, call, button('Edit as JSON', () => send({ type: 'json' }), { secondary: true, icon: 'json' }), button('Cancel', () => send({ type: 'cancel' }), { secondary: true })),
  );
  element.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      send({ type: 'cancel' });
    } else if (e.key === 'Enter' && !e.shiftKey && !(e.target as HTMLElement).closest(INTERACTIVE_SELECTOR)) {
      e.preventDefault();
      submit();
    }
  });
  render(root, element);
  current = { key, form, element };
  const first = form.check();
  setDisabled(call, !first.ok);
  status.textContent = whyInvalid(view.form, first, 'call the tool') ?? '';
  form.setHostErrors(view.errors);
}
