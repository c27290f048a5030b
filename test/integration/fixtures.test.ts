// Smoke tests for the MCP test fixture servers (test/fixtures/*.mjs) and the demo
// server (examples/demo-server/server.mjs), driven by the real v2 client.
//
//   node --import tsx --test test/integration/fixtures.test.ts

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Client, type ElicitResult, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startHttpFixture } from '../support/hostHarness';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const V2_STDIO = path.join(FIXTURES, 'v2-stdio-server.mjs');
const V1_STDIO = path.join(FIXTURES, 'v1-stdio-server.mjs');
const DEMO = path.join(ROOT, 'examples', 'demo-server', 'server.mjs');

const FIXTURE_TOOLS = ['echo', 'add', 'fail', 'image', 'slow', 'sample', 'elicit', 'elicit_url', 'add_tool', 'crash', 'stderr'];

type Era = 'modern' | 'legacy';
type NegotiationMode = 'auto' | 'legacy';

interface Seen {
    sampling: Array<Record<string, unknown>>;
    elicitation: Array<Record<string, unknown>>;
}

/** A v2 client declaring sampling (with tools) and elicitation (form + url), answering both deterministically. */
function makeClient(mode: NegotiationMode = 'auto', onToolsChanged?: (names: string[]) => void): { client: Client; seen: Seen } {
    const seen: Seen = { sampling: [], elicitation: [] };
    const client = new Client(
        { name: 'fixture-smoke-test', version: '1.0.0' },
        {
            capabilities: { sampling: { tools: {} }, elicitation: { form: {}, url: {} } },
            versionNegotiation: { mode },
            ...(onToolsChanged && {
                listChanged: { tools: { onChanged: (_error, tools) => onToolsChanged((tools ?? []).map(t => t.name)) } }
            })
        }
    );
    client.setRequestHandler('sampling/createMessage', async request => {
        seen.sampling.push(request.params as unknown as Record<string, unknown>);
        const first = request.params.messages[0];
        const block = Array.isArray(first?.content) ? first.content[0] : first?.content;
        const prompt = block && block.type === 'text' ? block.text : '';
        return { role: 'assistant', content: { type: 'text', text: `sampled: ${prompt}` }, model: 'smoke-model', stopReason: 'endTurn' };
    });
    client.setRequestHandler('elicitation/create', async (request): Promise<ElicitResult> => {
        seen.elicitation.push(request.params as unknown as Record<string, unknown>);
        if (request.params.mode === 'url') return { action: 'accept' };
        const props = Object.keys(request.params.requestedSchema.properties);
        if (props.includes('traveller_name')) {
            return {
                action: 'accept',
                content: {
                    traveller_name: 'Ada',
                    email: 'ada@example.com',
                    destination: 'Lisbon',
                    departure_date: '2026-09-01',
                    travellers: 2,
                    cabin: 'economy',
                    seat: 'aisle',
                    meal: 'veg',
                    activities: ['food'],
                    extras: ['bag'],
                    insurance: true,
                    budget_eur: 900
                }
            };
        }
        return { action: 'accept', content: { name: 'Ada', age: 36, subscribe: true, color: 'blue' } };
    });
    return { client, seen };
}

function stdio(script: string, env: Record<string, string> = {}): { transport: StdioClientTransport; stderr: () => string } {
    const transport = new StdioClientTransport({
        command: process.execPath,
        args: [script],
        env: { ...getDefaultEnvironment(), ...env },
        stderr: 'pipe'
    });
    let buf = '';
    transport.stderr?.on('data', (d: Buffer) => (buf += d.toString()));
    return { transport, stderr: () => buf };
}

/**
 * The clients a describe block connects, closed after its tests. `client`
 * makes one (see makeClient) and keeps it for closing.
 */
function useClients() {
    const clients: Client[] = [];
    after(async () => {
        for (const c of clients) await c.close().catch(() => {});
    });
    return (mode: NegotiationMode = 'auto', onToolsChanged?: (names: string[]) => void) => {
        const made = makeClient(mode, onToolsChanged);
        clients.push(made.client);
        return made;
    };
}

/**
 * One HTTP fixture process for the enclosing describe block, started before
 * its tests and stopped after them (and after its clients are closed).
 */
