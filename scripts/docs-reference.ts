/**
 * Writes the reference docs that are read off the code, so they cannot drift from it:
 *
 * - docs/reference/constructs.md: each construct class the package exports, its props (type, default and doc
 *   comment of every prop) and its public members, read from the TypeScript source with the compiler's parser;
 * - docs/reference/settings.md: every setting of the bundled app, from `SETTINGS`.
 *
 *   npm run docs:reference
 *
 * test/docs/docs.test.ts renders both again and fails when a checked-in file differs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { SETTINGS } from '../lib/config/app-config';

const ROOT = path.join(__dirname, '..');

/** The generated files, relative to the repository. */
export const REFERENCE_FILES = {
  constructs: 'docs/reference/constructs.md',
  settings: 'docs/reference/settings.md',
} as const;

/** Classes of aws-cdk-lib and constructs that make a class extending them a construct. */
const CONSTRUCT_BASES = new Set(['Construct', 'Resource', 'Stack', 'NestedStack', 'Stage']);

const GENERATED_NOTE =
  'Generated from the source by `npm run docs:reference` (scripts/docs-reference.ts); do not edit it by hand. ' +
  'A test fails when it differs from the code.';

/** A source file of the package, parsed. */
interface Module {
  /** Path relative to the repository, with `/`. */
  readonly file: string;
  readonly source: ts.SourceFile;
}

/** The modules `lib/index.ts` re-exports, in its order (each is `export * from './...'`). */
function exportedModules(root: string): Module[] {
  const parse = (file: string): Module => ({
    file,
    source: ts.createSourceFile(
      file,
      readFileSync(path.join(root, file), 'utf8'),
      ts.ScriptTarget.ES2022,
      true,
    ),
  });
  const index = parse('lib/index.ts');
  return index.source.statements.flatMap((statement) => {
    if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) {
      return [];
    }
    const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
    return [parse(path.posix.join('lib', `${specifier}.ts`))];
  });
}

function isExported(node: ts.Node): boolean {
  return (ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Export) !== 0;
}

function isPublic(node: ts.ClassElement): boolean {
  const flags = ts.getCombinedModifierFlags(node as unknown as ts.Declaration);
  const hidden = ts.ModifierFlags.Private | ts.ModifierFlags.Protected;
  return (flags & hidden) === 0 && !(node.name !== undefined && ts.isPrivateIdentifier(node.name));
}

function isStatic(node: ts.ClassElement): boolean {
  return (ts.getCombinedModifierFlags(node as unknown as ts.Declaration) & ts.ModifierFlags.Static) !== 0;
}

/** The last JSDoc comment of `node`: its text, and its `@default` and `@deprecated` tags. */
function docOf(node: ts.Node): { text: string; default?: string; deprecated?: string } {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const doc = docs[docs.length - 1];
  if (doc === undefined) {
    return { text: '' };
  }
  const tag = (name: string) => {
    const found = doc.tags?.find((t) => t.tagName.text === name);
    return found === undefined ? undefined : oneLine(ts.getTextOfJSDocComment(found.comment) ?? '');
  };
  return {
    text: oneLine(ts.getTextOfJSDocComment(doc.comment) ?? ''),
    default: tag('default'),
    deprecated: tag('deprecated'),
  };
}

/** Text on one line: runs of white space (line breaks of a doc comment included) become one space. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

function code(text: string): string {
  return text === '' ? '' : `\`${cell(text)}\``;
}

function typeText(node: ts.TypeNode | undefined, source: ts.SourceFile): string {
  return node === undefined ? '' : oneLine(node.getText(source));
}

/** `name: type` of a parameter, `name?: type` when it may be left out; the type of a literal default is named. */
function parameterText(parameter: ts.ParameterDeclaration, source: ts.SourceFile): string {
  const init = parameter.initializer;
  const literalType =
    init === undefined
      ? ''
      : ts.isStringLiteralLike(init)
        ? 'string'
        : ts.isNumericLiteral(init)
          ? 'number'
          : init.kind === ts.SyntaxKind.TrueKeyword || init.kind === ts.SyntaxKind.FalseKeyword
            ? 'boolean'
            : '';
  const type = typeText(parameter.type, source) || literalType;
  const optional = parameter.questionToken !== undefined || init !== undefined;
  return `${parameter.name.getText(source)}${optional ? '?' : ''}${type === '' ? '' : `: ${type}`}`;
}

