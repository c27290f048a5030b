#!/usr/bin/env node
// "Ops Assistant": a demo MCP server (stdio, v2 SDK) that uses sampling and elicitation
// the way real servers do. Used by the MCP Approval Host's sandbox.
//
//   node examples/demo-server/server.mjs
//
// Every tool that needs the client (sampling/createMessage, elicitation/create) is
// written once in the 2026-07-28 multi-round-trip style: it RETURNS
// `inputRequired({...})` and is re-entered with the client's answers in
// `ctx.mcpReq.inputResponses`. `serveStdio` serves both eras from the same factory: a
// modern client fulfils `input_required` itself; for a 2025-era client (`initialize`)
// the SDK's legacy shim sends real server→client requests. Multi-round state
// (`research`) is HMAC-sealed with `createRequestStateCodec`.
//
// Each tool checks the client's declared capabilities first and, when something is
// missing, returns a clear text result saying what is missing instead of failing.
// Nothing here touches the filesystem or the network.

import { randomBytes, randomUUID } from 'node:crypto';

import {
    CLIENT_CAPABILITIES_META_KEY,
    createRequestStateCodec,
    inputRequired,
    inputResponse,
    McpServer
} from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

const NAME = process.env.DEMO_SERVER_NAME || 'ops-assistant-demo';
const VERSION = '1.0.0';
const log = (/** @type {string} */ msg) => process.stderr.write(`[demo-server] ${msg}\n`);

/** Sealed multi-round state. One process serves a whole stdio connection, so a per-process key is enough. */
const stateCodec = createRequestStateCodec({ key: randomBytes(32), ttlSeconds: 900 });

/** @param {string} t @returns {{ type: 'text', text: string }} */
const text = t => ({ type: 'text', text: t });
/** @param {string} t */
const note = t => ({ content: [text(t)] });

// ---------------------------------------------------------------------------
// Capability helpers
// ---------------------------------------------------------------------------

/**
 * The client capabilities that apply to this request: the per-request envelope on the
 * 2026-07-28 era, the `initialize`-declared ones on a 2025-era connection.
 * @param {McpServer} server @param {any} ctx @returns {any}
 */
function clientCaps(server, ctx) {
    return ctx.mcpReq.envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? server.server.getClientCapabilities() ?? {};
}
const canSample = (/** @type {any} */ caps) => caps.sampling !== undefined;
const canSampleWithTools = (/** @type {any} */ caps) => caps.sampling?.tools !== undefined;
/** An empty `elicitation: {}` means form mode (spec back-compat). */
const canElicitForm = (/** @type {any} */ caps) =>
    caps.elicitation !== undefined && (caps.elicitation.form !== undefined || caps.elicitation.url === undefined);
const canElicitUrl = (/** @type {any} */ caps) => caps.elicitation?.url !== undefined;

/** @param {any} content */
function textOf(content) {
    const blocks = Array.isArray(content) ? content : content ? [content] : [];
    return blocks
        .filter(b => b?.type === 'text')
        .map(b => b.text)
        .join('')
        .trim();
}

// ---------------------------------------------------------------------------
// Pretend data
// ---------------------------------------------------------------------------

/** A pretend workspace: delete_files only ever matches against this list. */
const PRETEND_FILES = [
    'logs/app-2025-01-01.log',
    'logs/app-2025-01-02.log',
    'logs/worker-2025-01-02.log',
    'tmp/cache-7f3a.bin',
    'tmp/upload-91c2.part',
    'build/bundle.js',
    'build/bundle.js.map',
    'docs/runbook.md',
    'src/index.ts'
];

/** @param {string} pattern a simple glob: `*` (no slash), `**` (anything), `?` */
function globToRegExp(pattern) {
    let re = '';
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '*' && pattern[i + 1] === '*') {
            re += '.*';
            i++;
        } else if (c === '*') re += '[^/]*';
        else if (c === '?') re += '[^/]';
        else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${re}$`);
}

/** The knowledge base behind `research`'s `lookup` tool and the `demo://knowledge-base` resource. */
const KNOWLEDGE_BASE = /** @type {Record<string, string>} */ ({
    mcp: 'The Model Context Protocol (MCP) connects LLM hosts to servers that expose tools, prompts and resources over JSON-RPC.',
    sampling: 'Sampling lets an MCP server ask the host to run an LLM completion (sampling/createMessage); the host keeps control of the model and may show the prompt to the user.',
    elicitation: 'Elicitation lets an MCP server ask the user for structured input through the host (form mode) or send them to a URL (URL mode).',
    mrtr: 'In protocol revision 2026-07-28 servers ask for client input by returning an input_required result; the client retries the call with inputResponses (multi round-trip requests).',
    incident: 'Runbook: for a SEV-1 incident page the on-call engineer, open an incident channel and post updates every 30 minutes.',
    'on-call': 'The on-call rotation changes every Monday at 09:00 UTC; the current primary is listed in the #ops channel topic.'
});