function useHttpFixture(script: 'http-server.mjs' | 'sse-server.mjs', args: string[] = []) {
    // Registered first, so its after hook closes the clients before the fixture stops.
    const client = useClients();
    let fixture: Awaited<ReturnType<typeof startHttpFixture>> | undefined;
    before(async () => {
        fixture = await startHttpFixture(script, args);
    });
    after(() => fixture?.stop());
    return {
        client,
        get url(): URL {
            assert.ok(fixture, `${script} has started`);
            return new URL(fixture.url);
        }
    };
}

function texts(result: unknown): string[] {
    const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
    return content.filter(c => c.type === 'text').map(c => c.text ?? '');
}

/** Calls the fixture's add_tool and waits (3 s at most) for the tools/list_changed it causes to reach the client. */
async function addToolAndSeeListChanged(client: Client, changed: () => string[] | undefined): Promise<void> {
    await client.callTool({ name: 'add_tool', arguments: {} });
    const deadline = Date.now() + 3000;
    while (!changed() && Date.now() < deadline) await new Promise(r => setTimeout(r, 25));
    assert.ok(changed()?.includes('dynamic_1'), 'tools/list_changed delivered with dynamic_1');
}

/** The shared checks every fixture must pass. */
async function smoke(client: Client, seen: Seen, expectedEra: Era): Promise<void> {
    assert.equal(client.getProtocolEra(), expectedEra);

    const tools = (await client.listTools()).tools.map(t => t.name);
    for (const name of FIXTURE_TOOLS) assert.ok(tools.includes(name), `tool ${name} listed (got ${tools.join(',')})`);
    assert.deepEqual(
        (await client.listPrompts()).prompts.map(p => p.name),
        ['greet']
    );
    assert.deepEqual(
        (await client.listResources()).resources.map(r => r.uri),
        ['fixture://readme']
    );

    assert.deepEqual(texts(await client.callTool({ name: 'echo', arguments: { text: 'hello' } })), ['echo: hello']);

    const added = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
    assert.deepEqual(added.structuredContent, { sum: 42 });

    const sampled = await client.callTool({ name: 'sample', arguments: { prompt: 'say hi', systemPrompt: 'be brief', maxTokens: 20 } });
    assert.equal(sampled.isError, undefined, texts(sampled).join('\n'));
    assert.equal(texts(sampled)[0], 'sampled: say hi');
    assert.match(texts(sampled)[1] ?? '', /model: smoke-model, stopReason: endTurn/);
    const samplingParams = seen.sampling.at(-1);
    assert.equal(samplingParams?.systemPrompt, 'be brief');
    assert.equal(samplingParams?.maxTokens, 20);

    const elicited = await client.callTool({ name: 'elicit', arguments: { message: 'Who are you?' } });
    assert.deepEqual(JSON.parse(texts(elicited)[0] ?? '{}'), {
        action: 'accept',
        content: { name: 'Ada', age: 36, subscribe: true, color: 'blue' }
    });
    assert.equal(seen.elicitation.at(-1)?.message, 'Who are you?');
}

describe('v2 stdio fixture', () => {
    const newClient = useClients();

    it('negotiates the modern era in auto mode and serves tools, sampling and elicitation', async () => {
        let changed: string[] | undefined;
        const { client, seen } = newClient('auto', names => (changed = names));
        const { transport, stderr } = stdio(V2_STDIO, { FIXTURE_NAME: 'v2-smoke' });
        await client.connect(transport);
        assert.equal(client.getServerVersion()?.name, 'v2-smoke');
        await smoke(client, seen, 'modern');

        await addToolAndSeeListChanged(client, () => changed);
        assert.match(stderr(), /\[fixture v2-stdio\] started pid=\d+/);
    });

    it('also serves a legacy initialize (2025 era) with sampling through the SDK shim', async () => {
        const { client, seen } = newClient('legacy');
        await client.connect(stdio(V2_STDIO).transport);
        await smoke(client, seen, 'legacy');
    });
});

