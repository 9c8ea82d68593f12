/**
 * EventBridge's event pattern matching, for the subset the stack's rules use, so tests can tell whether a
 * synthesized pattern matches a CloudTrail event (following the EventBridge User Guide, "Event patterns" and
 * "Content filtering"): every key of the pattern must match; an array lists alternatives for a value (a
 * literal, `prefix`, `suffix`, `equals-ignore-case`, `exists`, `anything-but`, `numeric`, `wildcard`); an event array matches when
 * one of its elements does; `$or` holds alternative patterns for the same object.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    return matchesValue(pattern, event);
  }
  if (!isObject(pattern)) {
    throw new Error(`not a pattern: ${JSON.stringify(pattern)}`);
  }
  if (Array.isArray(event)) {
    return event.some((e) => matchesPattern(pattern, e));
  }
  if (!isObject(event)) {
    return false;
  }
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') {
      return (sub as unknown[]).some((alternative) => matchesPattern(alternative, event));
    }
    if (!(key in event) || event[key] === undefined) {
      // Only `exists: false` matches an absent key.
      return Array.isArray(sub) && sub.some((m) => isObject(m) && m.exists === false);
    }
    return matchesPattern(sub, event[key]);
  });
}

function matchesValue(alternatives: unknown[], value: unknown): boolean {
  const leaves = Array.isArray(value) ? value : [value];
  if (leaves.some(isObject)) {
    // `exists` sees leaves only; an object is no value.
    return false;
  }
  return alternatives.some((m) => leaves.some((leaf) => matchesLeaf(m, leaf)));
}

function matchesLeaf(matcher: unknown, leaf: unknown): boolean {
  if (!isObject(matcher)) {
    return matcher === leaf;
  }
  const text = typeof leaf === 'string' ? leaf : undefined;
  if ('exists' in matcher) return matcher.exists === true;
  if ('prefix' in matcher) return text !== undefined && text.startsWith(String(matcher.prefix));
  if ('suffix' in matcher) return text !== undefined && text.endsWith(String(matcher.suffix));
  if ('equals-ignore-case' in matcher) {
    return text !== undefined && text.toLowerCase() === String(matcher['equals-ignore-case']).toLowerCase();
  }
  if ('numeric' in matcher) {
    // Pairs of comparison and number, all of which the value must meet ("Numeric matching").
    const terms = matcher.numeric as (string | number)[];
    const compare: Record<string, (a: number, b: number) => boolean> = {
      '=': (a, b) => a === b,
      '>': (a, b) => a > b,
      '>=': (a, b) => a >= b,
      '<': (a, b) => a < b,
      '<=': (a, b) => a <= b,
    };
    if (typeof leaf !== 'number') return false;
    for (let i = 0; i < terms.length; i += 2) {
      const op = compare[String(terms[i])];
      if (!op) throw new Error(`unsupported numeric comparison: ${JSON.stringify(matcher)}`);
      if (!op(leaf, Number(terms[i + 1]))) return false;
    }
    return true;
  }
  if ('wildcard' in matcher) {
    // "Wildcard matching": `*` stands for any characters, `\*` for a literal star.
    const body = String(matcher.wildcard)
      .split(/(?<!\\)\*/)
      .map((part) => part.replace(/\\\*/g, '*').replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return text !== undefined && new RegExp(`^${body}$`).test(text);
  }
  if ('anything-but' in matcher) {
    const excluded = matcher['anything-but'];
    return !(Array.isArray(excluded) ? excluded : [excluded]).includes(leaf);
  }
  throw new Error(`unsupported matcher: ${JSON.stringify(matcher)}`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Replaces CloudFormation intrinsics with the values `values` gives for each reference (`Ref` by logical id,
 * `Fn::GetAtt` as `<id>.<attribute>`), so a pattern can be matched against an event.
 */
export function resolveIntrinsics(value: unknown, values: (ref: string) => string): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => resolveIntrinsics(v, values));
  }
  if (!isObject(value)) {
    return value;
  }
  if ('Ref' in value) {
    return values(String(value.Ref));
  }
  if ('Fn::GetAtt' in value) {
    const [id, attribute] = value['Fn::GetAtt'] as string[];
    return values(`${id}.${attribute}`);
  }
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolveIntrinsics(p, values)).join(separator);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveIntrinsics(v, values)]));
}
