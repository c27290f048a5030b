// ESLint rule `local/safe-text`: every string that reaches a VS Code surface
// which interprets markup (links in notifications and progress, codicons in
// quick picks and the status bar, both in input box messages) must be a
// literal written here or come out of src/shared/safeText.ts. See that
// module for what each surface renders.
//
// Allowed at a sink: string/number literals, templates without expressions,
// `undefined`/`null`, a call of an import from a `safeText` module (or a
// `safe\`…\`` tagged template), `a ? b : c` / `a ?? b` / `a || b` of allowed
// values, and a `const` initialised with an allowed value. Anything else is
// reported: a template literal with expressions, a concatenation (markup can
// be assembled across its pieces) or a value the rule cannot see.

/** Calls whose arguments are shown: `window.<name>(…)`. */
const WINDOW_SINKS = {
  showErrorMessage: checkMessageArgs,
  showWarningMessage: checkMessageArgs,
  showInformationMessage: checkMessageArgs,
  showQuickPick: (ctx, args) => {
    if (args[0]) checkItems(ctx, args[0], 'quick pick items');
    if (args[1]) checkOptions(ctx, args[1], ['title', 'placeHolder', 'prompt'], 'quick pick options');
  },
  showInputBox: (ctx, args) => {
    if (args[0]) checkOptions(ctx, args[0], ['title', 'prompt', 'placeHolder'], 'input box options', { validateInput: checkValidator });
  },
  withProgress: (ctx, args) => {
    if (args[0]) checkOptions(ctx, args[0], ['title'], 'progress options');
  },
  createWebviewPanel: (ctx, args) => args[1] && check(ctx, args[1], 'a webview panel title'),
  createOutputChannel: (ctx, args) => args[0] && check(ctx, args[0], 'an output channel name'),
  setStatusBarMessage: (ctx, args) => args[0] && check(ctx, args[0], 'a status bar message'),
};

/** Properties whose assigned text is shown (tree items, status bar items, panels, quick inputs). */
const SINK_PROPERTIES = new Set(['label', 'description', 'detail', 'tooltip', 'text', 'title', 'placeholder', 'prompt', 'validationMessage']);

/** Quick pick item fields that are rendered (codicons; markdown hovers for description and detail). */
const ITEM_FIELDS = ['label', 'description', 'detail', 'tooltip'];

const MESSAGES = {
  unsafe: 'Server text must not reach {{what}} unneutralised: use safe`…` or safeText()/safeLines() from src/shared/safeText.ts (or a literal).',
  opaque: 'Cannot check {{what}}: build them inline (an array literal or a .map() returning object literals) so that each shown field can be checked.',
  markdown: 'MarkdownString with server text: use appendText(), keep isTrusted, supportHtml and supportThemeIcons off.',
};

function unwrap(node) {
  while (node && (node.type === 'TSAsExpression' || node.type === 'TSNonNullExpression' || node.type === 'TSSatisfiesExpression' || node.type === 'ChainExpression')) node = node.expression;
  return node;
}

/** The `const` initialiser an identifier refers to, if any. */
function constInit(ctx, node) {
  let scope = ctx.sourceCode.getScope(node);
  while (scope) {
    const variable = scope.set.get(node.name);
    if (variable) {
      const def = variable.defs[0];
      if (def?.type === 'Variable' && def.parent?.kind === 'const' && def.node.id.type === 'Identifier') return def.node.init ?? undefined;
      return undefined;
    }
    scope = scope.upper;
  }
  return undefined;
}

function isHelperCallee(ctx, callee) {
  callee = unwrap(callee);
  if (callee.type === 'Identifier') return ctx.helpers.has(callee.name);
  if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier') return ctx.namespaces.has(callee.object.name);
  return false;
}

/** True when the value is a literal, the helper's output, or a combination of those. */
function isSafe(ctx, node, depth = 0) {
  node = unwrap(node);
  if (!node || depth > 8) return false;
  switch (node.type) {
    case 'Literal':
      return typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean' || node.value === null;
    case 'TemplateLiteral':
      return node.expressions.length === 0;
    case 'TaggedTemplateExpression':
      return isHelperCallee(ctx, node.tag);
    case 'CallExpression':
      return isHelperCallee(ctx, node.callee);
    case 'ConditionalExpression':
      return isSafe(ctx, node.consequent, depth + 1) && isSafe(ctx, node.alternate, depth + 1);
    case 'LogicalExpression':
      return isSafe(ctx, node.left, depth + 1) && isSafe(ctx, node.right, depth + 1);
    case 'Identifier': {
      if (node.name === 'undefined') return true;
      const init = constInit(ctx, node);
      return init !== undefined && isSafe(ctx, init, depth + 1);
    }
    default:
      return false;
  }
}

