#!/usr/bin/env node
// A probe server for the Requests panel measurement (panelLoad.mjs): its `burst` tool sends
// `n` sampling requests at once, each prompt starting "probe <i> sent <epoch ms>" so the
// webview can tell how long each took to show, padded to `size` characters.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'burst-probe', version: '1.0.0' }, { capabilities: { tools: {} } });
server.registerTool(
  'burst',
  { description: 'Sends n sampling requests at once', inputSchema: { n: z.number().int().min(1).max(1000), size: z.number().int().min(0).max(2_000_000).optional() } },
  async ({ n, size }) => {
    const pad = size ? ' '.padEnd(size, 'lorem ipsum ') : '';
    const results = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => server.server.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: `probe ${i} sent ${Date.now()}${pad}` } }], maxTokens: 16 })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    return { content: [{ type: 'text', text: `burst: ${ok} answered, ${n - ok} refused` }] };
  },
);
process.stdin.on('close', () => process.exit(0));
await server.connect(new StdioServerTransport());
