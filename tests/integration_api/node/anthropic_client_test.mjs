// Anthropic's Messages API through the official `@anthropic-ai/sdk` npm package: a message,
// its stream (the text reassembles to the non-streamed greedy answer), a tool_use round (the
// call, then a tool_result turn answered), count_tokens, errors in Anthropic's shape, and the
// key sent as x-api-key (the SDK's way) or as a Bearer token.
// Env: LLM_API_BASE_URL (http://127.0.0.1:PORT, without /v1), LLM_API_KEY (the server's key),
// LLM_API_MODEL (text), LLM_API_TOOL_MODEL (a model whose chat template renders tools).
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
import Anthropic from '@anthropic-ai/sdk';
import Ajv from 'ajv';
import assert from 'node:assert/strict';
import { check, finish } from './harness.mjs';

const baseURL = process.env.LLM_API_BASE_URL;
if (!baseURL) {
  console.error('LLM_API_BASE_URL is not set');
  process.exit(2);
}
const apiKey = process.env.LLM_API_KEY ?? '';
const model = process.env.LLM_API_MODEL ?? 'stories260K.gguf';
const toolModel = process.env.LLM_API_TOOL_MODEL ?? 'synth-qwen3-q8_0.gguf';
// The key goes in x-api-key, Anthropic's header (this SDK version sends `apiKey` as a Bearer
// token, which the last check covers).
const client = new Anthropic({
  baseURL, apiKey: null, authToken: null, defaultHeaders: { 'x-api-key': apiKey }, maxRetries: 0, timeout: 120_000,
});

const greedy = {
  model,
  max_tokens: 24,
  temperature: 0,
  system: 'You tell short stories.',
  messages: [{ role: 'user', content: 'Once upon a time' }],
};

