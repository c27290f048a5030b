import type { IDisposable } from './disposable';

/**
 * Every setting of the extension, defined once: its key under
 * {@link SETTINGS_SECTION}, its default and its bounds. package.json's
 * `contributes.configuration` declares the same (a unit test keeps them equal);
 * the extension and the host read settings only through these.
 */
export const SETTINGS_SECTION = 'mcpApprovalHost';

interface NumberSetting {
  readonly key: string;
  readonly default: number;
  readonly minimum: number;
  readonly maximum: number;
}

export const SETTINGS = {
  servers: { key: 'servers', default: {} as Record<string, unknown> },
  toolCallTimeoutSeconds: { key: 'toolCallTimeoutSeconds', default: 60, minimum: 5, maximum: 3600 } satisfies NumberSetting,
  toolCallMaxSeconds: { key: 'toolCallMaxSeconds', default: 3600, minimum: 10, maximum: 86400 } satisfies NumberSetting,
  connectTimeoutSeconds: { key: 'connectTimeoutSeconds', default: 30, minimum: 1, maximum: 600 } satisfies NumberSetting,
  reviewTimeoutMinutes: { key: 'reviewTimeoutMinutes', default: 10, minimum: 0, maximum: 1440 } satisfies NumberSetting,
  signInRedirect: { key: 'signIn.redirect', default: 'auto', enum: ['auto', 'loopback', 'uriHandler'] as const },
  auditLogEnabled: { key: 'auditLog.enabled', default: true },
  auditLogIncludeContent: { key: 'auditLog.includeContent', default: false },
  chatExposeServers: { key: 'chat.exposeServers', default: true },
} as const;

/** The full id of a setting, e.g. `mcpApprovalHost.servers`. */
export function settingId(setting: { key: string }): string {
  return `${SETTINGS_SECTION}.${setting.key}`;
}

/**
 * Where the host reads settings: raw values by key (relative to the
 * section), undefined when unset. VS Code's `WorkspaceConfiguration` fits.
 */
export interface SettingsSource {
  get(key: string): unknown;
  /** Fires when a setting under the section may have changed. */
  onDidChange?(listener: () => void): IDisposable;
}

/** Reads a number setting, clamped to its bounds; the default when unset or not a number. */
export function readNumber(source: SettingsSource, setting: NumberSetting): number {
  const value = source.get(setting.key);
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(setting.maximum, Math.max(setting.minimum, value)) : setting.default;
}

/** The connection and tool-call timeouts in milliseconds. */
export function readTimeouts(source: SettingsSource): { connectMs: number; toolIdleMs: number; toolMaxMs: number } {
  return {
    connectMs: readNumber(source, SETTINGS.connectTimeoutSeconds) * 1000,
    toolIdleMs: readNumber(source, SETTINGS.toolCallTimeoutSeconds) * 1000,
    toolMaxMs: readNumber(source, SETTINGS.toolCallMaxSeconds) * 1000,
  };
}

/** How long a request waits for the person before it is answered for them (0 = forever). */
export function readReviewTimeoutMs(source: SettingsSource): number {
  return readNumber(source, SETTINGS.reviewTimeoutMinutes) * 60_000;
}

/** The audit log's two switches. */
export function readAuditOptions(source: SettingsSource): { enabled: boolean; includeContent: boolean } {
  return {
    enabled: source.get(SETTINGS.auditLogEnabled.key) !== false,
    includeContent: source.get(SETTINGS.auditLogIncludeContent.key) === true,
  };
}

/** Where the browser returns after sign-in, as configured (`auto` leaves the choice to the extension). */
export function readSignInRedirect(source: SettingsSource): (typeof SETTINGS.signInRedirect.enum)[number] {
  const value = source.get(SETTINGS.signInRedirect.key);
  return value === 'loopback' || value === 'uriHandler' ? value : 'auto';
}
