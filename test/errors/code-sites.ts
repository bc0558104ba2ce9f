import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../support/paths.js';

// Where codes are really raised and really asserted, found by parsing (not by grepping): a code in
// a comment, a string in an `errors:` list or a literal compared against is neither.

export interface Site {
  code: string;
  file: string;
  line: number;
  /** The phase passed at the construction, when it is a literal. */
  phase?: string;
}

export function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFilesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const parse = (file: string) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

const literalText = (n: ts.Node | undefined) => (n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : undefined);

const calleeName = (n: ts.CallExpression | ts.NewExpression) => {
  const e = n.expression;
  return ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
};

/**
 * Functions of src/ that take an error code: `(code: ErrorCode, ...)` anywhere in the signature.
 * A literal at that position of a call is a construction through a helper (`fail`, `userFix`...).
 */
function codeParameters(files: ts.SourceFile[]): Map<string, number> {
  const positions = new Map<string, number>([['BerthError', 0]]);
  for (const sf of files) {
    walk(sf, (n) => {
      let name: string | undefined;
      let params: ts.NodeArray<ts.ParameterDeclaration> | undefined;
      if (ts.isFunctionDeclaration(n) && n.name) [name, params] = [n.name.text, n.parameters];
      else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) [name, params] = [n.name.text, n.initializer.parameters];
      else if (ts.isMethodDeclaration(n) && ts.isIdentifier(n.name)) [name, params] = [n.name.text, n.parameters];
      if (!name || !params) return;
      const index = params.findIndex((p) => p.type?.getText() === 'ErrorCode');
      if (index >= 0) positions.set(name, index);
    });
  }
  return positions;
}

/** Codes constructed in src/: `new BerthError('code', ...)`, `fail('code', ...)`, or any function's ErrorCode parameter. */
export function raisedSites(srcDir: string, exclude: (file: string) => boolean): Site[] {
  const files = tsFilesUnder(srcDir).filter((f) => !exclude(f)).map(parse);
  const positions = codeParameters(files);
  const sites: Site[] = [];
  for (const sf of files) {
    walk(sf, (n) => {
      if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return;
      const name = calleeName(n);
      const index = name === undefined ? undefined : positions.get(name);
      if (index === undefined) return;
      const args = n.arguments ?? [];
      const code = literalText(args[index]);
      if (!code) return;
      // BerthError and fail take (code, message, details, phase).
      const phase = name === 'BerthError' || name === 'fail' ? literalText(args[index + 3]) : undefined;
      sites.push({ code, file: relative(ROOT, sf.fileName), line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1, phase });
    });
  }
  return sites;
}

/** The root call of a chain such as `expect(x).not.toBe(...)` or `expect.soft(x).toEqual(...)`. */
function chainRoot(n: ts.Expression): ts.Expression {
  let e = n;
  for (;;) {
    if (ts.isPropertyAccessExpression(e)) e = e.expression;
    else if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) e = e.expression;
    else if (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
    else return e;
  }
}

const isExpectCall = (e: ts.Expression) =>
  ts.isCallExpression(e) && (e.expression.getText() === 'expect' || e.expression.getText() === 'expect.soft');

/** True when `n` sits in the expected side of an `expect(...).toX(...)` matcher. */
function inMatcher(n: ts.Node): boolean {
  for (let p: ts.Node = n; p.parent && !ts.isSourceFile(p.parent); p = p.parent) {
    const call = p.parent;
    if (!ts.isCallExpression(call) || !call.arguments.includes(p as ts.Expression)) continue;
    if (!ts.isPropertyAccessExpression(call.expression) || !/^to[A-Z]/.test(call.expression.name.text)) continue;
    if (isExpectCall(chainRoot(call.expression.expression))) return true;
  }
  return false;
}

/**
 * Test helpers that assert one of their parameters (`expectFailure(input, code, phase)` ending
 * in `expect(d.error.code).toBe(code)`): a literal passed there is asserted too.
 */
function assertingParameters(files: ts.SourceFile[]): Map<string, number[]> {
  const helpers = new Map<string, number[]>();
  for (const sf of files) {
    walk(sf, (n) => {
      let name: string | undefined;
      let fn: ts.SignatureDeclaration & { body?: ts.Node } | undefined;
      if (ts.isFunctionDeclaration(n) && n.name) [name, fn] = [n.name.text, n];
      else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) [name, fn] = [n.name.text, n.initializer];
      if (!name || !fn?.body) return;
      const params = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : undefined));
      const asserted = new Set<number>();
      walk(fn.body, (m) => {
        if (!ts.isIdentifier(m)) return;
        const index = params.indexOf(m.text);
        if (index >= 0 && inMatcher(m)) asserted.add(index);
      });
      if (asserted.size > 0) helpers.set(name, [...asserted]);
    });
  }
  return helpers;
}

/** Codes asserted in test/: a literal in the expected side of a matcher, or passed to a helper that asserts it. */
export function assertedSites(testDir: string, exclude: (file: string) => boolean, codes: ReadonlySet<string>): Site[] {
  const files = tsFilesUnder(testDir).filter((f) => !exclude(f)).map(parse);
  const helpers = assertingParameters(files);
  const sites: Site[] = [];
  for (const sf of files) {
    walk(sf, (n) => {
      const code = literalText(n);
      if (!code || !codes.has(code)) return;
      const call = n.parent;
      const viaHelper = ts.isCallExpression(call) && helpers.get(calleeName(call) ?? '')?.includes(call.arguments.indexOf(n as ts.Expression));
      if (viaHelper || inMatcher(n)) sites.push({ code, file: relative(ROOT, sf.fileName), line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1 });
    });
  }
  return sites;
}
