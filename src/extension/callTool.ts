import * as vscode from 'vscode';
import type { Tool } from '@modelcontextprotocol/client';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';
import type { ServerManager } from '../host/serverManager';
import { safe, safeText } from '../shared/safeText';

/** Created on the first tool call with arguments, not when the core loads (see lazyModules in scripts/build.mjs). */
let validator: AjvJsonSchemaValidator | undefined;

/** Where "Call Tool…" was started from: nothing, or a tool in the tree. */
export type CallToolTarget = { server: string; tool: string } | undefined;

/** Picks a running server, then a tool. */
export async function pickTool(manager: ServerManager, target: CallToolTarget): Promise<{ server: string; tool: Tool } | undefined> {
  let serverName = target?.server;
  if (!serverName) {
    const running = manager.list().filter((s) => s.state.kind === 'running' && s.connection);
    if (running.length === 0) {
      void vscode.window.showInformationMessage('No MCP server is running. Start one from the Servers view first.');
      return undefined;
    }
    // The label is neutralised for display; the item carries the real name.
    const pick = await vscode.window.showQuickPick(
      running.map((s) => ({
        label: safeText(s.name, 120),
        description: safe`${s.connection?.tools.length ?? 0} tools`,
        detail: s.connection?.serverInfo ? safe`${s.connection.serverInfo.name} ${s.connection.serverInfo.version}` : undefined,
        name: s.name,
      })),
      { title: 'Call Tool: pick a server', placeHolder: 'Server' },
    );
    serverName = pick?.name;
  }
  if (!serverName) return undefined;
  const tools = manager.get(serverName)?.connection?.tools ?? [];
  if (target?.tool) {
    const tool = tools.find((t) => t.name === target.tool);
    if (!tool) void vscode.window.showErrorMessage(safe`Server "${serverName}" has no tool named "${target.tool}".`);
    return tool ? { server: serverName, tool } : undefined;
  }
  if (tools.length === 0) {
    void vscode.window.showInformationMessage(safe`Server "${serverName}" offers no tools.`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    tools.map((tool) => ({ label: safeText(tool.name, 120), description: safeText(tool.title ?? '', 60), detail: safeText(tool.description ?? '', 200), tool })),
    { title: safe`Call Tool on ${serverName}`, placeHolder: 'Tool', matchOnDescription: true, matchOnDetail: true },
  );
  return pick ? { server: serverName, tool: pick.tool } : undefined;
}

/** A JSON skeleton from the tool's input schema: defaults, or empty values by type. */
export function argumentSkeleton(tool: Tool): Record<string, unknown> {
  const skeleton: Record<string, unknown> = {};
  const properties = (tool.inputSchema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, schema] of Object.entries(properties)) {
    if (!schema || typeof schema !== 'object') continue;
    if ('default' in schema) skeleton[name] = schema.default;
    else if (Array.isArray(schema.enum) && schema.enum.length > 0) skeleton[name] = schema.enum[0];
    else if (schema.type === 'number' || schema.type === 'integer') skeleton[name] = 0;
    else if (schema.type === 'boolean') skeleton[name] = false;
    else if (schema.type === 'array') skeleton[name] = [];
    else if (schema.type === 'object') skeleton[name] = {};
    else skeleton[name] = '';
  }
  return skeleton;
}

/** Validates arguments against the tool's `inputSchema`; returns a message or undefined. */
export function checkArguments(tool: Tool, args: unknown): string | undefined {
  if (!args || typeof args !== 'object' || Array.isArray(args)) return 'Arguments must be a JSON object';
  validator ??= new AjvJsonSchemaValidator();
  try {
    const result = validator.getValidator(tool.inputSchema as Parameters<AjvJsonSchemaValidator['getValidator']>[0])(args);
    return result.valid ? undefined : result.errorMessage;
  } catch (err) {
    // A schema our validator cannot compile should not block the person: the server validates too.
    return undefined;
  }
}

/** Asks for the arguments as JSON, validated as the person types. */
export async function askArguments(tool: Tool): Promise<Record<string, unknown> | undefined> {
  const properties = tool.inputSchema?.properties ?? {};
  if (Object.keys(properties).length === 0) return {};
  const input = await vscode.window.showInputBox({
    title: safe`Arguments for ${tool.name}`,
    prompt: 'JSON object, checked against the tool\'s input schema',
    value: JSON.stringify(argumentSkeleton(tool)),
    ignoreFocusOut: true,
    validateInput: (text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        return safe`Not valid JSON: ${(err as Error).message}`;
      }
      // Schema errors quote the server's schema (patterns, property names); the box renders links and codicons.
      const problem = checkArguments(tool, parsed);
      return problem ? { message: safeText(problem, 300), severity: vscode.InputBoxValidationSeverity.Error } : undefined;
    },
  });
  return input === undefined ? undefined : (JSON.parse(input) as Record<string, unknown>);
}