/** @param {string} query */
function lookup(query) {
    const q = String(query ?? '').trim().toLowerCase();
    const hit = Object.entries(KNOWLEDGE_BASE).find(([k]) => q.includes(k) || k.includes(q));
    return hit ? `${hit[0]}: ${hit[1]}` : `No knowledge-base entry matches "${query}". Known topics: ${Object.keys(KNOWLEDGE_BASE).join(', ')}.`;
}

/** @type {{ name: string, description: string, inputSchema: { type: 'object', properties: Record<string, object>, required: string[] } }} */
const LOOKUP_TOOL = {
    name: 'lookup',
    description: `Look up a topic in the team knowledge base. Known topics: ${Object.keys(KNOWLEDGE_BASE).join(', ')}.`,
    inputSchema: { type: 'object', properties: { topic: { type: 'string', description: 'The topic to look up' } }, required: ['topic'] }
};

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const TICKET_QUEUES = /** @type {Record<string, {queue: string, sla: string}>} */ ({
    billing: { queue: 'finance-support', sla: '1 business day' },
    bug: { queue: 'engineering-triage', sla: '4 hours' },
    feature: { queue: 'product-backlog', sla: '2 weeks' },
    account: { queue: 'identity-support', sla: '8 hours' }
});

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

function createServer() {
    const server = new McpServer(
        { name: NAME, version: VERSION },
        {
            capabilities: { tools: {}, prompts: {}, resources: {} },
            instructions:
                'Ops assistant demo: summarizes text, classifies log lines, triages tickets and researches questions ' +
                'with the host model (sampling); asks the user before pretend-deleting files, to book a trip and to sign in (elicitation).',
            requestState: { verify: (state, ctx) => stateCodec.verify(state, ctx) }
        }
    );

    // --- summarize_text: sampling with system prompt, model preferences, maxTokens ----------
    server.registerTool(
        'summarize_text',
        {
            title: 'Summarize text',
            description: 'Summarizes a text in a few sentences using the host model (sampling).',
            inputSchema: z.object({ text: z.string().min(1).describe('The text to summarize') }),
            annotations: { readOnlyHint: true, openWorldHint: false }
        },
        async ({ text: input }, ctx) => {
            const r = inputResponse(ctx.mcpReq.inputResponses, 'summary');
            if (r.kind === 'sampling') {
                const summary = textOf(r.result.content) || '(the model returned no text)';
                return {
                    content: [text(summary)],
                    structuredContent: { summary, model: r.result.model, stopReason: r.result.stopReason ?? null }
                };
            }
            if (!canSample(clientCaps(server, ctx))) {
                return note(
                    'Cannot summarize: this client does not support sampling (it did not declare the `sampling` capability), ' +
                        'so the server has no model to ask. Enable sampling in your MCP host and try again.'
                );
            }
            return inputRequired({
                inputRequests: {
                    summary: inputRequired.createMessage({
                        messages: [{ role: 'user', content: text(`Summarize the following text in at most 3 sentences:\n\n${input}`) }],
                        systemPrompt:
                            'You are a precise technical summarizer. Keep facts, numbers and names exactly as given. ' +
                            'Do not add information that is not in the text. Answer with the summary only.',
                        modelPreferences: {
                            hints: [{ name: 'claude-haiku' }, { name: 'gpt-4o-mini' }, { name: 'gemini-flash' }],
                            costPriority: 0.7,
                            speedPriority: 0.8,
                            intelligencePriority: 0.3
                        },
                        includeContext: 'none',
                        temperature: 0.3,
                        maxTokens: 300
                    })
                }
            });
        }
    );

    // --- classify_log_line: deterministic one-word classification ----------------------------
    server.registerTool(
        'classify_log_line',
        {
            title: 'Classify log line',
            description: 'Classifies a log line as DEBUG, INFO, WARN, ERROR or FATAL using the host model (sampling).',
            inputSchema: z.object({ line: z.string().min(1).describe('One log line') }),
            annotations: { readOnlyHint: true }
        },
        async ({ line }, ctx) => {
            const r = inputResponse(ctx.mcpReq.inputResponses, 'level');
            if (r.kind === 'sampling') {
                const answer = textOf(r.result.content);
                const level = LOG_LEVELS.find(l => answer.toUpperCase().startsWith(l)) ?? LOG_LEVELS.find(l => answer.toUpperCase().includes(l));
                return {
                    content: [text(level ?? `UNKNOWN (the model answered "${answer.slice(0, 80)}")`)],
                    structuredContent: { level: level ?? 'UNKNOWN', raw: answer, model: r.result.model, stopReason: r.result.stopReason ?? null }
                };
            }
            if (!canSample(clientCaps(server, ctx))) {
                return note(
                    'Cannot classify with a model: this client does not support sampling. ' +
                        `A keyword heuristic would say: ${heuristicLevel(line)} (not model-checked).`
                );
            }
            return inputRequired({
                inputRequests: {
                    level: inputRequired.createMessage({
                        messages: [
                            {
                                role: 'user',
                                content: text(
                                    `Classify the severity of this log line. Answer with exactly one word out of ${LOG_LEVELS.join(', ')}.\n\nLog line: ${line}`
                                )
                            }
                        ],
                        systemPrompt: 'You are a log classifier. Reply with a single severity word and nothing else.',
                        modelPreferences: { speedPriority: 1, costPriority: 0.9, intelligencePriority: 0.2 },
                        temperature: 0,
                        stopSequences: ['\n', '.', ' '],
                        maxTokens: 5
                    })
                }
            });
        }
    );

    // --- triage_ticket: classification → routing decision ------------------------------------
    server.registerTool(
        'triage_ticket',
        {
            title: 'Triage support ticket',
            description: 'Classifies a support ticket (billing, bug, feature, account) with the host model and returns a routing decision.',
            inputSchema: z.object({ subject: z.string().min(1), body: z.string() }),
            annotations: { readOnlyHint: true }
        },
        async ({ subject, body }, ctx) => {
            const r = inputResponse(ctx.mcpReq.inputResponses, 'category');
            if (r.kind === 'sampling') {
                const answer = textOf(r.result.content).toLowerCase();
                const category = Object.keys(TICKET_QUEUES).find(c => answer.includes(c));
                if (!category) {
                    return {
                        content: [text(`Could not route: the model answered "${answer.slice(0, 80)}", which is not a known category. Sent to manual triage.`)],
                        structuredContent: { category: null, queue: 'manual-triage', model: r.result.model }
                    };
                }
                const route = TICKET_QUEUES[category];
                const urgent = /outage|down|urgent|asap|data loss|security/i.test(`${subject} ${body}`);
                const decision = { category, queue: route.queue, sla: urgent ? '1 hour' : route.sla, priority: urgent ? 'high' : 'normal', model: r.result.model };
                return {
                    content: [text(`Route to ${decision.queue} (category ${category}, priority ${decision.priority}, SLA ${decision.sla}).`)],
                    structuredContent: decision
                };
            }
            if (!canSample(clientCaps(server, ctx))) {
                return note('Cannot triage automatically: this client does not support sampling. The ticket goes to the manual-triage queue.');
            }
            return inputRequired({
                inputRequests: {
                    category: inputRequired.createMessage({
                        messages: [
                            {
                                role: 'user',
                                content: text(
                                    'Classify this support ticket into exactly one category: billing, bug, feature, account. ' +
                                        `Answer with the category word only.\n\nSubject: ${subject}\n\n${body}`
                                )
                            }
                        ],
                        systemPrompt: 'You are a support-desk triage assistant.',
                        modelPreferences: { hints: [{ name: 'haiku' }, { name: 'mini' }], costPriority: 0.8, speedPriority: 0.6, intelligencePriority: 0.4 },
                        temperature: 0,
                        maxTokens: 10
                    })
                }
            });
        }
    );

    // --- delete_files: confirmation before a (pretend) destructive action ---------------------
    server.registerTool(
        'delete_files',
        {
            title: 'Delete files (dry run)',
            description:
                'Deletes files matching a glob pattern after asking the user to confirm. DEMO: it never touches the filesystem; it only reports what it would have deleted.',
            inputSchema: z.object({ pattern: z.string().min(1).describe('Glob pattern, e.g. logs/*.log or tmp/**') }),
            annotations: { destructiveHint: true, idempotentHint: false }
        },
        async ({ pattern }, ctx) => {
            const matches = PRETEND_FILES.filter(f => globToRegExp(pattern).test(f));
            if (matches.length === 0) return note(`Nothing matches "${pattern}". Nothing would be deleted.`);
            const r = inputResponse(ctx.mcpReq.inputResponses, 'confirm');
            if (r.kind === 'elicit') {
                if (r.action === 'accept' && r.content?.confirm === true) {
                    return {
                        content: [text(`DRY RUN: would have deleted ${matches.length} file(s):\n${matches.map(f => `- ${f}`).join('\n')}\n(Nothing was touched.)`)],
                        structuredContent: { deleted: [], wouldDelete: matches, dryRun: true }
                    };
                }
                const why = r.action === 'accept' ? 'the confirmation box was not ticked' : r.action === 'decline' ? 'the user declined' : 'the user dismissed the request';
                return note(`Not deleting anything: ${why}.`);
            }
            if (!canElicitForm(clientCaps(server, ctx))) {
                return note(
                    `Refusing to delete ${matches.length} file(s): this is destructive and needs the user's confirmation, ` +
                        'but this client does not support elicitation forms. Nothing was deleted.'
                );
            }
            return inputRequired({
                inputRequests: {
                    confirm: inputRequired.elicit({
                        message: `Delete ${matches.length} file(s) matching "${pattern}"?\n${matches.map(f => `• ${f}`).join('\n')}`,
                        requestedSchema: {
                            type: 'object',
                            properties: {
                                confirm: { type: 'boolean', title: `Yes, delete ${matches.length} file(s)`, description: 'This cannot be undone.', default: false }
                            },
                            required: ['confirm']
                        }
                    })
                }
            });
        }
    );

    // --- book_trip: a form with every field type ------------------------------------------------
    server.registerTool(
        'book_trip',
        {
            title: 'Book a trip',
            description: 'Collects trip details with a form (every elicitation field type) and returns a pretend booking.',
            inputSchema: z.object({ destination: z.string().optional().describe('Pre-fill for the destination field') })
        },
        async ({ destination }, ctx) => {
            const r = inputResponse(ctx.mcpReq.inputResponses, 'trip');
            if (r.kind === 'elicit') {
                if (r.action !== 'accept') return note(r.action === 'decline' ? 'Booking declined by the user.' : 'Booking cancelled.');
                const c = r.content ?? {};
                const ref = `TRIP-${randomUUID().slice(0, 8).toUpperCase()}`;
                return {
                    content: [text(`Pretend booking ${ref}: ${c.travellers ?? 1} traveller(s) to ${c.destination} on ${c.departure_date}, ${c.cabin} class.`)],
                    structuredContent: { reference: ref, booking: c }
                };
            }
            if (!canElicitForm(clientCaps(server, ctx))) {
                return note('Cannot book: this needs a form for the trip details, but this client does not support elicitation forms.');
            }
            return inputRequired({
                inputRequests: { trip: inputRequired.elicit({ message: 'Where and how would you like to travel?', requestedSchema: tripSchema(destination) }) }
            });
        }
    );

    // --- sign_in: URL-mode elicitation ------------------------------------------------------------
    server.registerTool(
        'sign_in',
        {
            title: 'Sign in',
            description: 'Sends the user to an https sign-in page (URL-mode elicitation). Credentials never pass through the client.',
            inputSchema: z.object({ provider: z.enum(['example', 'github']).optional() })
        },
        async ({ provider = 'example' }, ctx) => {
            const url = `https://auth.example.com/oauth/authorize?client_id=ops-assistant-demo&provider=${provider}&state=${randomUUID()}`;
            const r = inputResponse(ctx.mcpReq.inputResponses, 'signin');
            if (r.kind === 'elicit') {
                return note(
                    r.action === 'accept'
                        ? 'The sign-in page was opened. Finish signing in in your browser, then call this tool again.'
                        : `Sign-in ${r.action === 'decline' ? 'declined' : 'cancelled'}; you are not signed in.`
                );
            }
            if (!canElicitUrl(clientCaps(server, ctx))) {
                return note(`This client cannot open URLs for the server (no URL-mode elicitation). To sign in, open this page yourself:\n${url}`);
            }
            return inputRequired({
                inputRequests: { signin: inputRequired.elicitUrl({ message: `Sign in to ${provider} to let the ops assistant read your tickets.`, url }) }
            });
        }
    );

    // --- research: sampling WITH tools, up to 3 tool rounds ---------------------------------------
    const MAX_TOOL_ROUNDS = 3;
    server.registerTool(
        'research',
        {
            title: 'Research a question',
            description: `Answers a question with the host model, which may call a knowledge-base lookup tool (up to ${MAX_TOOL_ROUNDS} rounds).`,
            inputSchema: z.object({ question: z.string().min(1) }),
            annotations: { readOnlyHint: true }
        },
        async ({ question }, ctx) => {
            const caps = clientCaps(server, ctx);
            /** @type {{round: number, messages: any[], lookups: string[], noTools?: boolean} | undefined} */
            const saved = ctx.mcpReq.requestState();
            const state = saved ?? { round: 0, messages: [{ role: 'user', content: text(question) }], lookups: [] };
            const key = `answer_${state.round}`;
            const r = inputResponse(ctx.mcpReq.inputResponses, key);

            if (r.kind !== 'sampling') {
                if (!canSample(caps)) return note('Cannot research: this client does not support sampling, so there is no model to answer with.');
                // Degrade without `sampling.tools`: no tool use; inline the whole knowledge base instead.
                const noTools = !canSampleWithTools(caps);
                const request = noTools
                    ? inputRequired.createMessage({
                          messages: [
                              {
                                  role: 'user',
                                  content: text(`${question}\n\nKnowledge base:\n${Object.entries(KNOWLEDGE_BASE).map(([k, v]) => `- ${k}: ${v}`).join('\n')}`)
                              }
                          ],
                          systemPrompt: 'Answer using only the knowledge base given. Say so if it does not contain the answer.',
                          maxTokens: 500
                      })
                    : researchRequest(state.messages, state.round >= MAX_TOOL_ROUNDS);
                return inputRequired({ inputRequests: { [key]: request }, requestState: await stateCodec.mint({ ...state, noTools }) });
            }

            const result = r.result;
            const blocks = Array.isArray(result.content) ? result.content : [result.content];
            const toolUses = blocks.filter(b => b?.type === 'tool_use');
            if (toolUses.length > 0 && state.round < MAX_TOOL_ROUNDS) {
                const results = toolUses.map(u => {
                    const answer = u.name === 'lookup' ? lookup(String(u.input?.topic ?? u.input?.query ?? '')) : `Unknown tool "${u.name}"`;
                    return { type: 'tool_result', toolUseId: u.id, content: [text(answer)], ...(u.name !== 'lookup' && { isError: true }) };
                });
                const next = {
                    round: state.round + 1,
                    messages: [...state.messages, { role: 'assistant', content: blocks }, { role: 'user', content: results }],
                    lookups: [...state.lookups, ...toolUses.map(u => String(u.input?.topic ?? u.input?.query ?? ''))]
                };
                return inputRequired({
                    inputRequests: { [`answer_${next.round}`]: researchRequest(next.messages, next.round >= MAX_TOOL_ROUNDS) },
                    requestState: await stateCodec.mint(next)
                });
            }
            const answer = textOf(result.content);
            const degraded = saved?.noTools === true;
            return {
                content: [
                    text(
                        (degraded ? '(This client does not support tool use in sampling; answered from the inlined knowledge base.)\n\n' : '') +
                            (answer || (toolUses.length > 0 ? `Gave up after ${MAX_TOOL_ROUNDS} tool rounds without a final answer.` : '(no answer)'))
                    )
                ],
                structuredContent: { answer, toolRounds: state.round, lookups: state.lookups, model: result.model, stopReason: result.stopReason ?? null }
            };
        }
    );

    // --- prompt and resource ---------------------------------------------------------------------
    server.registerPrompt(
        'incident_summary',
        {
            title: 'Incident summary',
            description: 'Drafts an incident summary for stakeholders from raw notes.',
            argsSchema: z.object({ notes: z.string().describe('Raw incident notes'), audience: z.string().optional().describe('e.g. executives, engineers') })
        },
        ({ notes, audience }) => ({
            messages: [
                {
                    role: 'user',
                    content: text(
                        `Write a short incident summary for ${audience ?? 'stakeholders'}: impact, timeline, root cause, follow-ups.\n\nNotes:\n${notes}`
                    )
                }
            ]
        })
    );

    server.registerResource(
        'knowledge-base',
        'demo://knowledge-base',
        { title: 'Team knowledge base', description: 'The entries the research tool can look up.', mimeType: 'text/markdown' },
        uri => ({
            contents: [
                {
                    uri: uri.href,
                    mimeType: 'text/markdown',
                    text: `# Knowledge base\n\n${Object.entries(KNOWLEDGE_BASE).map(([k, v]) => `## ${k}\n\n${v}\n`).join('\n')}`
                }
            ]
        })
    );

    return server;
}

