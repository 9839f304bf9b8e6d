// Log probabilities through the official `openai` npm package: chat `logprobs` /
// `top_logprobs` streamed and not, the legacy `logprobs` of text completions, and the
// requests OpenAI refuses. Greedy decoding picks the most likely token, so each chosen token
// must be the first of its alternatives.
// Env: LLM_API_BASE_URL (http://127.0.0.1:PORT/v1), LLM_API_MODEL, LLM_API_KEY (optional).
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
import { check, finish, makeClient } from './harness.mjs';
import assert from 'node:assert/strict';

const model = process.env.LLM_API_MODEL ?? 'stories260K.gguf';
const client = makeClient();

const messages = [{ role: 'user', content: 'Tell me a story about a cat.' }];
const greedy = { model, messages, max_tokens: 24, temperature: 0 };

function checkEntry(e, top) {
  assert.equal(typeof e.token, 'string');
  assert.ok(e.logprob <= 0, `logprob ${e.logprob}`);
  assert.ok(Array.isArray(e.bytes) && e.bytes.every((b) => Number.isInteger(b) && b >= 0 && b < 256));
  assert.deepEqual(Buffer.from(e.bytes).toString('latin1').length, e.bytes.length);
  assert.equal(e.top_logprobs.length, top);
  for (let i = 1; i < e.top_logprobs.length; i++) assert.ok(e.top_logprobs[i - 1].logprob >= e.top_logprobs[i].logprob);
  if (top > 0) {
    assert.deepEqual(e.top_logprobs[0].bytes, e.bytes, 'greedy picks the most likely token');
    assert.ok(Math.abs(e.top_logprobs[0].logprob - e.logprob) < 1e-6);
  }
}

let reference;
await check('chat logprobs: one entry per completion token with 3 alternatives', async () => {
  const r = await client.chat.completions.create({ ...greedy, logprobs: true, top_logprobs: 3 });
  const content = r.choices[0].logprobs.content;
  assert.equal(content.length, r.usage.completion_tokens);
  content.forEach((e) => checkEntry(e, 3));
  const text = Buffer.concat(content.map((e) => Buffer.from(e.bytes))).toString('utf8');
  assert.equal(text.trim(), r.choices[0].message.content.trim());
  reference = content;
});

await check('streamed chat logprobs reassemble to the non-streamed ones', async () => {
  const stream = await client.chat.completions.create({ ...greedy, logprobs: true, top_logprobs: 3, stream: true });
  const entries = [];
  for await (const chunk of stream) {
    const lp = chunk.choices[0]?.logprobs;
    if (lp?.content) entries.push(...lp.content);
  }
  assert.deepEqual(entries.map((e) => e.token), reference.map((e) => e.token));
  // The second request reuses the cached prompt, so its logits come from a differently
  // batched pass: equal up to float rounding.
  entries.forEach((e, i) => assert.ok(Math.abs(e.logprob - reference[i].logprob) < 1e-4, `${e.logprob} vs ${reference[i].logprob}`));
});

await check('without logprobs the choice says null', async () => {
  const r = await client.chat.completions.create(greedy);
  assert.equal(r.choices[0].logprobs, null);
});

await check('logprobs without alternatives', async () => {
  const r = await client.chat.completions.create({ ...greedy, logprobs: true });
  r.choices[0].logprobs.content.forEach((e) => checkEntry(e, 0));
});

await check('text completion logprobs have the legacy shape', async () => {
  const r = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 16, temperature: 0, logprobs: 2 });
  const lp = r.choices[0].logprobs;
  assert.equal(lp.tokens.length, r.usage.completion_tokens);
  assert.equal(lp.token_logprobs.length, lp.tokens.length);
  assert.equal(lp.text_offset.length, lp.tokens.length);
  assert.equal(lp.text_offset[0], 0);
  lp.top_logprobs.forEach((alts, i) => {
    const keys = Object.keys(alts);
    assert.ok(keys.length >= 1 && keys.length <= 2);
    assert.ok(Math.abs(Math.max(...Object.values(alts)) - lp.token_logprobs[i]) < 1e-6);
  });
});

await check('top_logprobs without logprobs is refused naming it', async () => {
  await assert.rejects(client.chat.completions.create({ ...greedy, top_logprobs: 2 }), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.param, 'top_logprobs');
    return true;
  });
});

await check('top_logprobs above 20 is refused', async () => {
  await assert.rejects(client.chat.completions.create({ ...greedy, logprobs: true, top_logprobs: 21 }), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.param, 'top_logprobs');
    return true;
  });
});

finish();
