import * as vscode from 'vscode';
import { LoopbackRedirect } from '../host/auth/loopback';
import { HostOAuthProvider } from '../host/auth/oauthProvider';
import { authFailureStage } from '../host/auth/signIn';
import type { AuthFailureStage } from '../host/auth/types';
import type { ServerConfig } from '../host/config';
import { describeError } from '../host/errors';
import type { ServerManager, ServerManagerDeps } from '../host/serverManager';
import { AuthCallbackRouter, browserFlow, externalCallbackUri, SecretStorageStore, type RedirectReceiver } from './authRedirect';
import { safe, safeText } from '../shared/safeText';
import { settings } from './settings';
import type { FeatureDeps } from './features';
import { serverArg } from './serverArg';

type RemoteConfig = Extract<ServerConfig, { type: 'http' | 'sse' }>;

/** Secret-storage key of a server's pre-registered client secret. */
export function clientSecretKey(server: string): string {
  return `mcpApprovalHost.clientSecret:${server}`;
}

/** What the person reads when signing in failed at a step (no server text). */
const STAGE_TEXT: Record<AuthFailureStage, string> = {
  discovery: 'the authorization server could not be found or its metadata was not valid',
  registration: 'the client could not be registered with the authorization server',
  consent: 'sign-in was not completed or consent was denied',
  token: 'the authorization server did not issue tokens',
  callback: 'the browser came back with a redirect that was not for this sign-in',
};

/** The OAuth provider factory for the host, and the sign-in commands once the host is built. */
export interface AuthFeature extends vscode.Disposable {
  auth: NonNullable<ServerManagerDeps['auth']>;
  registerCommands(features: FeatureDeps): void;
}

/**
 * Sign-in for remote servers: the OAuth provider factory for the server
 * manager (tokens and registrations in SecretStorage, the browser through
 * `env.openExternal`, the redirect through a URI handler), and the Sign In,
 * Sign Out and Set Client Secret… commands.
 */
export function createAuthFeature(context: vscode.ExtensionContext): AuthFeature {
  const store = new SecretStorageStore(context.secrets);
  const router = new AuthCallbackRouter();
  let callback: Promise<string> | undefined;
  const loopbacks = new Set<LoopbackRedirect>();

  /** The receiver of the redirect; a loopback listener only while a sign-in may run. */
  const receiver = async (interactive: boolean): Promise<RedirectReceiver> => {
    if (settings.signInRedirect() === 'loopback') {
      const loopback = new LoopbackRedirect();
      if (interactive) {
        await loopback.listen();
        loopbacks.add(loopback);
        // One sign-in per listener: it closes a few minutes later at the latest.
        setTimeout(() => {
          loopback.close();
          loopbacks.delete(loopback);
        }, 10 * 60_000).unref();
      }
      return loopback;
    }
    const redirectUrl = await (callback ??= externalCallbackUri(context.extension.id));
    return { redirectUrl, wait: (state, signal) => router.wait(state, signal) };
  };

  const auth = async (server: string, config: RemoteConfig, interactive: boolean): Promise<HostOAuthProvider> => {
    const clientSecret = config.clientId !== undefined ? await context.secrets.get(clientSecretKey(server)) : undefined;
    const provider = new HostOAuthProvider({
      server,
      serverUrl: config.url,
      store,
      flow: browserFlow(server, await receiver(interactive)),
      clientName: `${vscode.env.appName} (MCP Approval Host)`,
      clientId: config.clientId,
      clientSecret,
      scopes: config.scopes,
      grant: config.grant,
      enterpriseIdp: config.enterpriseIdp,
    });
    provider.interactive = interactive;
    return provider;
  };

  return {
    auth,
    registerCommands: (features) => {
      const manager = features.host.manager;
      features.registerCommand('mcpApprovalHost.signIn', (arg) => signIn(manager, features, serverArg(arg)));
      features.registerCommand('mcpApprovalHost.signOut', (arg) => signOut(manager, features, store, serverArg(arg)));
      features.registerCommand('mcpApprovalHost.setClientSecret', (arg) => setClientSecret(manager, features, serverArg(arg)));
    },
    dispose: () => {
      router.dispose();
      for (const l of loopbacks) l.close();
    },
  };
}

async function pickRemote(manager: ServerManager, name: string | undefined, placeHolder: string): Promise<RemoteConfig | undefined> {
  const remotes = manager.list().filter((s) => s.config.type !== 'stdio');
  // The item carries the real name: the label is neutralised for display and may differ from it.
  const items = remotes.map((s) => ({ label: safeText(s.name, 120), description: s.signIn ? 'Sign in required' : safeText(s.state.kind, 40), name: s.name }));
  const chosen = name ?? (await vscode.window.showQuickPick(items, { placeHolder: safeText(placeHolder) }))?.name;
  const view = chosen === undefined ? undefined : manager.get(chosen);
  if (chosen !== undefined && (!view || view.config.type === 'stdio')) void vscode.window.showWarningMessage(safe`"${chosen}" is not a remote server: only remote servers sign in.`);
  return view && view.config.type !== 'stdio' ? view.config : undefined;
}

async function signIn(manager: ServerManager, deps: FeatureDeps, name: string | undefined): Promise<void> {
  const config = await pickRemote(manager, name, 'Sign in to which server?');
  if (!config) return;
  try {
    await manager.signIn(config.name);
  } catch (err) {
    const log = deps.logs.forServer(config.name);
    log.error(`Sign-in failed: ${describeError(err)}`);
    const stage = authFailureStage(err);
    const what = stage ? STAGE_TEXT[stage] : 'the server could not be reached after signing in';
    const choice = await vscode.window.showErrorMessage(safe`Sign-in to "${config.name}" failed: ${what}.`, 'Show Logs');
    if (choice) log.show(true);
  }
}

async function signOut(manager: ServerManager, deps: FeatureDeps, store: SecretStorageStore, name: string | undefined): Promise<void> {
  const config = await pickRemote(manager, name, 'Sign out of which server?');
  if (!config) return;
  // A provider that is not interactive and never connects: only forgets.
  const provider = new HostOAuthProvider({
    server: config.name,
    serverUrl: config.url,
    store,
    flow: { redirectUrl: '', authorize: () => Promise.reject(new Error('signed out')) },
    clientName: '',
    clientId: config.clientId,
    grant: config.grant,
    enterpriseIdp: config.enterpriseIdp,
  });
  await provider.signOut();
  deps.logs.forServer(config.name).info(`Signed out: tokens and client registration removed from secret storage${provider.enterprise ? ', and the identity provider sign-in' : ''}`);
  await manager.restart(config.name).catch(() => undefined);
}

async function setClientSecret(manager: ServerManager, deps: FeatureDeps, name: string | undefined): Promise<void> {
  const config = await pickRemote(manager, name, 'Set the client secret of which server?');
  if (!config) return;
  const secret = await vscode.window.showInputBox({
    title: safe`Client secret for "${config.name}"`,
    prompt: 'Kept in VS Code secret storage, never in settings. Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (secret === undefined) return;
  if (secret === '') await deps.context.secrets.delete(clientSecretKey(config.name));
  else await deps.context.secrets.store(clientSecretKey(config.name), secret);
  await manager.restart(config.name).catch(() => undefined);
}
