import * as vscode from 'vscode';
import type { Host } from '../host/createHost';
import type { ElicitationCoordinator, UrlOpener } from '../host/elicitation/coordinator';
import { requiredElicitations } from '../host/elicitation/urlRequired';
import type { RequestOrigin } from '../host/requests/broker';
import { safe, safeLines } from '../shared/safeText';

export { isUrlElicitationRequired } from '../host/elicitation/urlRequired';

/**
 * Opens URL-mode links in the system browser, never in a webview, and only
 * after a modal consent that shows the full URL.
 */
export const vscodeUrlOpener: UrlOpener = {
  async confirmAndOpen({ server, url, signal }) {
    // A modal shows plain text, but the warnings quote the host name: keep them inert like any server text.
    const warnings = url.warnings.map((w) => w.message).join('. ');
    const message = warnings
      ? safe`MCP server "${server}" asks you to open a page on ${url.registrableDomain} in your browser.\n\nWarning: ${warnings}.`
      : safe`MCP server "${server}" asks you to open a page on ${url.registrableDomain} in your browser.`;
    const choice = await vscode.window.showWarningMessage(
      message,
      // The full URL, as the spec asks; the URL parser has already percent-encoded anything invisible in it.
      { modal: true, detail: safeLines(url.url, 10_000) },
      'Open',
    );
    if (choice !== 'Open' || signal.aborted) return 'dismissed';
    // VS Code may ask once more (link protection); false means the person said no there.
    const opened = await vscode.env.openExternal(vscode.Uri.parse(url.url, true));
    return opened ? 'opened' : 'dismissed';
  },
};

/** The tool call that failed with -32042, and how to run it again. */
export interface UrlRequiredCall<T> {
  server: string;
  tool: string;
  arguments?: Record<string, unknown>;
  retry(): PromiseLike<T>;
}

/** What {@link handleUrlElicitationRequired} needs. */
export interface UrlRequiredDeps {
  host: Pick<Host, 'elicitation' | 'manager'>;
  revealRequests(): Promise<void>;
}

/**
 * Handles a tool call that failed with -32042 (URL elicitation required):
 * shows each link as a URL card (consent, system browser), then offers to
 * retry the call once the server reports the links done, or when the person
 * says so. Resolves with the retried call's result, or `undefined` when the
 * person stopped. Rethrows `err` when it is not a -32042 error.
 */
export async function handleUrlElicitationRequired<T>(err: unknown, call: UrlRequiredCall<T>, deps: UrlRequiredDeps): Promise<T | undefined> {
  const list = requiredElicitations(err);
  if (!list) throw err;
  const coordinator = deps.host.elicitation;
  void deps.revealRequests();
  const controller = new AbortController();
  try {
    const answers = await coordinator.presentRequiredUrls(call.server, list, originFor(deps.host, call), controller.signal);
    const opened = answers.flatMap((a) => (a?.result.action === 'accept' ? [a.elicitationId] : []));
    if (opened.length === 0 || opened.length < answers.length) {
      void vscode.window.showInformationMessage(safe`"${call.tool}" on "${call.server}" was not retried: it needs every link to be opened.`);
      return undefined;
    }
    const decision = await offerRetry(coordinator, call, opened, controller.signal);
    return decision === 'retry' ? await call.retry() : undefined;
  } finally {
    controller.abort();
  }
}

function offerRetry(coordinator: ElicitationCoordinator, call: UrlRequiredCall<unknown>, ids: string[], signal: AbortSignal): Promise<'retry' | 'stop'> {
  return new Promise((resolve) => {
    const ask = (serverIsDone: boolean) => {
      const message = serverIsDone
        ? safe`"${call.server}" reports that you are done in the browser. Retry "${call.tool}" now?`
        : safe`Finish in your browser, then retry "${call.tool}" on "${call.server}".`;
      void vscode.window.showInformationMessage(message, 'Retry').then((c) => resolve(c === 'Retry' ? 'retry' : 'stop'));
    };
    ask(false);
    coordinator.waitForCompletion(call.server, ids, signal).then(
      () => ask(true),
      () => undefined,
    );
  });
}

function originFor(host: Pick<Host, 'manager'>, call: UrlRequiredCall<unknown>): RequestOrigin {
  const info = host.manager.get(call.server)?.connection?.serverInfo;
  let args: string | undefined;
  try {
    args = call.arguments === undefined ? undefined : JSON.stringify(call.arguments, null, 2).slice(0, 2000);
  } catch {
    args = undefined;
  }
  return { reportedName: info ? (info.title ?? info.name) : undefined, toolCall: { name: call.tool, arguments: args } };
}
