// Parity and throughput of an exported refit model on ONNX Runtime.
//
//   node parity.js MODEL.onnx PREDICTIONS.csv [TOLERANCE]
//
// PREDICTIONS.csv is `refit predict --keep <the model's inputs>` written
// as CSV by `refit cat`: the raw columns and refit's "prediction" (binary
// models). The rows go to ONNX Runtime as raw columns, 65,536 rows a call
// (refit predict's records, so that dynamic int8 layers see the same
// 256-row blocks); probabilities[:, 1] must match refit's within
// TOLERANCE (default 1e-5) and the labels must agree, and ROC AUC on
// `delay > 15` is printed for both. Then it times ONNX Runtime: batch 1
// (µs per call) and batch 1,024 (rows/s), 1 and 2 intra-op threads, the
// shapes refit evaluate times (THREADS=1,2 by default; TIMING_ONLY=1
// prints only the timings). Types: int64 for integer columns
// (distance), int64 microseconds for timestamps, strings for the rest.
// Exits 1 if the parity check fails.
'use strict';
const ort = require('onnxruntime-node');
const fs = require('fs');

function readCSV(path) {
  const lines = fs.readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const header = lines[0].split(',');
  const cols = Object.fromEntries(header.map((h) => [h, []]));
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    for (let j = 0; j < header.length; j++) cols[header[j]].push(f[j]);
  }
  return { rows: lines.length - 1, cols };
}

const minInt64 = -(2n ** 63n);

// column converts a CSV column to the values of an ONNX input.
function column(meta, values) {
  switch (meta.type) {
    case 'float': return Float32Array.from(values, (v) => (v === '' ? NaN : Number(v)));
    case 'double': return Float64Array.from(values, (v) => (v === '' ? NaN : Number(v)));
    case 'int64':
      if (values[0] && values[0].includes('T')) { // an RFC 3339 wall-clock timestamp
        return BigInt64Array.from(values, (v) => (v === '' ? minInt64 : BigInt(Date.parse(v + 'Z')) * 1000n));
      }
      return BigInt64Array.from(values, (v) => (v === '' ? minInt64 : BigInt(v)));
    case 'string': return values;
  }
  throw new Error(`type ${meta.type}`);
}

function feeds(sess, inputs, lo, hi) {
  const out = {};
  for (const name of sess.inputNames) {
    const { type, data } = inputs[name];
    const ortType = { float: 'float32', double: 'float64', int64: 'int64', string: 'string' }[type];
    out[name] = new ort.Tensor(ortType, data.slice(lo, hi), [hi - lo, 1]);
  }
  return out;
}

// auc is the ROC AUC of scores against 0/1 labels (ties averaged).
function auc(scores, labels) {
  const idx = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0, pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && scores[idx[j]] === scores[idx[i]]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (labels[idx[k]]) { rankSum += rank; pos++; }
    i = j;
  }
  const neg = idx.length - pos;
  return (rankSum - pos * (pos + 1) / 2) / (pos * neg);
}

// timeIt returns the median wall-clock and process CPU (user + system,
// all threads) nanoseconds per call over 5 rounds of ms milliseconds. On
// a loaded machine the CPU time is the steadier of the two.
async function timeIt(sess, inputs, rows, batch, ms) {
  const calls = [];
  for (let lo = 0; lo + batch <= rows && calls.length < 256; lo += batch) calls.push(feeds(sess, inputs, lo, lo + batch));
  for (let i = 0; i < Math.min(50, calls.length * 4); i++) await sess.run(calls[i % calls.length]);
  const wall = [], cpu = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
    let t = t0;
    while (t - t0 < BigInt(ms * 1e6)) {
      await sess.run(calls[n % calls.length]);
      n++;
      t = process.hrtime.bigint();
    }
    const c = process.cpuUsage(c0);
    wall.push(Number(t - t0) / n);
    cpu.push((c.user + c.system) * 1e3 / n);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { wall: wall[2], cpu: cpu[2] };
}

// parity runs every row through the model, 65,536 rows a call, compares
// probabilities[:, 1] and the labels with refit's, and prints the result
// and both ROC AUCs.
async function parity(sess, inputs, rows, cols, file, tol) {
  const probs = new Float64Array(rows);
  let labelsOff = 0;
  for (let lo = 0; lo < rows; lo += 65536) {
    const hi = Math.min(lo + 65536, rows);
    const out = await sess.run(feeds(sess, inputs, lo, hi));
    for (let i = lo; i < hi; i++) {
      probs[i] = out.probabilities.data[2 * (i - lo) + 1];
      if (out.label.data[i - lo] !== cols.label[i]) labelsOff++;
    }
  }
  let maxDiff = 0, worst = 0, over = 0;
  const refit = Float64Array.from(cols.prediction, Number);
  for (let i = 0; i < rows; i++) {
    const d = Math.abs(probs[i] - refit[i]);
    if (d > maxDiff) { maxDiff = d; worst = i; }
    if (d > 1e-5) { over++; if (process.env.DEBUG) console.log("diff row", i, "block", Math.floor(i / 256), d); }
  }
  const late = cols.delay.map((d) => Number(d) > 15);
  const aucOnnx = auc(probs, late), aucRefit = auc(refit, late);
  const ok = maxDiff <= tol && labelsOff === 0 && Math.abs(aucOnnx - aucRefit) <= 1e-4;
  console.log(`onnxruntime-node ${require('onnxruntime-node/package.json').version}: ${file}, ${rows} rows`);
  console.log(`  max |p_onnx - p_refit| ${maxDiff.toExponential(2)} (row ${worst}: ${probs[worst]} vs ${refit[worst]}),` +
    ` ${over} rows > 1e-5, ${labelsOff} labels differ`);
  console.log(`  ROC AUC onnx ${aucOnnx.toFixed(6)} refit ${aucRefit.toFixed(6)} (|diff| ${Math.abs(aucOnnx - aucRefit).toExponential(1)})`);
  console.log(`  parity ${ok ? 'ok' : 'FAILED'} (tolerance ${tol})`);
  return ok;
}

(async () => {
  const [file, csv, tolArg] = process.argv.slice(2);
  if (!file || !csv) { console.error('usage: node parity.js MODEL.onnx PREDICTIONS.csv [TOLERANCE]'); process.exit(2); }
  const tol = Number(tolArg || 1e-5);
  const { rows, cols } = readCSV(csv);
  const sess = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const inputs = {};
  for (const name of sess.inputNames) {
    const meta = sess.inputMetadata.find((m) => m.name === name);
    inputs[name] = { type: meta.type, data: column(meta, cols[name]) };
  }
  const ok = process.env.TIMING_ONLY ? true : await parity(sess, inputs, rows, cols, file, tol);
  for (const threads of (process.env.THREADS || '1,2').split(',').map(Number)) {
    const s = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    const one = await timeIt(s, inputs, rows, 1, 300);
    const big = await timeIt(s, inputs, rows, 1024, 600);
    console.log(`  onnxruntime ${file.split('/').pop()} threads=${threads}: batch 1 ${(one.wall / 1e3).toFixed(1)} µs/call` +
      ` (CPU ${(one.cpu / 1e3).toFixed(1)}), batch 1024 ${(1024e9 / big.wall / 1e6).toFixed(3)} M rows/s (CPU ${(1024e9 / big.cpu / 1e6).toFixed(3)})`);
  }
  process.exit(ok ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
