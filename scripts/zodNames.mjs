// Which of zod's exports a set of modules reads (scripts/build.mjs builds dist/zod.js with those alone).
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * The names of zod's exports that dist/zod.js must offer: those the given
 * files read. A file reads its named imports from zod, and of a namespace
 * (`import * as z from 'zod/v4'`, as the SDKs do, or zod's own `z` export, as
 * ours do) the members it reads (`z.object`); types are erased. Anything else
 * done with a namespace (passing it on, `z[name]`, a local of the same name
 * used otherwise) returns undefined: then dist/zod.js is all of zod.
 *
 * All of zod is about 200 KB, and evaluating it (its namespaces of getters,
 * JSON Schema conversion both ways, codecs…) was most of what loading it cost
 * on first use; what the SDKs and our schemas use is about half of it.
 */
export function zodNames(files) {
  const names = new Set();
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const namespaces = new Set();
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || !/^zod(\/v4)?$/.test(statement.moduleSpecifier.text)) continue;
      const clause = statement.importClause;
      if (!clause || clause.isTypeOnly) continue;
      if (clause.name) return undefined;
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
      for (const element of bindings && ts.isNamedImports(bindings) ? bindings.elements : []) {
        const name = (element.propertyName ?? element.name).text;
        if (element.isTypeOnly) continue;
        if (name === 'z') namespaces.add(element.name.text);
        else names.add(name);
      }
    }
    let whole = false;
    const visit = (node) => {
      if (whole || ts.isTypeNode(node) || ts.isImportDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
      if (ts.isIdentifier(node) && namespaces.has(node.text)) {
        const parent = node.parent;
        if (ts.isPropertyAccessExpression(parent) && parent.expression === node) names.add(parent.name.text);
        else if (!isNamePosition(node)) whole = true;
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    if (whole) return undefined;
  }
  return names;
}

/** True when an identifier names something rather than reading a variable (`a.z`, `{ z: … }`, `let z`, `export { x as z }`). */
function isNamePosition(node) {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) return parent.name === node;
  if (ts.isExportSpecifier(parent)) return parent.propertyName !== undefined && parent.name === node;
  const named = [ts.isPropertyAssignment, ts.isMethodDeclaration, ts.isPropertyDeclaration, ts.isGetAccessor, ts.isSetAccessor, ts.isVariableDeclaration, ts.isParameter, ts.isFunctionDeclaration, ts.isFunctionExpression, ts.isClassDeclaration, ts.isBindingElement, ts.isLabeledStatement];
  return named.some((is) => is(parent)) && parent.name === node;
}
