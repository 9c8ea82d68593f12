/**
 * A stand-in for the one family of condition keys the policy engine does not evaluate: version 0.1.173 of
 * `@cloud-copilot/iam-simulate` drops `kms:EncryptionContext:<key>` from the request (it lists them in
 * `ignoredContextKeys`), so a statement conditioned on one would be judged as if the key were absent.
 *
 * Before the engine runs, each condition on such a key is evaluated here with IAM's semantics for a
 * single-valued key, and the statement is rewritten: a condition that holds is removed, a statement with a
 * condition that does not hold is removed (a statement applies only when all its conditions hold). The
 * engine then evaluates everything else. Operators the stand-in does not implement make the path
 * unevaluated, never allowed.
 *
 * Semantics (IAM User Guide, "IAM JSON policy elements: Condition operators"):
 * - String operators compare case-sensitively (`StringEqualsIgnoreCase` excepted); `*` and `?` are wildcards
 *   in the `Like` operators only.
 * - `ArnEquals` and `ArnLike` behave alike: the six colon-separated parts of the ARN are compared one by one,
 *   each may hold `*` and `?`.
 * - Values listed for one key are alternatives (OR); keys and operators of one statement must all hold (AND).
 * - A key absent from the request fails every positive operator and satisfies every negated one; `IfExists`
 *   makes an absent key satisfy the operator; `Null` tests for absence.
 */
import { PolicyDocument, PolicyStatement, RequestContext } from './types';

const PREFIX = 'kms:encryptioncontext:';

/** True for `kms:EncryptionContext:<key>` (but not `kms:EncryptionContextKeys`, which the engine evaluates). */
export function isEncryptionContextKey(key: string): boolean {
  return key.toLowerCase().startsWith(PREFIX) && key.length > PREFIX.length;
}

/** The value the request carries for `key`: the prefix compares case-insensitively, the context key exactly. */
function contextValue(key: string, context: RequestContext): string | undefined {
  const contextKey = key.slice(PREFIX.length);
  for (const [k, v] of Object.entries(context)) {
    if (isEncryptionContextKey(k) && k.slice(PREFIX.length) === contextKey) {
      return Array.isArray(v) ? v[0] : v;
    }
  }
  return undefined;
}

function globToRegExp(pattern: string, ignoreCase = false): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
}

/** The six parts of an ARN (the last keeps its colons), or undefined when the value is not one. */
function arnParts(value: string): string[] | undefined {
  const parts = value.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function arnLike(pattern: string, value: string): boolean {
  const p = arnParts(pattern);
  const v = arnParts(value);
  if (!p || !v) return false;
  return p.every((part, i) => globToRegExp(part).test(v[i]));
}

type Matcher = (policyValue: string, requestValue: string) => boolean;

const POSITIVE: Readonly<Record<string, Matcher>> = {
  stringequals: (p, v) => p === v,
  stringequalsignorecase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  stringlike: (p, v) => globToRegExp(p).test(v),
  arnequals: arnLike,
  arnlike: arnLike,
};

const NEGATED: Readonly<Record<string, string>> = {
  stringnotequals: 'stringequals',
  stringnotequalsignorecase: 'stringequalsignorecase',
  stringnotlike: 'stringlike',
  arnnotequals: 'arnequals',
  arnnotlike: 'arnlike',
};

export type ConditionOutcome = { readonly holds: boolean } | { readonly unsupported: string };

/** Evaluates one operator on one encryption-context key against the request. */
export function evaluateCondition(
  operator: string,
  key: string,
  policyValues: unknown,
  context: RequestContext,
): ConditionOutcome {
  const values = ([] as unknown[]).concat(policyValues).map(String);
  if (operator.includes(':')) {
    return { unsupported: `${operator}: set operators on ${key} are not implemented by the stand-in` };
  }
  if (values.some((v) => /\$\{(?![*?$]\})/.test(v))) {
    return { unsupported: `${operator} ${key}: policy variables are not implemented by the stand-in` };
  }
  const ifExists = /IfExists$/i.test(operator);
  const base = operator.replace(/IfExists$/i, '').toLowerCase();
  const requestValue = contextValue(key, context);
  if (base === 'null') {
    if (ifExists) return { unsupported: 'NullIfExists is not an operator' };
    return { holds: values.some((v) => (v.toLowerCase() === 'true') === (requestValue === undefined)) };
  }
  const positive = POSITIVE[base];
  const negatedOf = NEGATED[base];
  if (!positive && !negatedOf)
    return { unsupported: `${operator} on ${key} is not implemented by the stand-in` };
  if (requestValue === undefined) return { holds: ifExists || negatedOf !== undefined };
  const unescape = (v: string) => v.replace(/\$\{([*?$])\}/g, '$1');
  if (positive) return { holds: values.some((v) => positive(unescape(v), requestValue)) };
  return { holds: !values.some((v) => POSITIVE[negatedOf](unescape(v), requestValue)) };
}

/** A policy rewritten for the engine, with a label for each statement it kept (same order). */
export interface RewrittenPolicy {
  readonly document: PolicyDocument;
  readonly labels: readonly string[];
  /** What the stand-in decided, e.g. `AllowCloudWatchLogs: ArnLike kms:EncryptionContext:aws:logs:arn holds`. */
  readonly notes: readonly string[];
  /** Set when a condition could not be evaluated: the path is then unevaluated. */
  readonly unsupported?: string;
}

/**
 * Evaluates the encryption-context conditions of `document` against `context` and removes them: a condition
 * that holds is dropped, a statement with one that does not hold is dropped. `labels` name the statements.
 */
export function rewriteForEngine(
  document: PolicyDocument,
  labels: readonly string[],
  context: RequestContext,
): RewrittenPolicy {
  const kept: PolicyStatement[] = [];
  const keptLabels: string[] = [];
  const notes: string[] = [];
  for (const [i, statement] of document.Statement.entries()) {
    const conditions = statement.Condition ?? {};
    const rest: Record<string, Record<string, unknown>> = {};
    let applies = true;
    for (const [operator, block] of Object.entries(conditions)) {
      const restBlock: Record<string, unknown> = {};
      for (const [key, values] of Object.entries(block)) {
        if (!isEncryptionContextKey(key)) {
          restBlock[key] = values;
          continue;
        }
        const outcome = evaluateCondition(operator, key, values, context);
        if ('unsupported' in outcome) {
          return { document, labels, notes, unsupported: `${labels[i]}: ${outcome.unsupported}` };
        }
        notes.push(`${labels[i]}: ${operator} ${key} ${outcome.holds ? 'holds' : 'does not hold'}`);
        applies &&= outcome.holds;
      }
      if (Object.keys(restBlock).length > 0) rest[operator] = restBlock;
    }
    if (!applies) continue;
    const { Condition: _dropped, ...withoutCondition } = statement;
    kept.push(Object.keys(rest).length > 0 ? { ...withoutCondition, Condition: rest } : withoutCondition);
    keptLabels.push(labels[i]);
  }
  return { document: { ...document, Statement: kept }, labels: keptLabels, notes };
}

/** The request context without encryption-context keys (the engine would only ignore them). */
export function withoutEncryptionContext(context: RequestContext): RequestContext {
  return Object.fromEntries(Object.entries(context).filter(([k]) => !isEncryptionContextKey(k)));
}
