/** The values `${…}` variables in a server entry resolve to. */
export interface VariableContext {
  /**
   * The path `${workspaceFolder}` stands for: the folder whose settings define
   * the entry, or the first workspace folder for user and workspace-file entries.
   */
  workspaceFolder?: string;
  userHome: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** One `${…}` reference in a string, as written. */
export interface VariableRef {
  /** The reference as written, e.g. `${env:API_KEY}`. */
  text: string;
  kind: 'workspaceFolder' | 'userHome' | 'env' | 'input' | 'unknown';
  /** The variable's name for `env` and `input` references. */
  name?: string;
}

const VARIABLE = /\$\{([^}]*)\}/g;

function classify(whole: string, inner: string): VariableRef {
  if (inner === 'workspaceFolder' || inner === 'userHome') return { text: whole, kind: inner };
  const colon = inner.indexOf(':');
  const prefix = colon > 0 ? inner.slice(0, colon) : '';
  const name = inner.slice(colon + 1);
  if ((prefix === 'env' || prefix === 'input') && name.length > 0) return { text: whole, kind: prefix, name };
  return { text: whole, kind: 'unknown' };
}

/** Every `${…}` reference in `input`, in order of appearance (duplicates kept). */
export function listVariables(input: string): VariableRef[] {
  return [...input.matchAll(VARIABLE)].map((m) => classify(m[0], m[1]));
}

/**
 * Resolves `${workspaceFolder}`, `${userHome}` and `${env:NAME}` in one string.
 * Unknown variables (including `${input:…}`, which this host does not prompt
 * for), and `${workspaceFolder}` without a folder, are errors that name the
 * variable; an unset `${env:NAME}` resolves to the empty string, as in VS
 * Code's own `mcp.json`. `onEnv` sees every value taken from the environment,
 * so callers can keep those values out of logs.
 */
export function resolveVariables(
  input: string,
  ctx: VariableContext,
  onEnv?: (name: string, value: string) => void,
): { ok: true; value: string } | { ok: false; error: string } {
  let error: string | undefined;
  const value = input.replace(VARIABLE, (whole, inner: string) => {
    const ref = classify(whole, inner);
    switch (ref.kind) {
      case 'workspaceFolder':
        if (ctx.workspaceFolder !== undefined) return ctx.workspaceFolder;
        error ??= `${whole} is used but no folder is open`;
        return whole;
      case 'userHome':
        return ctx.userHome;
      case 'env': {
        const resolved = ctx.env[ref.name ?? ''] ?? '';
        onEnv?.(ref.name ?? '', resolved);
        return resolved;
      }
      case 'input':
        error ??= `${whole} is not supported: this host does not prompt for inputs (use \${env:NAME})`;
        return whole;
      default:
        error ??= `unknown variable ${whole} (supported: \${workspaceFolder}, \${userHome}, \${env:NAME})`;
        return whole;
    }
  });
  return error === undefined ? { ok: true, value } : { ok: false, error };
}
