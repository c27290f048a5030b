import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isModelAllowed, modelTraits, preselectModel, scoreModel, type ModelInfo } from '../../src/host/sampling/modelSelection';

function model(id: string, family: string, extra: Partial<ModelInfo> = {}): ModelInfo {
  return { id, family, name: extra.name ?? id, vendor: extra.vendor ?? 'copilot', version: '1', maxInputTokens: 128_000, ...extra };
}

const gpt4o = model('gpt-4o', 'gpt-4o', { name: 'GPT-4o' });
const gpt4oMini = model('gpt-4o-mini', 'gpt-4o-mini', { name: 'GPT-4o mini' });
const sonnet = model('claude-3.5-sonnet', 'claude-3.5-sonnet', { name: 'Claude 3.5 Sonnet' });
const haiku = model('claude-haiku-4.5', 'claude-haiku', { name: 'Claude Haiku 4.5' });
const geminiPro = model('gemini-2.5-pro', 'gemini-2.5-pro', { name: 'Gemini 2.5 Pro' });
const MODELS = [gpt4o, gpt4oMini, sonnet, haiku, geminiPro];

describe('preselectModel: hints', () => {
  it('picks the model matching the first hint that matches anything', () => {
    const r = preselectModel(MODELS, { hints: [{ name: 'llama' }, { name: 'claude' }, { name: 'gpt' }] });
    assert.equal(r.model, sonnet);
    assert.ok(r.model && r.how === 'hint');
    assert.equal(r.reason, 'Matched hint "claude" (id claude-3.5-sonnet)');
  });

  it('evaluates hints in order, not by model order', () => {
    assert.equal(preselectModel(MODELS, { hints: [{ name: 'haiku' }, { name: 'gpt' }] }).model, haiku);
    assert.equal(preselectModel(MODELS, { hints: [{ name: 'gpt' }, { name: 'haiku' }] }).model, gpt4o);
  });

  it('matches hints case-insensitively', () => {
    assert.equal(preselectModel(MODELS, { hints: [{ name: 'SONNET' }] }).model, sonnet);
  });

  it('prefers an id match over family, name and vendor matches', () => {
    const byVendor = model('v1', 'f1', { name: 'n1', vendor: 'acme' });
    const byName = model('v2', 'f2', { name: 'acme turbo' });
    const byFamily = model('v3', 'acme-family');
    const byId = model('acme-id', 'f4');
    const r = preselectModel([byVendor, byName, byFamily, byId], { hints: [{ name: 'acme' }] });
    assert.equal(r.model, byId);
    assert.equal(r.reason, 'Matched hint "acme" (id acme-id)');
  });

  it('prefers family over name over vendor when no id matches', () => {
    const byVendor = model('v1', 'f1', { name: 'n1', vendor: 'acme' });
    const byName = model('v2', 'f2', { name: 'acme turbo' });
    const byFamily = model('v3', 'acme-family');
    assert.equal(preselectModel([byVendor, byName, byFamily], { hints: [{ name: 'acme' }] }).reason, 'Matched hint "acme" (family acme-family)');
    assert.equal(preselectModel([byVendor, byName], { hints: [{ name: 'acme' }] }).reason, 'Matched hint "acme" (name acme turbo)');
    assert.equal(preselectModel([byVendor], { hints: [{ name: 'acme' }] }).reason, 'Matched hint "acme" (vendor acme)');
  });

  it('keeps list order among models matching on the same field', () => {
    assert.equal(preselectModel([gpt4oMini, gpt4o], { hints: [{ name: 'gpt-4o' }] }).model, gpt4oMini);
  });

  it('skips hints without a name or with a blank name', () => {
    assert.equal(preselectModel(MODELS, { hints: [{}, { name: '  ' }, { name: 'gemini' }] }).model, geminiPro);
  });

  it('outranks priorities', () => {
    const r = preselectModel(MODELS, { hints: [{ name: 'mini' }], intelligencePriority: 1 });
    assert.equal(r.model, gpt4oMini);
  });
});

describe('preselectModel: allowedModels', () => {
  it('filters by id, family or vendor/family, case-insensitively, before hints', () => {
    const allowed = ['GPT-4O-MINI', 'copilot/claude-haiku'];
    const r = preselectModel(MODELS, { hints: [{ name: 'sonnet' }, { name: 'claude' }] }, allowed);
    assert.equal(r.model, haiku);
  });

  it('matches an allowed family entry', () => {
    assert.equal(preselectModel(MODELS, undefined, ['gemini-2.5-pro']).model, geminiPro);
  });

  it('treats an empty allowed list as no restriction', () => {
    assert.equal(preselectModel(MODELS, undefined, []).model, gpt4o);
  });

  it('explains when no model is allowed', () => {
    const r = preselectModel(MODELS, undefined, ['llama-3']);
    assert.equal(r.model, undefined);
    assert.equal(r.reason, `None of the 5 available models matches this server's allowedModels ("llama-3")`);
  });

  it('does not treat a partial name as allowed', () => {
    assert.equal(isModelAllowed(gpt4o, ['gpt']), false);
    assert.equal(isModelAllowed(gpt4o, ['copilot/gpt-4o']), true);
    assert.equal(isModelAllowed(gpt4o, undefined), true);
  });
});

