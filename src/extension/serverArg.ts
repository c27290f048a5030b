/**
 * The server a command was given: a server node of the Servers tree, or a
 * name (from another extension, a keybinding or a test); undefined otherwise,
 * so the command asks.
 */
export function serverArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && (arg as { kind?: unknown }).kind === 'server') return String((arg as { name: unknown }).name);
  return undefined;
}
