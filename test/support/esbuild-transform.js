// Jest transformer: TypeScript to CommonJS with esbuild, type-stripping only. Type-checking runs once, in
// `npm run typecheck`; here each file needs only its types removed, which esbuild does in about a
// millisecond a file. No test uses `jest.mock`, whose hoisting esbuild would not do.
const { createHash } = require('node:crypto');
const { transformSync, version } = require('esbuild');

// `import()` becomes `require()`, as TypeScript's CommonJS output does: jest's module registry serves
// `require` but not dynamic imports (those need its experimental VM modules).
const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  supported: { 'dynamic-import': false },
};

module.exports = {
  process(source, filename) {
    const { code } = transformSync(source, { ...OPTIONS, sourcefile: filename });
    return { code };
  },
  getCacheKey(source, filename) {
    return createHash('sha256')
      .update(version)
      .update(JSON.stringify(OPTIONS))
      .update(filename)
      .update(source)
      .digest('hex');
  },
};
