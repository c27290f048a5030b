import * as vscode from 'vscode';
import { ElicitationCoordinator, type UrlOpener } from '../host/elicitation/coordinator';
import { requiredElicitations } from '../host/elicitation/urlRequired';
import type { RequestOrigin } from '../host/requests/broker';
import type { ElicitationHandler } from '../host/types';
import { safe, safeLines } from '../shared/safeText';
import type { FeatureDeps } from './features';
import { settings } from './settings';

export { isUrlElicitationRequired } from '../host/elicitation/urlRequired';

/** The live coordinator, for "Call Tool…" (error -32042); set while the feature is active. */
let active: { coordinator: ElicitationCoordinator; deps: FeatureDeps } | undefined;

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

/** Creates the elicitation handler: native forms and link cards in the Requests view. */
export function createElicitationHandler(deps: FeatureDeps): ElicitationHandler & vscode.Disposable {
  const coordinator = new ElicitationCoordinator({
    broker: deps.broker,
    urlOpener: vscodeUrlOpener,
    timeoutMs: () => settings.reviewTimeoutMs(),
    log: deps.logs.host,
  });
  const me = { coordinator, deps };
  active = me;
  return {
    elicit: (params, ctx) => coordinator.elicit(params, ctx),
    complete: (server, elicitationId) => coordinator.complete(server, elicitationId),
    dispose: () => {
      if (active === me) active = undefined;
      coordinator.dispose();
    },
  };
}

/** The tool call that failed with -32042, and how to run it again. */
export interface UrlRequiredCall<T> {
  server: string;
  tool: string;
  arguments?: Record<string, unknown>;
  retry(): PromiseLike<T>;
}

/**
 * Handles a tool call that failed with -32042 (URL elicitation required):
 * shows each link as a URL card (consent, system browser), then offers to
 * retry the call once the server reports the links done, or when the person
 * says so. Resolves with the retried call's result, or `undefined` when the
 * person stopped. Rethrows `err` when it is not a -32042 error.
 */
export async function handleUrlElicitationRequired<T>(err: unknown, call: UrlRequiredCall<T>): Promise<T | undefined> {
  const list = requiredElicitations(err);
  if (!list || !active) throw err;
  const { coordinator, deps } = active;
  void deps.revealRequests();
  const controller = new AbortController();
  try {
    const answers = await coordinator.presentRequiredUrls(call.server, list, originFor(deps, call), controller.signal);
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

function originFor(deps: FeatureDeps, call: UrlRequiredCall<unknown>): RequestOrigin {
  const info = deps.manager().get(call.server)?.connection?.serverInfo;
  let args: string | undefined;
  try {
    args = call.arguments === undefined ? undefined : JSON.stringify(call.arguments, null, 2).slice(0, 2000);
  } catch {
    args = undefined;
  }
  return { reportedName: info ? (info.title ?? info.name) : undefined, toolCall: { name: call.tool, arguments: args } };
}