function check(ctx, node, what) {
  if (!isSafe(ctx, node)) ctx.report({ node, messageId: 'unsafe', data: { what } });
}

/** `show*Message(message, options?, ...items)`: the message, a modal's detail, and the item titles. */
function checkMessageArgs(ctx, args) {
  args.forEach((arg, i) => {
    const node = unwrap(arg);
    if (i > 0 && node.type === 'ObjectExpression') {
      for (const prop of node.properties) {
        if (prop.type === 'SpreadElement') ctx.report({ node: prop, messageId: 'opaque', data: { what: 'message options' } });
        else if (keyName(prop) === 'detail' || keyName(prop) === 'title') check(ctx, prop.value, 'a message detail or item');
      }
      return;
    }
    if (node.type !== 'SpreadElement') check(ctx, node, i === 0 ? 'a notification message' : 'a message item');
  });
}

function keyName(prop) {
  if (prop.type !== 'Property' || prop.computed) return undefined;
  return prop.key.type === 'Identifier' ? prop.key.name : typeof prop.key.value === 'string' ? prop.key.value : undefined;
}

/** An options object: every listed key must be safe; `functions` check function-valued keys. */
function checkOptions(ctx, node, keys, what, functions = {}, depth = 0) {
  node = unwrap(node);
  if (node.type === 'Identifier' && depth < 4) {
    const init = constInit(ctx, node);
    if (init) return checkOptions(ctx, init, keys, what, functions, depth + 1);
  }
  if (node.type !== 'ObjectExpression') return ctx.report({ node, messageId: 'opaque', data: { what } });
  for (const prop of node.properties) {
    if (prop.type === 'SpreadElement') {
      ctx.report({ node: prop, messageId: 'opaque', data: { what } });
      continue;
    }
    const key = keyName(prop);
    if (keys.includes(key)) check(ctx, prop.value, `the ${key} of ${what}`);
    else if (functions[key]) functions[key](ctx, prop.value);
  }
}

/** The expressions a function returns (its body, or each `return` not inside a nested function). */
function returnedExpressions(fn) {
  if (fn.body.type !== 'BlockStatement') return [fn.body];
  const out = [];
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'ReturnStatement') {
      if (node.argument) out.push(node.argument);
      return;
    }
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'parent') continue;
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  fn.body.body.forEach(visit);
  return out;
}

const isFunction = (node) => node && (node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression');

/** `validateInput` returns a message (or `{ message }`) that the input box renders with links and codicons. */
function checkValidator(ctx, node) {
  node = unwrap(node);
  if (!isFunction(node)) return ctx.report({ node, messageId: 'opaque', data: { what: 'validateInput' } });
  const checkReturn = (value) => {
    value = unwrap(value);
    if (value.type === 'ConditionalExpression') return [value.consequent, value.alternate].forEach(checkReturn);
    if (value.type === 'ObjectExpression') return checkOptions(ctx, value, ['message'], 'a validation message');
    check(ctx, value, 'a validation message');
  };
  returnedExpressions(node).forEach(checkReturn);
}

/** Quick pick items: an array literal, a `.map()` returning items, or a const holding one of these. */
function checkItems(ctx, node, what, depth = 0) {
  node = unwrap(node);
  if (node.type === 'Identifier' && depth < 4) {
    const init = constInit(ctx, node);
    if (init) return checkItems(ctx, init, what, depth + 1);
  }
  if (node.type === 'ArrayExpression') return node.elements.forEach((el) => el && checkItem(ctx, el, what));
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && !node.callee.computed && ['map', 'flatMap'].includes(node.callee.property.name) && isFunction(node.arguments[0])) {
    return returnedExpressions(node.arguments[0]).forEach((value) => checkItem(ctx, value, what));
  }
  ctx.report({ node, messageId: 'opaque', data: { what } });
}