/** @param {any[]} messages @param {boolean} lastRound */
function researchRequest(messages, lastRound) {
    return inputRequired.createMessage({
        messages,
        systemPrompt:
            'You are a research assistant for an operations team. Use the lookup tool to check the team knowledge base before answering. ' +
            'Answer in at most 5 sentences and name the topics you looked up.',
        tools: [LOOKUP_TOOL],
        toolChoice: { mode: lastRound ? 'none' : 'auto' },
        modelPreferences: { hints: [{ name: 'sonnet' }, { name: 'gpt-4o' }], intelligencePriority: 0.8, speedPriority: 0.4, costPriority: 0.3 },
        maxTokens: 800
    });
}

/** @param {string} line */
function heuristicLevel(line) {
    const u = line.toUpperCase();
    return LOG_LEVELS.slice().reverse().find(l => u.includes(l)) ?? (/(EXCEPTION|FAILED|TRACEBACK)/.test(u) ? 'ERROR' : 'INFO');
}

/**
 * The trip form: string, email, date, uri, number with min/max, integer, boolean, enum,
 * titled oneOf, legacy enumNames, multi-select with items.enum and with items.anyOf;
 * defaults on several fields.
 * @param {string | undefined} destination
 * @returns {any} the restricted elicitation JSON Schema
 */
