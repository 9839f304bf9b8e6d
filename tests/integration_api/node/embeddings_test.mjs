// Embeddings through the official `openai` npm package (POST /v1/embeddings) and the official
// `ollama` package (/api/embed, /api/embeddings): float and base64 agree, array input keeps its
// order, usage counts the tokens, and the Ollama routes carry the same vectors.
// Env: LLM_API_BASE_URL (http://127.0.0.1:PORT/v1), LLM_API_MODEL, LLM_API_KEY (optional).
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
import { check, finish, makeClient } from './harness.mjs';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';

const model = process.env.LLM_API_MODEL ?? 'stories260K.gguf';
const client = makeClient();
const root = process.env.LLM_API_BASE_URL.replace(/\/v1\/?$/, '');
const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${process.env.LLM_API_KEY ?? ''}` };
const ollama = new Ollama({ host: root, headers: { Authorization: headers.Authorization } });
const texts = ['Once upon a time there was a cat.', 'The dog ran to the park.', 'Lily ate a red apple.'];

async function post(path, body) {
  const r = await fetch(root + path, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
}

const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

let floats;
await check('array input: one unit vector per input, indices in order', async () => {
  const r = await client.embeddings.create({ model, input: texts, encoding_format: 'float' });
  assert.equal(r.object, 'list');
  assert.equal(r.model, model);
  assert.equal(r.data.length, texts.length);
  r.data.forEach((d, i) => {
    assert.equal(d.object, 'embedding');
    assert.equal(d.index, i);
    assert.ok(Math.abs(norm(d.embedding) - 1) < 1e-5, `norm ${norm(d.embedding)}`);
  });
  assert.notDeepEqual(r.data[0].embedding, r.data[1].embedding);
  floats = r;
});

await check('base64 (the client decodes it) carries exactly the float32 values', async () => {
  const r = await client.embeddings.create({ model, input: texts, encoding_format: 'base64' });
  assert.equal(typeof r.data[0].embedding, 'string');
  r.data.forEach((d, i) => {
    const bytes = Buffer.from(d.embedding, 'base64');
    const decoded = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    assert.equal(decoded.length, floats.data[i].embedding.length);
    decoded.forEach((x, k) => assert.equal(x, Math.fround(floats.data[i].embedding[k])));
  });
});

await check("the client's default (base64 requested, decoded to floats) equals float", async () => {
  const r = await client.embeddings.create({ model, input: texts });
  r.data.forEach((d, i) => assert.deepEqual(Array.from(d.embedding, Math.fround), floats.data[i].embedding.map(Math.fround)));
});

await check('usage counts the tokens of every input', async () => {
  let tokens = 0;
  for (const text of texts) {
    const t = await post('/api/v1/tokenize', { model, text });
    assert.equal(t.status, 200);
    tokens += t.body.tokens.length;
  }
  assert.equal(floats.usage.prompt_tokens, tokens);
  assert.equal(floats.usage.total_tokens, tokens);
});

await check('an input alone gets the vector it gets in a batch', async () => {
  const r = await client.embeddings.create({ model, input: texts[1], encoding_format: 'float' });
  assert.deepEqual(r.data[0].embedding, floats.data[1].embedding);
});

await check('dimensions other than the model size is a 400 naming it', async () => {
  await assert.rejects(client.embeddings.create({ model, input: 'a', dimensions: 3 }), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.param, 'dimensions');
    return true;
  });
});

await check('ollama client: embed answers the same vectors with its counters', async () => {
  const r = await ollama.embed({ model: `${model}:latest`, input: texts, truncate: true, keep_alive: '5m' });
  assert.equal(r.model, model);
  assert.equal(r.embeddings.length, texts.length);
  r.embeddings.forEach((v, i) => assert.deepEqual(v, floats.data[i].embedding));
  assert.equal(r.prompt_eval_count, floats.usage.prompt_tokens);
  assert.ok(Number.isInteger(r.total_duration) && r.total_duration > 0);
  assert.ok(Number.isInteger(r.load_duration) && r.load_duration >= 0);
});

await check('ollama client: embed of one string, and dimensions other than the size refused', async () => {
  const r = await ollama.embed({ model, input: texts[0] });
  assert.deepEqual(r.embeddings, [floats.data[0].embedding]);
  await assert.rejects(ollama.embed({ model, input: 'a', dimensions: 3 }), (err) => {
    assert.equal(err.status_code, 400);
    assert.match(err.error, /dimensions/);
    return true;
  });
});

await check('ollama client: embeddings (legacy) answers {embedding}', async () => {
  const r = await ollama.embeddings({ model, prompt: texts[2] });
  assert.deepEqual(Object.keys(r), ['embedding']);
  assert.deepEqual(r.embedding, floats.data[2].embedding);
});

await check('Ollama errors are {error: message}', async () => {
  const r = await post('/api/embed', { model: 'no-such-model', input: 'a' });
  assert.equal(r.status, 404);
  assert.deepEqual(Object.keys(r.body), ['error']);
  assert.equal(typeof r.body.error, 'string');
  await assert.rejects(ollama.embed({ model: 'no-such-model', input: 'a' }), (err) => err.status_code === 404);
});

finish();
