import * as vscode from 'vscode';
import { RedirectWaiters } from '../host/auth/redirectWaiters';
import type { AuthorizationFlow, SecretStore } from '../host/auth/types';
import { safe } from '../shared/safeText';

/** How long a sign-in waits for the browser to come back. */
const SIGN_IN_TIMEOUT_MS = 10 * 60_000;

/** The path of the sign-in redirect handled by this extension's URI handler. */
export const CALLBACK_PATH = '/auth-callback';

/** SecretStorage behind the host's `SecretStore` interface: tokens never touch settings or logs. */
export class SecretStorageStore implements SecretStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(key));
  }

  store(key: string, value: string): Promise<void> {
    return Promise.resolve(this.secrets.store(key, value));
  }

  delete(key: string): Promise<void> {
    return Promise.resolve(this.secrets.delete(key));
  }
}

/**
 * Receives `vscode://<publisher.name>/auth-callback?…` (or the web URL that
 * `env.asExternalUri` maps it to) and hands the query to the sign-in that
 * waits for that `state`. Redirects nobody waits for are ignored.
 */
export class AuthCallbackRouter implements vscode.UriHandler, vscode.Disposable {
  private readonly waiters = new RedirectWaiters();
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.window.registerUriHandler(this);
  }

  handleUri(uri: vscode.Uri): void {
    if (uri.path !== CALLBACK_PATH) return;
    this.waiters.deliver(new URLSearchParams(uri.query));
  }

  /** Resolves with the redirect carrying `state`; rejects on `signal`. */
  wait(state: string, signal: AbortSignal): Promise<URLSearchParams> {
    return this.waiters.wait(state, signal);
  }

  dispose(): void {
    this.registration.dispose();
    this.waiters.rejectAll(new Error('the sign-in handler was disposed'));
  }
}

/**
 * The redirect URI of this extension, as the system browser must call it:
 * `env.asExternalUri` turns `vscode://…` into what works here (desktop, or a
 * web URL on code-server / Codespaces).
 */
export async function externalCallbackUri(extensionId: string): Promise<string> {
  const local = vscode.Uri.parse(`${vscode.env.uriScheme}://${extensionId}${CALLBACK_PATH}`);
  const external = await vscode.env.asExternalUri(local);
  return external.toString(true);
}

/** Something that receives the redirect: the URI handler or a loopback listener. */
export interface RedirectReceiver {
  readonly redirectUrl: string;
  readonly registeredRedirectUrl?: string;
  wait(state: string, signal: AbortSignal): Promise<URLSearchParams>;
}

/**
 * Opens the authorization URL in the system browser (`env.openExternal`,
 * never a webview) and waits for the redirect with a cancellable progress
 * notification. `server` is the configured name (trusted).
 */
export function browserFlow(server: string, receiver: RedirectReceiver): AuthorizationFlow {
  return {
    get redirectUrl() {
      return receiver.redirectUrl;
    },
    get registeredRedirectUrl() {
      return receiver.registeredRedirectUrl;
    },
    authorize: (url, signal) =>
      Promise.resolve(
        vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: safe`Signing in to "${server}": finish in your browser…`, cancellable: true },
          async (_progress, token) => {
            const controller = new AbortController();
            // Nobody waits forever for a browser tab that was closed.
            const timer = setTimeout(() => controller.abort(new Error('no answer from the browser within 10 minutes')), SIGN_IN_TIMEOUT_MS);
            const onAbort = () => controller.abort(signal.reason);
            signal.addEventListener('abort', onAbort, { once: true });
            const cancel = token.onCancellationRequested(() => controller.abort(new Error('sign-in cancelled')));
            try {
              const redirect = receiver.wait(url.searchParams.get('state') ?? '', controller.signal);
              redirect.catch(() => undefined);
              if (!(await vscode.env.openExternal(vscode.Uri.parse(url.href, true)))) throw new Error('the browser could not be opened');
              return await redirect;
            } finally {
              clearTimeout(timer);
              cancel.dispose();
              signal.removeEventListener('abort', onAbort);
            }
          },
        ),
      ),
  };
}
