/** The entities XML defines, and character references. */
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/;

/** An attribute of a start tag: a name, `=`, and a value in double or single quotes. */
const ATTRIBUTE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

/**
 * Why `xml` is not a well-formed XML document, or nothing: one root element; every element closed, in order;
 * attributes quoted, each once; no `<` outside a tag; `&` only as an entity or character reference. Enough to
 * check what a generator of SVG writes; not a validating parser.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  let roots = 0;
  let last = 0;
  const entities = (text: string, where: string) => {
    for (const amp of text.match(/&[^;\s<]*;?/g) ?? []) {
      if (!ENTITY.test(amp)) problems.push(`${where}: ${amp} is not an entity`);
    }
  };
  const text = (from: number, to: number) => {
    const content = xml.slice(from, to);
    if (open.length === 0 && content.trim() !== '') problems.push(`text outside the root element at ${from}`);
    if (content.includes('<')) problems.push(`an unescaped < at ${from + content.indexOf('<')}`);
    entities(content, `text at ${from}`);
  };
  for (const tag of xml.matchAll(/<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w.:-]*)([^<>]*?)(\/?)>/g)) {
    const at = tag.index ?? 0;
    text(last, at);
    last = at + tag[0].length;
    if (tag[0].startsWith('<!--')) continue;
    const [, closing, name, rest, selfClosing] = tag;
    if (closing) {
      if (rest.trim() !== '' || selfClosing) problems.push(`</${name}> at ${at} has more than its name`);
      const expected = open.pop();
      if (expected !== name) problems.push(`</${name}> at ${at} closes <${expected ?? 'nothing'}>`);
      continue;
    }
    const names = new Set<string>();
    ATTRIBUTE.lastIndex = 0;
    let end = 0;
    for (let m = ATTRIBUTE.exec(rest); m; m = ATTRIBUTE.exec(rest)) {
      if (names.has(m[1])) problems.push(`<${name}> at ${at} repeats ${m[1]}`);
      names.add(m[1]);
      entities(m[2] ?? m[3], `<${name} ${m[1]}> at ${at}`);
      end = ATTRIBUTE.lastIndex;
    }
    if (rest.slice(end).trim() !== '')
      problems.push(`<${name}> at ${at}: cannot read "${rest.slice(end).trim()}"`);
    if (open.length === 0) roots++;
    if (!selfClosing) open.push(name);
  }
  text(last, xml.length);
  if (open.length > 0) problems.push(`unclosed: ${open.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