const tools = [
  {
    name: 'get_weather',
    description: 'The current weather in a city.',
    input_schema: {
      type: 'object',
      properties: { city: { type: 'string', maxLength: 12 }, unit: { enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
    },
  },
];
const ajv = new Ajv({ strict: false, allErrors: true });

// The text blocks of a message, joined.
const textOf = (message) => message.content.filter((b) => b.type === 'text').map((b) => b.text).join('');

// An error of the SDK whose body is Anthropic's {"type": "error", "error": {"type": ...}}.
function isAnthropicError(ErrorClass, type) {
  return (err) => {
    assert.ok(err instanceof ErrorClass, `${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.error?.type, 'error', JSON.stringify(err.error));
    assert.equal(err.error?.error?.type, type, JSON.stringify(err.error));
    assert.ok(err.error.error.message.length > 0);
    return true;
  };
}

let whole;
await check('messages.create answers a message object', async () => {
  whole = await client.messages.create(greedy);
  assert.match(whole.id, /^msg_/);
  assert.equal(whole.type, 'message');
  assert.equal(whole.role, 'assistant');
  assert.equal(whole.model, model);
  assert.equal(whole.content.length, 1, JSON.stringify(whole.content));
  assert.equal(whole.content[0].type, 'text');
  assert.ok(whole.content[0].text.length > 0);
  assert.ok(['end_turn', 'max_tokens'].includes(whole.stop_reason), whole.stop_reason);
  assert.equal(whole.stop_sequence, null);
  assert.ok(whole.usage.input_tokens > 0);
  assert.ok(whole.usage.output_tokens > 0 && whole.usage.output_tokens <= 24);
});

await check('a stream reassembles to the non-streamed greedy answer', async () => {
  const stream = client.messages.stream(greedy);
  let text = '';
  stream.on('text', (delta) => { text += delta; });
  const final = await stream.finalMessage();
  assert.equal(text, whole.content[0].text);
  assert.equal(textOf(final), whole.content[0].text);
  assert.equal(final.stop_reason, whole.stop_reason);
  assert.deepEqual(final.usage.input_tokens, whole.usage.input_tokens);
  assert.equal(final.usage.output_tokens, whole.usage.output_tokens);
});

await check('a raw stream has the events in Anthropic\'s order', async () => {
  const events = [];
  for await (const event of await client.messages.create({ ...greedy, stream: true })) events.push(event.type);
  assert.equal(events[0], 'message_start');
  assert.equal(events[1], 'content_block_start');
  assert.ok(events.slice(2, -3).every((e) => e === 'content_block_delta'), events.join(' '));
  assert.deepEqual(events.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
});

await check('stop_sequences ends the reply with stop_reason stop_sequence', async () => {
  const words = whole.content[0].text.trim().split(/\s+/);
  assert.ok(words.length >= 3, whole.content[0].text);
  const stop = words[2];
  const r = await client.messages.create({ ...greedy, stop_sequences: [stop] });
  assert.equal(r.stop_reason, 'stop_sequence');
  assert.equal(r.stop_sequence, stop);
  assert.ok(!textOf(r).includes(stop), textOf(r));
  assert.ok(whole.content[0].text.startsWith(textOf(r)), textOf(r));
});

let call;
let callMessage;
await check(`${toolModel}: tool_choice any answers a tool_use block that validates`, async () => {
  callMessage = await client.messages.create({
    model: toolModel, max_tokens: 300, temperature: 0, tools, tool_choice: { type: 'any' },
    messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  });
  assert.equal(callMessage.stop_reason, 'tool_use', JSON.stringify(callMessage));
  call = callMessage.content.find((b) => b.type === 'tool_use');
  assert.ok(call, JSON.stringify(callMessage.content));
  assert.match(call.id, /^toolu_/);
  assert.equal(call.name, 'get_weather');
  const validate = ajv.compile(tools[0].input_schema);
  assert.ok(validate(call.input), `${JSON.stringify(call.input)}\n${JSON.stringify(validate.errors)}`);
});

await check(`${toolModel}: a streamed tool_use reassembles to the non-streamed call`, async () => {
  const final = await client.messages.stream({
    model: toolModel, max_tokens: 300, temperature: 0, tools, tool_choice: { type: 'any' },
    messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  }).finalMessage();
  assert.equal(final.stop_reason, 'tool_use');
  const streamed = final.content.find((b) => b.type === 'tool_use');
  assert.equal(streamed.name, call.name);
  assert.deepEqual(streamed.input, call.input);
});

await check(`${toolModel}: a tool_result turn is answered`, async () => {
  const r = await client.messages.create({
    model: toolModel, max_tokens: 16, temperature: 0, tools,
    messages: [
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: callMessage.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18 C, sunny' }] },
    ],
  });
  assert.equal(r.type, 'message');
  assert.ok(['end_turn', 'max_tokens', 'tool_use'].includes(r.stop_reason), r.stop_reason);
  assert.ok(r.usage.input_tokens > callMessage.usage.input_tokens);
});

await check('count_tokens counts the prompt a message is generated from', async () => {
  const { max_tokens, temperature, ...prompt } = greedy;
  const counted = await client.messages.countTokens(prompt);
  assert.deepEqual(Object.keys(counted), ['input_tokens']);
  assert.equal(counted.input_tokens, whole.usage.input_tokens);
  const withTools = await client.messages.countTokens({ model: toolModel, tools, messages: greedy.messages });
  assert.ok(withTools.input_tokens > 0);
});

await check('an unknown model is a 404 not_found_error', async () => {
  await assert.rejects(client.messages.create({ ...greedy, model: 'no-such-model.gguf' }),
                       isAnthropicError(Anthropic.NotFoundError, 'not_found_error'));
  await assert.rejects(client.messages.countTokens({ model: 'no-such-model.gguf', messages: greedy.messages }),
                       isAnthropicError(Anthropic.NotFoundError, 'not_found_error'));
});

await check('a missing max_tokens and an image block are 400 invalid_request_error', async () => {
  const { max_tokens, ...noMax } = greedy;
  await assert.rejects(client.messages.create(noMax), isAnthropicError(Anthropic.BadRequestError, 'invalid_request_error'));
  const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
  await assert.rejects(client.messages.create({ ...greedy, messages: [{ role: 'user', content: [image] }] }),
                       isAnthropicError(Anthropic.BadRequestError, 'invalid_request_error'));
});

await check('a wrong or missing key is 401 authentication_error; a Bearer token works too', async () => {
  const wrong = new Anthropic({ baseURL, apiKey: null, defaultHeaders: { 'x-api-key': 'wrong-key' }, maxRetries: 0 });
  await assert.rejects(wrong.messages.create(greedy), isAnthropicError(Anthropic.AuthenticationError, 'authentication_error'));
  const response = await fetch(`${baseURL}/v1/messages/count_tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model, messages: greedy.messages }),
  });
  assert.equal(response.status, 401);
  assert.equal((await response.json()).error.type, 'authentication_error');
  const bearer = new Anthropic({ baseURL, apiKey, maxRetries: 0 });
  const counted = await bearer.messages.countTokens({ model, messages: greedy.messages });
  assert.ok(counted.input_tokens > 0);
});

finish();
