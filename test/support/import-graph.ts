import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** The repository's root. */
export const ROOT = resolve(__dirname, '..', '..');

/** Folders that hold no source of ours (installed, generated or local data). */
const NOT_SOURCE = new Set(['node_modules', 'miniprogram_npm', '.git', '.data', 'coverage', 'dist', 'tmp']);

/** What one file takes from another: some of its exports by name, or all of them (a namespace, a bare require). */
export interface ImportEdge {
  /** The imported file, relative to the root with `/` separators. */
  target: string;
  names: readonly string[] | 'all';
  /** `import type` (or every name of it type-only): nothing of the target runs. */
  typeOnly: boolean;
}

/** One source file as the graph sees it. */
export interface Module {
  file: string;
  /** Every name the file exports (`default` for a default export), with the line that declares it. */
  exports: Map<string, number>;
  /** `export * from`: the files whose exports this one forwards. */
  forwards: string[];
  imports: ImportEdge[];
}

function toRepoPath(path: string): string {
  return relative(ROOT, path).split(sep).join('/');
}

/** Every .ts file under the given top-level folders, relative to the root. */
export function sourceFiles(folders: readonly string[]): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return NOT_SOURCE.has(entry.name) ? [] : walk(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [toRepoPath(path)] : [];
    });
  return folders.filter((f) => existsSync(join(ROOT, f))).flatMap((f) => walk(join(ROOT, f)));
}

/** The repository file a relative specifier names (`./x` is x.ts or x/index.ts), or undefined for a package. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = join(ROOT, dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return toRepoPath(candidate);
  }
  return undefined;
}

const hasExport = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const hasDefault = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
}

/** The names read as `<namespace>.<name>` in a file. */
function namespaceMembers(source: ts.SourceFile, namespace: string): string[] {
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === namespace
    )
      names.push(node.name.text);
    if (ts.isQualifiedName(node) && ts.isIdentifier(node.left) && node.left.text === namespace)
      names.push(node.right.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** Reads one file's exports and imports from its syntax (no type-checking). */
export function readModule(file: string): Module {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(ROOT, file), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const exported = new Map<string, number>();
  const forwards: string[] = [];
  const imports: ImportEdge[] = [];
  const line = (node: ts.Node): number =>
    source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const edge = (specifier: string, names: readonly string[] | 'all', typeOnly: boolean): void => {
    const target = resolveSpecifier(file, specifier);
    if (target) imports.push({ target, names, typeOnly });
  };

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const specifier = statement.moduleSpecifier.text;
      if (!clause) {
        edge(specifier, [], false);
        continue;
      }
      const names: string[] = [];
      let allTypes = clause.isTypeOnly;
      if (clause.name) {
        names.push('default');
        allTypes = clause.isTypeOnly;
      }
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        names.push(...namespaceMembers(source, bindings.name.text));
      } else if (bindings) {
        for (const element of bindings.elements) names.push((element.propertyName ?? element.name).text);
        if (!clause.isTypeOnly && !clause.name)
          allTypes = bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      }
      edge(specifier, names, allTypes);
      continue;
    }
    if (ts.isExportDeclaration(statement)) {
      const specifier =
        statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      if (!statement.exportClause) {
        const target = specifier && resolveSpecifier(file, specifier);
        if (target) {
          forwards.push(target);
          imports.push({ target, names: [], typeOnly: statement.isTypeOnly });
        }
        continue;
      }
      if (ts.isNamedExports(statement.exportClause)) {
        const taken: string[] = [];
        for (const element of statement.exportClause.elements) {
          exported.set(element.name.text, line(element));
          taken.push((element.propertyName ?? element.name).text);
        }
        if (specifier) edge(specifier, taken, statement.isTypeOnly);
      }
      continue;
    }
    if (ts.isExportAssignment(statement)) {
      exported.set('default', line(statement));
      continue;
    }
    if (!hasExport(statement)) continue;
    if (hasDefault(statement)) {
      exported.set('default', line(statement));
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations)
        for (const name of bindingNames(declaration.name)) exported.set(name, line(declaration));
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement) ||
        ts.isModuleDeclaration(statement)) &&
      statement.name &&
      ts.isIdentifier(statement.name)
    ) {
      exported.set(statement.name.text, line(statement));
    }
  }

  // require('./x'), import('./x'), typeof import('./x').Name and jest.mock('./x') anywhere in the file.
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      const specifier = node.arguments[0].text;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isMock =
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'jest';
      if (isRequire || isImport || isMock) {
        let parent: ts.Node = node.parent;
        while (
          ts.isAsExpression(parent) ||
          ts.isParenthesizedExpression(parent) ||
          ts.isAwaitExpression(parent)
        )
          parent = parent.parent;
        const destructured =
          ts.isVariableDeclaration(parent) && ts.isObjectBindingPattern(parent.name)
            ? parent.name.elements.map((e) =>
                e.propertyName && ts.isIdentifier(e.propertyName)
                  ? e.propertyName.text
                  : bindingNames(e.name)[0],
              )
            : undefined;
        const bound = ts.isVariableDeclaration(parent)
          ? parent.name
          : ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
            ? parent.left
            : undefined;
        const members = bound && ts.isIdentifier(bound) ? namespaceMembers(source, bound.text) : undefined;
        edge(specifier, destructured ?? (members?.length ? members : 'all'), false);
      }
    }
    if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      const qualifier = node.qualifier;
      const first = qualifier && (ts.isIdentifier(qualifier) ? qualifier : leftmost(qualifier));
      edge(node.argument.literal.text, first ? [first.text] : [], true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { file, exports: exported, forwards, imports };
}

