// Drives llm-api's OpenAI-compatible API with the official `openai` npm package.
// Env: LLM_API_BASE_URL (http://127.0.0.1:PORT/v1), LLM_API_MODEL, LLM_API_KEY (optional).
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
import OpenAI from 'openai';
import { check, finish, makeClient } from './harness.mjs';
import assert from 'node:assert/strict';

const model = process.env.LLM_API_MODEL ?? 'stories260K.gguf';
const client = makeClient(60_000);

const messages = [{ role: 'user', content: 'Tell me a story.' }];

await check('models.list returns the model files', async () => {
  const page = await client.models.list();
  const ids = page.data.map((m) => m.id);
  assert.ok(ids.includes(model), `${model} not in ${ids}`);
  for (const m of page.data) assert.equal(m.object, 'model');
});

await check('models.retrieve returns one model', async () => {
  const m = await client.models.retrieve(model);
  assert.equal(m.id, model);
});

let chatText = '';
await check('chat.completions.create (not streamed)', async () => {
  const r = await client.chat.completions.create({ model, messages, max_tokens: 24, temperature: 0, seed: 1 });
  assert.equal(r.object, 'chat.completion');
  assert.match(r.id, /^chatcmpl-/);
  assert.equal(typeof r.created, 'number');
  assert.equal(r.model, model);
  assert.equal(r.choices.length, 1);
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.equal(typeof r.choices[0].message.content, 'string');
  assert.ok(['stop', 'length'].includes(r.choices[0].finish_reason));
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  assert.ok(r.usage.completion_tokens > 0);
  chatText = r.choices[0].message.content;
});

await check('chat.completions.create (streamed, include_usage) matches the non-streamed text', async () => {
  const stream = await client.chat.completions.create({
    model, messages, max_tokens: 24, temperature: 0, seed: 1, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let finish = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      text += c.delta?.content ?? '';
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  assert.ok(chunks > 2);
  assert.equal(text, chatText);
  assert.ok(['stop', 'length'].includes(finish));
  assert.ok(usage && usage.completion_tokens > 0);
});

await check('max_completion_tokens limits the answer', async () => {
  const r = await client.chat.completions.create({ model, messages, max_completion_tokens: 3, temperature: 0 });
  assert.ok(r.usage.completion_tokens <= 3);
  assert.equal(r.choices[0].finish_reason, 'length');
});

let completionText = '';
await check('completions.create (not streamed)', async () => {
  const r = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 24, temperature: 0 });
  assert.equal(r.object, 'text_completion');
  assert.match(r.id, /^cmpl-/);
  assert.equal(typeof r.choices[0].text, 'string');
  assert.ok(r.choices[0].text.length > 0);
  completionText = r.choices[0].text;
});

await check('completions.create (streamed) matches the non-streamed text', async () => {
  const stream = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 24, temperature: 0, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  assert.equal(text, completionText);
});

await check('stop as an array cuts the text before the stop string', async () => {
  const words = completionText.trim().split(/\s+/);
  const stopWord = words.length > 2 ? words[2] : words[0];
  const r = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 24, temperature: 0, stop: [stopWord, '\u0000never'] });
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.ok(!r.choices[0].text.includes(stopWord), JSON.stringify(r.choices[0].text));
});

await check('an unknown model is a NotFoundError with code model_not_found', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'no-such-model.gguf', messages }),
    (err) => err instanceof OpenAI.NotFoundError && err.status === 404 && err.code === 'model_not_found' &&
      typeof err.message === 'string',
  );
});

await check('a bad parameter is a BadRequestError naming it', async () => {
  await assert.rejects(
    client.chat.completions.create({ model, messages, max_tokens: -5 }),
    (err) => err instanceof OpenAI.BadRequestError && err.status === 400 && err.param === 'max_tokens',
  );
});

if (process.env.LLM_API_KEY) {
  await check('a wrong key is an AuthenticationError', async () => {
    const bad = new OpenAI({ baseURL: process.env.LLM_API_BASE_URL, apiKey: 'wrong-key', maxRetries: 0 });
    await assert.rejects(bad.models.list(), (err) => err instanceof OpenAI.AuthenticationError && err.status === 401);
  });
}

finish();