function checkItem(ctx, node, what) {
  node = unwrap(node);
  if (node.type === 'SpreadElement') return ctx.report({ node, messageId: 'opaque', data: { what } });
  if (node.type === 'ConditionalExpression') return [node.consequent, node.alternate].forEach((n) => checkItem(ctx, n, what));
  if (node.type === 'ObjectExpression') return checkOptions(ctx, node, ITEM_FIELDS, 'a quick pick item');
  check(ctx, node, 'a quick pick item');
}

/** `vscode.window.x` or `window.x` (a named import). */
function windowMethod(callee) {
  callee = unwrap(callee);
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return undefined;
  const object = unwrap(callee.object);
  const isWindow = (object.type === 'Identifier' && object.name === 'window') || (object.type === 'MemberExpression' && !object.computed && object.property.name === 'window');
  return isWindow ? callee.property.name : undefined;
}

const calleeName = (callee) => (callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' && !callee.computed ? callee.property.name : undefined);

/** @type {import('eslint').Rule.RuleModule} */
export const safeTextRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Server text reaches VS Code surfaces that render links and codicons only through src/shared/safeText.ts' },
    schema: [],
    messages: MESSAGES,
  },
  create(context) {
    const ctx = { report: (d) => context.report(d), sourceCode: context.sourceCode, helpers: new Set(), namespaces: new Set() };
    return {
      ImportDeclaration(node) {
        if (!/(^|\/)safeText(\.[cm]?[jt]s)?$/.test(node.source.value)) return;
        for (const spec of node.specifiers) (spec.type === 'ImportSpecifier' ? ctx.helpers : ctx.namespaces).add(spec.local.name);
      },
      CallExpression(node) {
        const method = windowMethod(node.callee);
        if (method && WINDOW_SINKS[method]) return WINDOW_SINKS[method](ctx, node.arguments);
        const name = calleeName(unwrap(node.callee));
        // progress.report({ message }) inside withProgress: shown in the toast and the status bar.
        if (name === 'report' && node.arguments[0] && unwrap(node.arguments[0]).type === 'ObjectExpression') {
          return checkOptions(ctx, node.arguments[0], ['message'], 'a progress message');
        }
        if (name === 'appendMarkdown' && node.arguments[0] && !isSafe(ctx, node.arguments[0])) context.report({ node, messageId: 'markdown' });
      },
      NewExpression(node) {
        const name = calleeName(unwrap(node.callee));
        if (name === 'TreeItem' && node.arguments[0]) {
          const label = unwrap(node.arguments[0]);
          if (label.type === 'ObjectExpression') checkOptions(ctx, label, ['label'], 'a tree item label');
          else check(ctx, label, 'a tree item label');
        }
        if (name === 'MarkdownString') {
          const [value, themeIcons] = node.arguments;
          const literal = (n) => !n || (unwrap(n).type === 'Literal' && typeof unwrap(n).value === 'string') || (unwrap(n).type === 'TemplateLiteral' && unwrap(n).expressions.length === 0);
          if (!literal(value) || (themeIcons && !(unwrap(themeIcons).type === 'Literal' && unwrap(themeIcons).value === false))) context.report({ node, messageId: 'markdown' });
        }
      },
      AssignmentExpression(node) {
        const target = unwrap(node.left);
        if (target.type !== 'MemberExpression' || target.computed || target.property.type !== 'Identifier') return;
        const prop = target.property.name;
        if (['isTrusted', 'supportHtml', 'supportThemeIcons'].includes(prop)) {
          const value = unwrap(node.right);
          if (!(value.type === 'Literal' && value.value === false)) context.report({ node, messageId: 'markdown' });
          return;
        }
        if (prop === 'badge') {
          const value = unwrap(node.right);
          const objects = value.type === 'ConditionalExpression' ? [value.consequent, value.alternate] : [value];
          for (const o of objects.map(unwrap)) if (o.type === 'ObjectExpression') checkOptions(ctx, o, ['tooltip'], 'a badge');
          return;
        }
        if (SINK_PROPERTIES.has(prop)) check(ctx, node.right, `.${prop}`);
      },
    };
  },
};

/** The plugin as eslint.config.mjs registers it. */
export default { rules: { 'safe-text': safeTextRule } };