function tripSchema(destination) {
    return {
        type: 'object',
        properties: {
            traveller_name: { type: 'string', title: 'Traveller name', minLength: 2, maxLength: 80 },
            email: { type: 'string', title: 'Email for the confirmation', format: 'email' },
            destination: { type: 'string', title: 'Destination city', minLength: 2, ...(destination && { default: destination }) },
            departure_date: { type: 'string', title: 'Departure date', format: 'date' },
            itinerary_url: { type: 'string', title: 'Link to an existing itinerary (optional)', format: 'uri' },
            budget_eur: { type: 'number', title: 'Budget (EUR)', minimum: 100, maximum: 20000, default: 1500 },
            travellers: { type: 'integer', title: 'Number of travellers', minimum: 1, maximum: 9, default: 1 },
            insurance: { type: 'boolean', title: 'Add travel insurance', default: true },
            cabin: { type: 'string', title: 'Cabin class', enum: ['economy', 'premium_economy', 'business', 'first'], default: 'economy' },
            seat: {
                type: 'string',
                title: 'Seat preference',
                oneOf: [
                    { const: 'window', title: 'Window seat' },
                    { const: 'aisle', title: 'Aisle seat' },
                    { const: 'any', title: 'No preference' }
                ],
                default: 'any'
            },
            meal: {
                type: 'string',
                title: 'Meal (legacy enumNames)',
                enum: ['std', 'veg', 'vgn', 'gf'],
                enumNames: ['Standard', 'Vegetarian', 'Vegan', 'Gluten-free']
            },
            activities: {
                type: 'array',
                title: 'Activities',
                minItems: 0,
                maxItems: 3,
                items: { type: 'string', enum: ['museums', 'hiking', 'food', 'nightlife', 'beach'] },
                default: ['food']
            },
            extras: {
                type: 'array',
                title: 'Extras',
                items: {
                    anyOf: [
                        { const: 'lounge', title: 'Airport lounge' },
                        { const: 'bag', title: 'Extra checked bag' },
                        { const: 'transfer', title: 'Hotel transfer' }
                    ]
                },
                default: []
            }
        },
        required: ['traveller_name', 'email', 'destination', 'departure_date']
    };
}

// ---------------------------------------------------------------------------

process.stderr.write(`[demo-server] started pid=${process.pid}\n`);
const handle = serveStdio(({ era }) => {
    log(`serving a ${era}-era connection`);
    return createServer();
}, { onerror: error => log(`error: ${error.message}`) });

let closing = false;
const shutdown = async () => {
    if (closing) return;
    closing = true;
    await Promise.race([handle.close(), new Promise(r => setTimeout(r, 500))]);
    process.exit(0);
};
process.stdin.on('end', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