function leftmost(name: ts.QualifiedName): ts.Identifier {
  return ts.isIdentifier(name.left) ? name.left : leftmost(name.left);
}

/** Every module of the given folders, by file. */
export function readModules(folders: readonly string[]): Map<string, Module> {
  return new Map(sourceFiles(folders).map((file) => [file, readModule(file)]));
}

/**
 * The import cycles among the modules: each strongly connected set of two or more files (or a file importing
 * itself), as one path around it from its first file (sorted), e.g. `a.ts → b.ts → a.ts`.
 */
export function importCycles(modules: Map<string, Module>): string[] {
  const next = (file: string): string[] => [
    ...new Set((modules.get(file)?.imports ?? []).map((i) => i.target).filter((t) => modules.has(t))),
  ];
  // Tarjan's strongly connected components.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (file: string): void => {
    indices.set(file, index);
    low.set(file, index);
    index += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of next(file)) {
      if (!indices.has(target)) {
        connect(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, indices.get(target)!));
      }
    }
    if (low.get(file) === indices.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || next(file).includes(file)) components.push(component.sort());
    }
  };
  for (const file of [...modules.keys()].sort()) if (!indices.has(file)) connect(file);
  return components.map((component) => {
    const members = new Set(component);
    // A shortest way back to the first file, through the component only.
    const start = component[0];
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const file = queue.shift()!;
      for (const target of next(file).filter((t) => members.has(t))) {
        if (target === start) {
          const path = [start];
          for (let at = file; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
          return [...path, start].join(' → ');
        }
        if (!previous.has(target)) {
          previous.set(target, file);
          queue.push(target);
        }
      }
    }
    return component.join(' ↔ ');
  });
}

/**
 * Who imports each export: `file#name` → the importing files. A name taken from a file that forwards (`export *`)
 * counts for the forwarded file that declares it; a namespace or bare require counts for every export.
 */
export function exportImporters(modules: Map<string, Module>): Map<string, Set<string>> {
  const importers = new Map<string, Set<string>>();
  for (const module of modules.values())
    for (const name of module.exports.keys()) importers.set(`${module.file}#${name}`, new Set());
  /** The files that declare `name` for an importer of `file` (itself, or through its forwards). */
  const declaring = (file: string, name: string, seen = new Set<string>()): string[] => {
    const module = modules.get(file);
    if (!module || seen.has(file)) return [];
    seen.add(file);
    if (module.exports.has(name)) return [file];
    return module.forwards.flatMap((f) => declaring(f, name, seen));
  };
  const allNames = (file: string, seen = new Set<string>()): string[] => {
    const module = modules.get(file);
    if (!module || seen.has(file)) return [];
    seen.add(file);
    return [
      ...[...module.exports.keys()].map((n) => `${file}#${n}`),
      ...module.forwards.flatMap((f) => allNames(f, seen).filter((key) => !key.endsWith('#default'))),
    ];
  };
  for (const module of modules.values()) {
    for (const edge of module.imports) {
      const keys =
        edge.names === 'all'
          ? allNames(edge.target)
          : edge.names.flatMap((name) => declaring(edge.target, name).map((f) => `${f}#${name}`));
      for (const key of keys) importers.get(key)?.add(module.file);
    }
  }
  return importers;
}
