import { CfnResource, Stack } from 'aws-cdk-lib';

/**
 * Small, pure helpers the checklist rules use to follow references between resources of one stack, the way
 * CloudFormation sees them: `{ Ref: id }` and `{ Fn::GetAtt: [id, ...] }`, also inside `Fn::Join`.
 */

/** The logical id of `node` in its stack. */
export function logicalIdOf(node: CfnResource): string {
  return Stack.of(node).getLogicalId(node);
}

/** Every L1 resource of `node`'s stack that is an instance of `type`. */
export function resourcesOfStack<T extends CfnResource>(
  node: CfnResource,
  type: abstract new (...args: never[]) => T,
): T[] {
  return Stack.of(node)
    .node.findAll()
    .filter((c): c is T => c instanceof type);
}

/** Whether `value` (resolved in `node`'s stack) refers to the resource with logical id `id`, anywhere inside. */
export function refersTo(node: CfnResource, value: unknown, id: string): boolean {
  const text = JSON.stringify(Stack.of(node).resolve(value) ?? null);
  return text.includes(JSON.stringify({ Ref: id })) || text.includes(`{"Fn::GetAtt":[${JSON.stringify(id)},`);
}

/** The logical ids `value` refers to (Ref or Fn::GetAtt), anywhere inside. */
export function referencedIds(node: CfnResource, value: unknown): string[] {
  const ids: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v !== null && typeof v === 'object') {
      const record = v as Record<string, unknown>;
      if (typeof record.Ref === 'string') ids.push(record.Ref);
      const getAtt = record['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') ids.push(getAtt[0]);
      Object.values(record).forEach(visit);
    }
  };
  visit(Stack.of(node).resolve(value));
  return ids;
}

/** `value` resolved in `node`'s stack, as a plain JSON value. */
export function resolved<T = unknown>(node: CfnResource, value: unknown): T {
  return Stack.of(node).resolve(value) as T;
}

/** The statements of a policy document (resolved), whatever its shape. */
export function statementsOf(node: CfnResource, document: unknown): Array<Record<string, unknown>> {
  const doc = resolved<{ Statement?: unknown } | undefined>(node, document);
  const statements = doc?.Statement;
  return (Array.isArray(statements) ? statements : statements ? [statements] : []) as Array<
    Record<string, unknown>
  >;
}

/** A policy value that may be one string or a list, as a list. */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}
