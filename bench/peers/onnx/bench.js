// ONNX Runtime peer benchmark for refit's 128-256-128-1 MLP: float32 and
// int8 QDQ models from gen/, batch 1024 (1 and 2 intra-op threads) and
// batch 1, on random N(0, 2) inputs. Prints one line per case: the median
// and best of several timed rounds. Run: go run ./gen -o . && node bench.js
// (env: ROUNDS, ONLY=float32|int8-qdq, BATCHES=1,1024).
'use strict';
const ort = require('onnxruntime-node');
const os = require('os');

async function session(file, threads, optimized) {
  return ort.InferenceSession.create(file, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all', optimizedModelFilePath: optimized,
  });
}

function input(rows, seed) {
  const x = new Float32Array(rows * 128);
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i += 2) { // Box-Muller on a xorshift
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const u = (s + 1) / 4294967297;
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const v = (s + 1) / 4294967297;
    const r = Math.sqrt(-2 * Math.log(u)) * 2;
    x[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < x.length) x[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return new ort.Tensor('float32', x, [rows, 128]);
}

async function measure(sess, x, rounds, msPerRound) {
  const feeds = { x };
  for (let i = 0; i < 20; i++) await sess.run(feeds);
  const per = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const t0 = process.hrtime.bigint();
    let t = t0;
    while (t - t0 < BigInt(msPerRound * 1e6)) {
      await sess.run(feeds);
      n++;
      t = process.hrtime.bigint();
    }
    per.push(Number(t - t0) / n); // ns per call
  }
  per.sort((a, b) => a - b);
  return { median: per[Math.floor(per.length / 2)], best: per[0] };
}

(async () => {
  console.log(`onnxruntime-node ${require('onnxruntime-node/package.json').version}, ` +
    `node ${process.version}, load ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const rounds = Number(process.env.ROUNDS || 5);
  const only = process.env.ONLY; // e.g. ONLY=int8-qdq
  const batches = (process.env.BATCHES || '1,1024').split(',').map(Number);
  for (const [name, file] of [['float32', 'mlp_f32.onnx'], ['int8-qdq', 'mlp_qdq.onnx']]) {
    if (only && only !== name) continue;
    for (const threads of [1, 2]) {
      const sess = await session(file, threads, `/tmp/ort_opt_${name}_${threads}.onnx`);
      for (const rows of batches) {
        const m = await measure(sess, input(rows, 1), rounds, 400);
        console.log(`${name.padEnd(9)} threads=${threads} batch=${String(rows).padEnd(4)} ` +
          `median ${(m.median / 1e3).toFixed(2).padStart(8)} µs/call ${(rows * 1e9 / m.median / 1e6).toFixed(3).padStart(7)} M rows/s` +
          ` | best ${(m.best / 1e3).toFixed(2).padStart(8)} µs/call ${(rows * 1e9 / m.best / 1e6).toFixed(3).padStart(7)} M rows/s`);
      }
    }
  }
})();