function nameOf(node: ts.NamedDeclaration, source: ts.SourceFile): string {
  return node.name === undefined ? '' : node.name.getText(source);
}

/** Every exported interface of the package, by name, with the module that declares it. */
function interfacesOf(
  modules: readonly Module[],
): Map<string, { node: ts.InterfaceDeclaration; module: Module }> {
  const found = new Map<string, { node: ts.InterfaceDeclaration; module: Module }>();
  for (const module of modules) {
    for (const statement of module.source.statements) {
      if (ts.isInterfaceDeclaration(statement) && isExported(statement)) {
        found.set(statement.name.text, { node: statement, module });
      }
    }
  }
  return found;
}

/** The exported construct classes, in the order of lib/index.ts. */
function constructClasses(modules: readonly Module[]): { node: ts.ClassDeclaration; module: Module }[] {
  const classes = modules.flatMap((module) =>
    module.source.statements
      .filter(
        (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && isExported(s) && s.name !== undefined,
      )
      .map((node) => ({ node, module })),
  );
  const baseOf = (node: ts.ClassDeclaration, source: ts.SourceFile): string | undefined => {
    const clause = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
    const base = clause?.types[0]?.expression.getText(source);
    return base?.split('.').pop();
  };
  const names = new Set<string>();
  // A class is a construct when it extends a construct of the CDK or one of the package's construct classes.
  for (let added = true; added;) {
    added = false;
    for (const { node, module } of classes) {
      const base = baseOf(node, module.source);
      const name = node.name!.text;
      if (!names.has(name) && base !== undefined && (CONSTRUCT_BASES.has(base) || names.has(base))) {
        names.add(name);
        added = true;
      }
    }
  }
  return classes.filter(({ node }) => names.has(node.name!.text));
}

/**
 * The default of a prop as its `@default` tag gives it: a value (`@default 30`, `@default Duration.days(14)`) in
 * code, a description (`@default - a new KMS key`, the CDK's convention) as text.
 */
function defaultCell(required: boolean, tag: string | undefined): string {
  if (required) {
    return 'required';
  }
  if (tag === undefined || tag === '') {
    return '—';
  }
  return tag.startsWith('-') ? cell(tag.replace(/^-\s*/, '')) : code(tag);
}

/** The rows of a props table: own props first, then those of each base interface of the package. */
function propRows(
  name: string,
  interfaces: ReadonlyMap<string, { node: ts.InterfaceDeclaration; module: Module }>,
  external: string[],
  from?: string,
): string[] {
  const found = interfaces.get(name);
  if (found === undefined) {
    return [];
  }
  const { node, module } = found;
  const rows = node.members.filter(ts.isPropertySignature).map((member) => {
    const doc = docOf(member);
    const required = member.questionToken === undefined;
    const description = [
      from === undefined ? '' : `(from \`${from}\`)`,
      doc.deprecated === undefined ? '' : `**Deprecated:** ${doc.deprecated}.`,
      doc.text,
    ]
      .filter(Boolean)
      .join(' ');
    return `| \`${nameOf(member, module.source)}\` | ${code(typeText(member.type, module.source))} | ${defaultCell(required, doc.default)} | ${cell(description)} |`;
  });
  for (const clause of node.heritageClauses ?? []) {
    for (const base of clause.types) {
      const baseName = base.expression.getText(module.source);
      if (interfaces.has(baseName)) {
        rows.push(...propRows(baseName, interfaces, external, baseName));
      } else {
        external.push(baseName);
      }
    }
  }
  return rows;
}

/** The rows of the members table of a class: public properties, accessors and methods, static ones first. */
function memberRows(node: ts.ClassDeclaration, source: ts.SourceFile): string[] {
  const members = node.members.filter(
    (m) =>
      isPublic(m) &&
      (ts.isPropertyDeclaration(m) || ts.isGetAccessorDeclaration(m) || ts.isMethodDeclaration(m)),
  );
  const ordered = [...members.filter(isStatic), ...members.filter((m) => !isStatic(m))];
  return ordered.map((member) => {
    const name = nameOf(member, source);
    const prefix = isStatic(member) ? `${node.name!.text}.` : '';
    let signature: string;
    let type: string;
    if (ts.isMethodDeclaration(member)) {
      const params = member.parameters
        .map((p) => `${p.name.getText(source)}${p.questionToken || p.initializer ? '?' : ''}`)
        .join(', ');
      signature = `${prefix}${name}(${params})`;
      type = `(${member.parameters.map((p) => parameterText(p, source)).join(', ')}) => ${typeText(member.type, source) || 'void'}`;
    } else {
      const optional = ts.isPropertyDeclaration(member) && member.questionToken !== undefined;
      signature = `${prefix}${name}${optional ? '?' : ''}`;
      type = typeText((member as ts.PropertyDeclaration | ts.GetAccessorDeclaration).type, source);
    }
    const doc = docOf(member);
    const description = [doc.deprecated === undefined ? '' : `**Deprecated:** ${doc.deprecated}.`, doc.text]
      .filter(Boolean)
      .join(' ');
    return `| \`${cell(signature)}\` | ${code(type)} | ${cell(description)} |`;
  });
}

/** docs/reference/constructs.md. */
export function constructsReference(root: string = ROOT): string {
  const modules = exportedModules(root);
  const interfaces = interfacesOf(modules);
  const classes = constructClasses(modules);
  const lines = [
    '# Construct reference',
    '',
    GENERATED_NOTE,
    '',
    'Every construct class exported by `secure-scheduling`, in the order of `lib/index.ts`: what it is, its props in',
    'the order of the source (**Default** is what applies when a prop is not given) and its public members.',
    'Why each default is the secure choice, the opt-ins and their cost are in [constructs.md](../constructs.md).',
    '',
    ...classes.map(({ node }) => `- [${node.name!.text}](#${node.name!.text.toLowerCase()})`),
  ];
  for (const { node, module } of classes) {
    const name = node.name!.text;
    const constructor = node.members.find(ts.isConstructorDeclaration);
    const params = constructor?.parameters ?? ts.factory.createNodeArray<ts.ParameterDeclaration>();
    const signature = params.map((p) => parameterText(p, module.source)).join(', ');
    lines.push('', `## ${name}`, '');
    const doc = docOf(node);
    if (doc.text !== '') {
      lines.push(doc.text, '');
    }
    lines.push(`\`new ${name}(${signature})\`, from \`${module.file}\`.`);

    const propsType = params
      .map((p) => p.type)
      .find(
        (t): t is ts.TypeReferenceNode =>
          t !== undefined && ts.isTypeReferenceNode(t) && interfaces.has(t.typeName.getText(module.source)),
      );
    if (propsType !== undefined) {
      const propsName = propsType.typeName.getText(module.source);
      const external: string[] = [];
      const rows = propRows(propsName, interfaces, external);
      lines.push('', `### Props: \`${propsName}\``, '');
      if (rows.length > 0) {
        lines.push('| Prop | Type | Default | Description |', '|---|---|---|---|', ...rows);
      }
      if (external.length > 0) {
        lines.push(
          '',
          `Also every prop of ${external.map((e) => `\`${e}\``).join(' and ')} (aws-cdk-lib), such as \`env\`.`,
        );
      }
    }

    const members = memberRows(node, module.source);
    if (members.length > 0) {
      lines.push('', '### Members', '', '| Member | Type | Description |', '|---|---|---|', ...members);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** docs/reference/settings.md. */
export function settingsReference(): string {
  const rows = Object.entries(SETTINGS).map(
    ([key, setting]) => `| \`${key}\` | ${setting.kind} | ${cell(setting.description)} |`,
  );
  return [
    '# Settings reference',
    '',
    GENERATED_NOTE,
    '',
    'Every setting of the bundled app, from `SETTINGS` (`lib/config/app-config.ts`), in its order. Where each',
    'setting is read from, its default, the values allowed and what it does are in',
    '[configuration.md](../configuration.md). A key that is not one of these is refused.',
    '',
    '| Setting | Kind | Description |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** Both files, by path relative to the repository. */
export function referenceDocs(root: string = ROOT): Record<string, string> {
  return {
    [REFERENCE_FILES.constructs]: constructsReference(root),
    [REFERENCE_FILES.settings]: settingsReference(),
  };
}

if (require.main === module) {
  for (const [file, text] of Object.entries(referenceDocs())) {
    mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
    writeFileSync(path.join(ROOT, file), text);
    console.log(file);
  }
}