describe('preselectModel: priorities', () => {
  it('picks an intelligent model for a high intelligence priority, with a readable reason', () => {
    const r = preselectModel(MODELS, { intelligencePriority: 0.9, speedPriority: 0.1, costPriority: 0.2 });
    assert.equal(r.model, sonnet);
    assert.ok(r.model && r.how === 'priorities');
    assert.equal(r.reason, 'Highest score for intelligence 0.9 / speed 0.1 / cost 0.2: Claude 3.5 Sonnet (family claude-3.5-sonnet)');
  });

  it('picks a cheap model for a high cost priority', () => {
    assert.equal(preselectModel(MODELS, { costPriority: 1 }).model, gpt4oMini);
  });

  it('picks a fast model for a high speed priority (list order breaks ties)', () => {
    assert.equal(preselectModel([sonnet, haiku, gpt4oMini], { speedPriority: 0.8 }).model, haiku);
  });

  it('uses maxInputTokens as a tie-breaker for intelligence', () => {
    const small = model('x-pro', 'x-pro', { maxInputTokens: 8_000 });
    const big = model('y-pro', 'y-pro', { maxInputTokens: 1_000_000 });
    assert.equal(preselectModel([small, big], { intelligencePriority: 1 }).model, big);
  });

  it('says when no hint matched before falling back to priorities', () => {
    const r = preselectModel(MODELS, { hints: [{ name: 'llama' }], costPriority: 1 });
    assert.match(r.reason, /^No hint matched; highest score for intelligence 0 \/ speed 0 \/ cost 1: /);
  });

  it('ignores priorities that are all zero', () => {
    const r = preselectModel(MODELS, { costPriority: 0, speedPriority: 0, intelligencePriority: 0 });
    assert.ok(r.model && r.how === 'first');
  });
});

describe('preselectModel: fallbacks', () => {
  it('takes the first allowed model without preferences', () => {
    const r = preselectModel(MODELS, undefined, ['claude-3.5-sonnet', 'gpt-4o-mini']);
    assert.equal(r.model, gpt4oMini);
    assert.ok(r.model && r.how === 'first');
    assert.equal(r.reason, 'First available model, GPT-4o mini (the server gave no preferences)');
  });

  it('explains a first-model fallback after unmatched hints', () => {
    assert.equal(preselectModel(MODELS, { hints: [{ name: 'llama' }] }).reason, 'First available model, GPT-4o (no hint matched and no priorities were given)');
  });

  it('explains that no models are available', () => {
    const r = preselectModel([], { hints: [{ name: 'claude' }] });
    assert.equal(r.model, undefined);
    assert.equal(r.reason, 'No language models are available in VS Code');
  });
});

describe('modelTraits / scoreModel', () => {
  it('classifies small models as cheap and fast', () => {
    for (const m of [gpt4oMini, haiku, model('gemini-2.0-flash', 'gemini-2.0-flash'), model('gpt-4.1-nano', 'gpt-4.1-nano'), model('o3-mini', 'o3-mini')]) {
      const t = modelTraits(m);
      assert.deepEqual([m.id, t.cheapness, t.speed], [m.id, 1, 1]);
    }
  });

  it('classifies large models as intelligent', () => {
    for (const m of [sonnet, geminiPro, model('claude-opus-4', 'claude-opus-4'), model('o1', 'o1'), model('gpt-5', 'gpt-5')]) {
      const t = modelTraits(m);
      assert.deepEqual([m.id, t.cheapness, t.speed], [m.id, 0.2, 0.3]);
      assert.ok(t.intelligence > 0.85, m.id);
    }
  });

  it('does not mistake "gemini" for a mini model', () => {
    assert.equal(modelTraits(model('gemini-1.0', 'gemini-1.0')).cheapness, 0.6);
  });

  it('treats unknown families as medium', () => {
    const t = modelTraits(gpt4o);
    assert.equal(t.cheapness, 0.6);
    assert.equal(t.speed, 0.6);
  });

  it('computes intelligence as 0.85 × tier + 0.15 × context signal', () => {
    assert.equal(modelTraits(model('x', 'x', { maxInputTokens: 8192 })).intelligence, 0.51);
    assert.equal(modelTraits(model('x', 'x', { maxInputTokens: 262_144 })).intelligence, 0.66);
    assert.equal(modelTraits(model('x', 'x', { maxInputTokens: 0 })).intelligence, 0.51);
  });

  it('scores as the priority-weighted sum of traits', () => {
    const t = modelTraits(sonnet);
    const s = scoreModel(sonnet, { costPriority: 0.5, speedPriority: 0.25, intelligencePriority: 1 });
    assert.equal(s, 0.5 * t.cheapness + 0.25 * t.speed + t.intelligence);
  });
});
