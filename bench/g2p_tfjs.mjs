// The in-run peer of bench/g2p.sh: TensorFlow.js (tfref's pure-JS cpu backend,
// one thread) running the g2p frozen graph through the whole 20-call decode
// of ENCODING.md, one batch per line of bench_words.txt, timed like
// ember-g2p --bench (median of N decodes; loading is not timed).
//
//   node bench/g2p_tfjs.mjs TFREF_DIR MODEL_DIR G2P_DATA_DIR [REPEATS]
//
// TFREF_DIR: a copy of ../shared/tools/tfref where `npm ci` has run (its
// node_modules holds @tensorflow/tfjs); MODEL_DIR: tfref's conversion of the
// graph (pb2tfjs.py MODEL.pb MODEL_DIR, or what TFREF_KEEP=MODEL_DIR keeps);
// G2P_DATA_DIR: the g2p test data (vocab.json, bench_words.txt,
// bench_expected.tsv). Prints `words<TAB>median wall ms<TAB>median CPU
// ms<TAB>repeats` per line (CPU time of the process, tfjs's helper threads
// included), and fails if a word's phones differ from bench_expected.tsv.
import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';

const [tfrefDir, modelDir, dataDir, repeatsText = '20'] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: node g2p_tfjs.mjs TFREF_DIR MODEL_DIR G2P_DATA_DIR [REPEATS]');
  process.exit(2);
}
const repeats = Number(repeatsText);
const MAX_LEN = 20;

async function loadTf() {
  // tfjs prints a banner on import in node; keep stdout for the results.
  const log = console.log;
  console.log = () => {};
  const resolved = createRequire(path.join(path.resolve(tfrefDir), 'package.json')).resolve('@tensorflow/tfjs');
  const tf = await import(pathToFileURL(resolved).href);
  console.log = log;
  await tf.setBackend('cpu');
  await tf.ready();
  tf.backend().firstUse = false;
  const {registerCustomOps} = await import(pathToFileURL(path.join(path.resolve(tfrefDir), 'customops.mjs')).href);
  registerCustomOps(tf);
  return tf;
}

async function loadModel(tf) {
  const model = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
  const weightSpecs = model.weightsManifest.flatMap(group => group.weights);
  const bytes = Buffer.concat(model.weightsManifest.flatMap(
      group => group.paths.map(file => fs.readFileSync(path.join(modelDir, file)))));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tf.loadGraphModel(tf.io.fromMemory({modelTopology: model.modelTopology, weightSpecs, weightData}));
}

// ENCODING.md: (word + 'E')[:20] as grapheme indices, 'U' for anything else,
// 0 after. The bench words are plain ASCII.
function encode(words, graphemes) {
  const ids = new Int32Array(words.length * MAX_LEN);
  words.forEach((word, row) => {
    [...(word + 'E')].slice(0, MAX_LEN).forEach((c, j) => {
      const id = graphemes.indexOf(c);
      ids[row * MAX_LEN + j] = id >= 0 ? id : 2;
    });
  });
  return ids;
}

// The 20 calls, each feeding back the predictions so far.
async function decode(tf, model, grapheme, rows) {
  const preds = new Int32Array(rows * MAX_LEN);
  const graphemeTensor = tf.tensor2d(grapheme, [rows, MAX_LEN], 'int32');
  for (let j = 0; j < MAX_LEN; j++) {
    const phonemeTensor = tf.tensor2d(preds, [rows, MAX_LEN], 'int32');
    const out = await model.executeAsync({'grapheme:0': graphemeTensor, 'phoneme:0': phonemeTensor}, 'preds:0');
    const values = await out.data();
    for (let r = 0; r < rows; r++) preds[r * MAX_LEN + j] = values[r * MAX_LEN + j];
    tf.dispose([phonemeTensor, out]);
  }
  graphemeTensor.dispose();
  return preds;
}

function phones(ids, phonemes) {
  const tokens = [];
  for (const id of ids) {
    if (id === 1) break;
    tokens.push(phonemes[id]);
  }
  return tokens.join(' ');
}

async function main() {
  const tf = await loadTf();
  const model = await loadModel(tf);
  const vocab = JSON.parse(fs.readFileSync(path.join(dataDir, 'vocab.json'), 'utf8'));
  const lines = fs.readFileSync(path.join(dataDir, 'bench_words.txt'), 'utf8').split('\n').filter(l => l.trim());
  const expected = fs.readFileSync(path.join(dataDir, 'bench_expected.tsv'), 'utf8').split('\n')
      .filter(l => l).map(l => l.split('\t'));
  for (const [index, line] of lines.entries()) {
    const words = line.toLowerCase().split(/\s+/).filter(w => w);
    const grapheme = encode(words, vocab.graphemes);
    const preds = await decode(tf, model, grapheme, words.length);  // warm-up, and the check
    const want = expected.filter(e => Number(e[0]) === index + 1);
    words.forEach((word, r) => {
      const got = phones(preds.subarray(r * MAX_LEN, (r + 1) * MAX_LEN), vocab.phonemes);
      if (want[r][1] !== word || want[r][2] !== got) {
        throw new Error(`line ${index + 1}, ${word}: got '${got}', bench_expected.tsv has '${want[r][2]}'`);
      }
    });
    const wall = [], cpu = [];
    for (let k = 0; k < repeats; k++) {
      const start = process.hrtime.bigint();
      const cpuStart = process.cpuUsage();
      await decode(tf, model, grapheme, words.length);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1e3);
      wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const median = values => values.sort((a, b) => a - b)[Math.floor(values.length / 2)].toFixed(3);
    console.log(`${words.length}\t${median(wall)}\t${median(cpu)}\t${repeats}`);
  }
}

main().catch(e => {
  console.error(`g2p_tfjs: error: ${e && e.message ? e.message : e}`);
  process.exit(1);
});
