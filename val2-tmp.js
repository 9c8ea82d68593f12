const fs = require('fs'), path = require('path');
const lib = path.dirname(require.resolve('aws-cdk-lib/package.json'));
const cv = require(path.join(lib, 'node_modules/@aws/cloudformation-validate'));
const file = process.argv[2];
const tpl = JSON.parse(fs.readFileSync(file, 'utf8'));
const e = new cv.CompositeEngine({});
const run = (t) => { const b = process.cpuUsage(); e.validateTemplate(new cv.TemplateContent(JSON.stringify(t), 'x.json'), { detailLevel: 'STANDARD', pseudoParameterOverrides: { accountId: '111111111111', region: 'eu-west-1' }, severityLevel: 'WARN' }); const a = process.cpuUsage(b); return (a.user + a.system) / 1e3; };
run(tpl); run(tpl);
const full = Math.min(run(tpl), run(tpl), run(tpl));
console.log('resources', Object.keys(tpl.Resources).length, 'full ms', full.toFixed(0));
const types = [...new Set(Object.values(tpl.Resources).map(r => r.Type))];
const out = [];
for (const ty of types) {
  const t = { ...tpl, Resources: Object.fromEntries(Object.entries(tpl.Resources).filter(([, r]) => r.Type !== ty)) };
  let ms; try { ms = Math.min(run(t), run(t)); } catch { ms = NaN; }
  out.push([ty, Object.values(tpl.Resources).filter(r => r.Type === ty).length, full - ms]);
}
out.sort((a, b) => b[2] - a[2]).slice(0, 12).forEach(([t, n, d]) => console.log(d.toFixed(0).padStart(6), 'ms', n, t));
