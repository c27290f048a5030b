/** The values `${…}` variables in a server entry resolve to. */
export interface VariableContext {
  /** The first workspace folder's path, if any. */
  workspaceFolder?: string;
  userHome: string;
  env: Readonly<Record<string, string | undefined>>;
}

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Resolves `${workspaceFolder}`, `${userHome}` and `${env:NAME}` in one string.
 * Unknown variables, and `${workspaceFolder}` without a folder, are errors that
 * name the variable; an unset `${env:NAME}` resolves to the empty string, as in
 * VS Code's own `mcp.json`.
 */
export function resolveVariables(input: string, ctx: VariableContext): { ok: true; value: string } | { ok: false; error: string } {
  let error: string | undefined;
  const value = input.replace(VARIABLE, (whole, name: string) => {
    if (name === 'workspaceFolder') {
      if (ctx.workspaceFolder === undefined) {
        error ??= `${whole} is used but no folder is open`;
        return whole;
      }
      return ctx.workspaceFolder;
    }
    if (name === 'userHome') return ctx.userHome;
    if (name.startsWith('env:') && name.length > 4) return ctx.env[name.slice(4)] ?? '';
    error ??= `unknown variable ${whole} (supported: \${workspaceFolder}, \${userHome}, \${env:NAME})`;
    return whole;
  });
  return error === undefined ? { ok: true, value } : { ok: false, error };
}
