#!/usr/bin/env node
// Benchmark MCP server (v1 SDK, stdio, protocol 2025-era): sends `sampling/createMessage`
// requests OUTSIDE any tool call when the benchmark tells it to, and times them itself.
// Used by test/bench/browser.mjs for both hosts (VS Code's own MCP host from
// `.vscode/mcp.json`, and MCP Approval Host from its settings), so both see the same
// server. Test-only; never shipped.
//
// Control: an HTTP listener on 127.0.0.1 (a free port). The server writes
// `{ port, pid, name }` to `$BENCH_CONTROL_DIR/<name>.json` once it is connected.
//   GET  /now                          → { now }   (the server's clock, for calibration)
//   POST /burst { prefix, count, padTo, start } → sends `count` requests at once without
//        waiting; answers at once { t0, markers, sentAt }. Request i's prompt starts with the
//        marker `<prefix>-<start+i, 4 digits>` and ends with INSTANT (the test model's zero-latency mode);
//        `padTo` pads the prompt to that many characters.
//   POST /roundtrip { prefix, count, warmup } → sends `warmup + count` requests one after
//        the other, each timed from just before it is sent to its result;
//        answers { times, errors } (times of the `count` measured ones, in ms).
//   GET  /results?prefix=P             → [{ marker, sentAt, doneAt, outcome, detail }]
//   POST /cancel { prefix }            → aborts the requests still pending (the SDK sends
//        notifications/cancelled); answers { cancelled }.
// Times are epoch milliseconds with sub-millisecond precision (performance.timeOrigin +
// performance.now()), comparable with the other processes on this machine.
//
// Usage: node test/bench/bench-server.mjs <control dir>   (or BENCH_CONTROL_DIR)
// Env: FIXTURE_NAME (server name, default fixture-bench).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { exitWhenStdinCloses, startFixtureProcess } from '../fixtures/serverCore.mjs';

const { name, log } = startFixtureProcess('bench');
const controlDir = process.env.BENCH_CONTROL_DIR || process.argv[2];
if (!controlDir) {
    log('BENCH_CONTROL_DIR is not set');
    process.exit(2);
}

const now = () => performance.timeOrigin + performance.now();
/** Upper bound for one request: nothing waits forever. */
const REQUEST_TIMEOUT_MS = 120_000;
const MAX_COUNT = 2000;
const MAX_PAD = 2_000_000;
const pad = i => String(i).padStart(4, '0');

const mcp = new McpServer({ name, version: '1.0.0' }, { capabilities: { tools: {} } });
mcp.registerTool('ping', { description: 'Answers pong (the benchmark server samples outside tool calls).' }, async () => ({
    content: [{ type: 'text', text: 'pong' }],
}));
mcp.server.onerror = error => log(`error: ${error.message}`);

/** @type {Map<string, { marker: string, sentAt: number, doneAt?: number, outcome?: string, detail?: string, abort: AbortController }>} */
const requests = new Map();

function promptFor(marker, padTo = 0) {
    const head = `${marker} `;
    const tail = ' INSTANT';
    const fill = Math.max(0, Math.min(MAX_PAD, padTo) - head.length - tail.length);
    const words = 'lorem ipsum dolor sit amet ';
    return `${head}${words.repeat(Math.ceil(fill / words.length)).slice(0, fill)}${tail}`;
}

/** Sends one request; resolves when it settled (never rejects). */
function sample(marker, padTo) {
    const abort = new AbortController();
    const entry = { marker, sentAt: now(), abort };
    requests.set(marker, entry);
    const params = {
        messages: [{ role: 'user', content: { type: 'text', text: promptFor(marker, padTo) } }],
        maxTokens: 64,
    };
    entry.sentAt = now();
    return mcp.server.createMessage(params, { signal: abort.signal, timeout: REQUEST_TIMEOUT_MS }).then(
        result => {
            entry.doneAt = now();
            entry.outcome = 'result';
            entry.detail = result.content?.type === 'text' ? result.content.text.slice(0, 200) : JSON.stringify(result.content).slice(0, 200);
        },
        error => {
            entry.doneAt = now();
            entry.outcome = 'error';
            entry.detail = String(error?.message ?? error).slice(0, 300);
        }
    );
}

function clampCount(v, dflt) {
    const n = Number(v ?? dflt);
    return Number.isInteger(n) && n >= 0 ? Math.min(n, MAX_COUNT) : dflt;
}

async function readBody(req) {
    let body = '';
    for await (const chunk of req) {
        body += chunk;
        if (body.length > 100_000) throw new Error('body too large');
    }
    return body ? JSON.parse(body) : {};
}

const routes = {
    'GET /now': async () => ({ now: now() }),
    'POST /burst': async ({ prefix = 'burst', count, padTo = 0, start = 0 }) => {
        const n = clampCount(count, 1);
        const first = clampCount(start, 0);
        const markers = Array.from({ length: n }, (_, i) => `${prefix}-${pad(first + i)}`);
        const t0 = now();
        for (const m of markers) void sample(m, Number(padTo) || 0);
        return { t0, markers, sentAt: markers.map(m => requests.get(m).sentAt) };
    },
    'POST /roundtrip': async ({ prefix = 'rt', count, warmup = 0 }) => {
        const n = clampCount(count, 10);
        const w = clampCount(warmup, 0);
        const times = [];
        const errors = [];
        for (let i = 0; i < w + n; i++) {
            const marker = `${prefix}-${pad(i)}`;
            await sample(marker, 0);
            const e = requests.get(marker);
            if (e.outcome !== 'result') errors.push(`${marker}: ${e.detail}`);
            else if (i >= w) times.push(e.doneAt - e.sentAt);
            requests.delete(marker);
            if (errors.length >= 3) break;
        }
        return { times, errors };
    },
    'GET /results': async (_body, url) => {
        const prefix = url.searchParams.get('prefix') ?? '';
        return [...requests.values()]
            .filter(e => e.marker.startsWith(`${prefix}-`))
            .map(({ marker, sentAt, doneAt, outcome, detail }) => ({ marker, sentAt, doneAt, outcome, detail }));
    },
    'POST /cancel': async ({ prefix = '' }) => {
        let cancelled = 0;
        for (const e of requests.values()) {
            if (e.marker.startsWith(`${prefix}-`) && !e.outcome) {
                e.abort.abort(new Error('cancelled by the benchmark'));
                cancelled++;
            }
        }
        return { cancelled };
    },
};

const http = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routes[`${req.method} ${url.pathname}`];
    try {
        if (!route) throw Object.assign(new Error('not found'), { status: 404 });
        const body = req.method === 'POST' ? await readBody(req) : {};
        const out = await route(body, url);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out));
    } catch (err) {
        res.writeHead(err.status ?? 500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(err.message ?? err) }));
    }
});

exitWhenStdinCloses(async () => {
    for (const e of requests.values()) e.abort.abort();
    http.close();
    await mcp.close();
});

mcp.server.oninitialized = () => {
    const info = mcp.server.getClientVersion();
    log(`initialized by ${info?.name ?? '?'} ${info?.version ?? ''}`);
    http.listen(0, '127.0.0.1', () => {
        const { port } = /** @type {import('node:net').AddressInfo} */ (http.address());
        mkdirSync(controlDir, { recursive: true });
        const file = join(controlDir, `${name}.json`);
        writeFileSync(`${file}.tmp`, JSON.stringify({ port, pid: process.pid, name, client: info ?? null }));
        renameSync(`${file}.tmp`, file);
        log(`control on 127.0.0.1:${port}`);
    });
};

await mcp.connect(new StdioServerTransport());