describe('v1 stdio fixture', () => {
    const newClient = useClients();

    it('falls back to the legacy era in auto mode and serves tools, sampling and elicitation', async () => {
        let changed: string[] | undefined;
        const { client, seen } = newClient('auto', names => (changed = names));
        const { transport, stderr } = stdio(V1_STDIO);
        await client.connect(transport);
        assert.equal(client.getServerVersion()?.name, 'fixture-v1-stdio');
        await smoke(client, seen, 'legacy');

        const url = await client.callTool({ name: 'elicit_url', arguments: { url: 'https://example.com/consent' } });
        assert.deepEqual(JSON.parse(texts(url)[0] ?? '{}'), { action: 'accept' });
        assert.equal(seen.elicitation.at(-1)?.mode, 'url');

        await addToolAndSeeListChanged(client, () => changed);
        assert.match(stderr(), /\[fixture v1-stdio\] started pid=\d+/);
    });

    it('honours FIXTURE_CRASH_ON_START', async () => {
        const { client } = makeClient('legacy');
        const { transport, stderr } = stdio(V1_STDIO, { FIXTURE_CRASH_ON_START: '1' });
        await assert.rejects(client.connect(transport));
        await client.close().catch(() => {});
        assert.match(stderr(), /fatal: crash on start requested/);
    });
});

describe('Streamable HTTP fixture (--sdk v2)', () => {
    const fixture = useHttpFixture('http-server.mjs', ['--sdk', 'v2']);
    const newClient = fixture.client;

    it('negotiates the modern era in auto mode', async () => {
        const { client, seen } = newClient('auto');
        await client.connect(new StreamableHTTPClientTransport(fixture.url));
        await smoke(client, seen, 'modern');
    });

    it('serves a legacy client sessionfully (sampling works)', async () => {
        const { client, seen } = newClient('legacy');
        await client.connect(new StreamableHTTPClientTransport(fixture.url));
        await smoke(client, seen, 'legacy');
    });
});

describe('Streamable HTTP fixture (--sdk v1)', () => {
    const fixture = useHttpFixture('http-server.mjs', ['--sdk', 'v1']);
    const newClient = fixture.client;

    it('falls back to the legacy era in auto mode', async () => {
        const { client, seen } = newClient('auto');
        await client.connect(new StreamableHTTPClientTransport(fixture.url));
        await smoke(client, seen, 'legacy');
    });
});

describe('HTTP+SSE fixture', () => {
    const fixture = useHttpFixture('sse-server.mjs');
    const newClient = fixture.client;

    it('answers 405 to a Streamable HTTP POST on /sse', async () => {
        const res = await fetch(fixture.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} })
        });
        assert.equal(res.status, 405);
        await res.body?.cancel();
    });

    it('serves the legacy era over SSEClientTransport', async () => {
        const { client, seen } = newClient('legacy');
        await client.connect(new SSEClientTransport(fixture.url));
        await smoke(client, seen, 'legacy');
    });
});

describe('demo server', () => {
    const newClient = useClients();

    it('summarize_text samples with a system prompt and model preferences; book_trip elicits a full form', async () => {
        const { client, seen } = newClient('auto');
        await client.connect(stdio(DEMO).transport);
        assert.equal(client.getProtocolEra(), 'modern');

        const summary = await client.callTool({ name: 'summarize_text', arguments: { text: 'Alpha beta gamma.' } });
        assert.match(texts(summary)[0] ?? '', /^sampled: Summarize the following text/);
        const params = seen.sampling.at(-1) as { systemPrompt?: string; modelPreferences?: { hints?: unknown[] }; maxTokens?: number };
        assert.ok(params.systemPrompt && params.systemPrompt.length > 0);
        assert.ok((params.modelPreferences?.hints?.length ?? 0) > 0);
        assert.equal(params.maxTokens, 300);

        const trip = await client.callTool({ name: 'book_trip', arguments: { destination: 'Lisbon' } });
        assert.match(texts(trip)[0] ?? '', /Pretend booking TRIP-[0-9A-F]{8}: 2 traveller\(s\) to Lisbon/);
        const form = seen.elicitation.at(-1) as { requestedSchema: { properties: Record<string, { default?: unknown }> } };
        assert.equal(form.requestedSchema.properties.destination?.default, 'Lisbon');
        assert.ok(Object.keys(form.requestedSchema.properties).length >= 12);
    });
});
