// Runs the exported models that `go test ./export/onnx -run RuntimeCases`
// writes (REFIT_ONNX_CASES=DIR) on ONNX Runtime and compares them with
// refit's predictions on the same rows: every input kind, missing values,
// rare and unseen categories, unseen calendar values, zones, dates, the v1
// sin/cos calendar, and float32, static and dynamic int8 layers.
// Usage: node cases.js DIR. Exits 1 if a case is off.
'use strict';
const ort = require('onnxruntime-node');
const fs = require('fs');
const path = require('path');

function tensor(col, rows) {
  switch (col.type) {
    case 'float': return new ort.Tensor('float32', Float32Array.from(col.values, Number), [rows, 1]);
    case 'double': return new ort.Tensor('float64', Float64Array.from(col.values, Number), [rows, 1]);
    case 'int64': return new ort.Tensor('int64', BigInt64Array.from(col.values, BigInt), [rows, 1]);
    case 'string': return new ort.Tensor('string', col.values, [rows, 1]);
  }
  throw new Error(`input ${col.name}: type ${col.type}`);
}

async function runCase(dir, name) {
  const c = JSON.parse(fs.readFileSync(path.join(dir, name + '.json'), 'utf8'));
  const opts = { graphOptimizationLevel: 'all', intraOpNumThreads: 1 };
  if (process.env.OPTIMIZED) opts.optimizedModelFilePath = path.join(process.env.OPTIMIZED, name + '.onnx');
  const sess = await ort.InferenceSession.create(path.join(dir, name + '.onnx'), opts);
  const feeds = {};
  for (const col of c.inputs) feeds[col.name] = tensor(col, c.rows);
  const out = await sess.run(feeds);
  let got;
  if (c.task === 'regression') {
    got = out.prediction.data;
  } else if (c.task === 'binary') {
    got = Array.from({ length: c.rows }, (_, i) => out.probabilities.data[2 * i + 1]);
  } else {
    got = out.probabilities.data;
  }
  let maxDiff = 0, worst = -1, off = 0;
  for (let i = 0; i < c.expected.length; i++) {
    // regression values can be huge (inputs of 1e30): relative there
    const d = Math.abs(got[i] - c.expected[i]) / (c.task === 'regression' ? Math.max(1, Math.abs(c.expected[i])) : 1);
    if (!(d <= maxDiff)) { maxDiff = d; worst = i; }
    if (d > 1e-5) off++;
  }
  let labelsOff = 0;
  if (c.labels) for (let i = 0; i < c.rows; i++) if (out.label.data[i] !== c.labels[i]) labelsOff++;
  const tol = c.tolerance || 1e-2; // int8: see BENCHMARKS.md, issue 19
  const ok = maxDiff <= tol && (c.tolerance === 0 || labelsOff === 0);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(24)} rows ${c.rows}  max |onnx - refit| ${maxDiff.toExponential(2)}` +
    ` (value ${worst}: ${got[worst]} vs ${c.expected[worst]}), ${off} values > 1e-5, ${labelsOff} labels differ`);
  return ok;
}

(async () => {
  const dir = process.argv[2];
  if (!dir) { console.error('usage: node cases.js DIR'); process.exit(2); }
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)).sort();
  let failed = 0;
  for (const n of names) if (!(await runCase(dir, n))) failed++;
  console.log(`${names.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
