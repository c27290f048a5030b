// The settings module (src/host/settings.ts) and the sampling policy
// (src/shared/samplingPolicy.ts) define every key, default, bound and policy
// once; package.json declares them to VS Code. These tests keep the two equal.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_TOKENS_CEILING, DEFAULT_REQUESTS_PER_MINUTE } from '../../src/host/sampling/budget';
import { readAuditOptions, readNumber, readReviewTimeoutMs, readSignInRedirect, readTimeouts, SETTINGS, SETTINGS_SECTION, settingId, type SettingsSource } from '../../src/host/settings';
import { DEFAULT_SAMPLING_POLICY, SAMPLING_POLICIES, SAMPLING_POLICY_DESCRIPTIONS } from '../../src/shared/samplingPolicy';
import { ROOT } from '../support/hostHarness';

interface Declared {
  type?: string | string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  enumDescriptions?: string[];
  description?: string;
  additionalProperties?: { anyOf: Array<{ title: string; properties: Record<string, Declared> }> };
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, Declared> } } };
const declared = pkg.contributes.configuration.properties;

function source(values: Record<string, unknown>): SettingsSource {
  return { get: (key) => values[key] };
}

describe('settings: one definition, the same as package.json', () => {
  it('declares exactly the settings the module defines, under the section', () => {
    assert.deepEqual(Object.keys(declared).sort(), Object.values(SETTINGS).map(settingId).sort());
    for (const id of Object.keys(declared)) assert.ok(id.startsWith(`${SETTINGS_SECTION}.`), id);
  });

  it('has the same default for every setting', () => {
    for (const setting of Object.values(SETTINGS)) assert.deepEqual(declared[settingId(setting)].default, setting.default, setting.key);
  });

  it('has the same bounds for every number setting', () => {
    for (const setting of Object.values(SETTINGS)) {
      if (!('minimum' in setting)) continue;
      const d = declared[settingId(setting)];
      assert.equal(d.type, 'number', setting.key);
      assert.equal(d.minimum, setting.minimum, `${setting.key} minimum`);
      assert.equal(d.maximum, setting.maximum, `${setting.key} maximum`);
    }
  });

  it('offers the same choices for the sign-in redirect', () => {
    assert.deepEqual(declared[settingId(SETTINGS.signInRedirect)].enum, [...SETTINGS.signInRedirect.enum]);
  });

  it('declares the sampling policy of both kinds of server as samplingPolicy.ts defines it', () => {
    const kinds = declared[settingId(SETTINGS.servers)].additionalProperties?.anyOf ?? [];
    assert.equal(kinds.length, 2);
    for (const kind of kinds) {
      const policy = kind.properties.samplingPolicy;
      assert.deepEqual(policy.enum, [...SAMPLING_POLICIES], kind.title);
      assert.equal(policy.default, DEFAULT_SAMPLING_POLICY, kind.title);
      assert.deepEqual(policy.enumDescriptions, SAMPLING_POLICIES.map((p) => SAMPLING_POLICY_DESCRIPTIONS[p]), kind.title);
      // The budget defaults are only stated in the descriptions: keep them true.
      assert.match(kind.properties.maxRequestsPerMinute.description ?? '', new RegExp(`\\(default ${DEFAULT_REQUESTS_PER_MINUTE}\\)`), kind.title);
      assert.match(kind.properties.maxTokens.description ?? '', new RegExp(`\\(default ${DEFAULT_MAX_TOKENS_CEILING}\\)`), kind.title);
    }
  });
});

describe('settings: typed reads', () => {
  it('uses the defaults when nothing is set', () => {
    const empty = source({});
    assert.deepEqual(readTimeouts(empty), { connectMs: 30_000, toolIdleMs: 60_000, toolMaxMs: 3_600_000 });
    assert.equal(readReviewTimeoutMs(empty), 600_000);
    assert.deepEqual(readAuditOptions(empty), { enabled: true, includeContent: false });
    assert.equal(readSignInRedirect(empty), 'auto');
  });

  it('clamps numbers to their bounds and ignores values that are not numbers', () => {
    assert.equal(readNumber(source({ connectTimeoutSeconds: 0.2 }), SETTINGS.connectTimeoutSeconds), 1);
    assert.equal(readNumber(source({ connectTimeoutSeconds: 10_000 }), SETTINGS.connectTimeoutSeconds), 600);
    assert.equal(readNumber(source({ connectTimeoutSeconds: '5' }), SETTINGS.connectTimeoutSeconds), 30);
    assert.equal(readNumber(source({ connectTimeoutSeconds: Number.NaN }), SETTINGS.connectTimeoutSeconds), 30);
    assert.equal(readReviewTimeoutMs(source({ reviewTimeoutMinutes: 0 })), 0, '0 waits forever');
  });

  it('reads the audit switches strictly and the redirect only from its choices', () => {
    assert.deepEqual(readAuditOptions(source({ 'auditLog.enabled': false, 'auditLog.includeContent': 'yes' })), { enabled: false, includeContent: false });
    assert.deepEqual(readAuditOptions(source({ 'auditLog.includeContent': true })), { enabled: true, includeContent: true });
    assert.equal(readSignInRedirect(source({ 'signIn.redirect': 'uriHandler' })), 'uriHandler');
    assert.equal(readSignInRedirect(source({ 'signIn.redirect': 'elsewhere' })), 'auto');
  });
});
