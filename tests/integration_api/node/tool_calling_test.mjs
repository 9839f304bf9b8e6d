// Tool calling through the official `openai` npm package: tool_choice "required" and a named
// function on every model in LLM_API_MODELS (comma-separated) return calls whose arguments
// validate (ajv) against the tool's parameters schema; streamed tool_calls deltas reassemble
// to the non-streamed call; calls and tool results are accepted in the history of the first
// model (it needs a template that renders them).
// Env: LLM_API_BASE_URL (http://127.0.0.1:PORT/v1), LLM_API_MODELS, LLM_API_KEY (optional).
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
import OpenAI from 'openai';
import { check, finish, makeClient } from './harness.mjs';
import Ajv from 'ajv';
import assert from 'node:assert/strict';

const models = (process.env.LLM_API_MODELS ?? 'synth-qwen3-q8_0.gguf').split(',');
const client = makeClient();
const ajv = new Ajv({ strict: false, allErrors: true });

const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The current weather in a city.',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string', maxLength: 12 }, unit: { enum: ['celsius', 'fahrenheit'] } },
        required: ['city', 'unit'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'add',
      description: 'Adds two small numbers.',
      parameters: {
        type: 'object',
        properties: { a: { type: 'integer', minimum: 0, maximum: 99 }, b: { type: 'integer', minimum: 0, maximum: 99 } },
        required: ['a', 'b'],
      },
    },
  },
];
const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
const schemaOf = (name) => tools.find((t) => t.function.name === name)?.function.parameters;

// Every call names a tool and carries arguments that validate against its schema.
function assertValidCalls(message) {
  assert.ok(Array.isArray(message.tool_calls) && message.tool_calls.length >= 1, JSON.stringify(message));
  for (const call of message.tool_calls) {
    assert.match(call.id, /^call_/);
    assert.equal(call.type, 'function');
    const schema = schemaOf(call.function.name);
    assert.ok(schema, `unknown tool ${call.function.name}`);
    const args = JSON.parse(call.function.arguments);
    const validate = ajv.compile(schema);
    assert.ok(validate(args), `${call.function.arguments}\n${JSON.stringify(validate.errors)}`);
  }
}

// The calls of a stream, reassembled from their delta.tool_calls fragments by index.
async function streamedCalls(request) {
  const stream = await client.chat.completions.create({ ...request, stream: true });
  const calls = [];
  let finish = null;
  let content = '';
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.finish_reason) finish = choice.finish_reason;
    if (choice.delta?.content) content += choice.delta.content;
    for (const d of choice.delta?.tool_calls ?? []) {
      calls[d.index] ??= { id: '', type: '', function: { name: '', arguments: '' } };
      const c = calls[d.index];
      if (d.id) c.id = d.id;
      if (d.type) c.type = d.type;
      if (d.function?.name) c.function.name += d.function.name;
      if (d.function?.arguments) c.function.arguments += d.function.arguments;
    }
  }
  return { calls, finish, content };
}

for (const model of models) {
  const base = { model, messages, tools, max_tokens: 300, temperature: 0, seed: 5 };

  await check(`${model} tool_choice required returns a valid call`, async () => {
    const r = await client.chat.completions.create({ ...base, tool_choice: 'required' });
    const choice = r.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls', JSON.stringify(choice));
    assert.equal(choice.message.content, null);
    assertValidCalls(choice.message);
  });

  await check(`${model} a named function is the one called`, async () => {
    const r = await client.chat.completions.create({
      ...base, parallel_tool_calls: false, tool_choice: { type: 'function', function: { name: 'add' } },
    });
    const message = r.choices[0].message;
    assertValidCalls(message);
    assert.equal(message.tool_calls.length, 1);
    assert.equal(message.tool_calls[0].function.name, 'add');
  });

  await check(`${model} streamed tool_calls deltas reassemble to the non-streamed call`, async () => {
    const request = { ...base, tool_choice: 'required' };
    const whole = (await client.chat.completions.create(request)).choices[0];
    const streamed = await streamedCalls(request);
    assert.equal(streamed.finish, whole.finish_reason);
    assert.equal(streamed.content, '');
    assert.equal(streamed.calls.length, whole.message.tool_calls.length);
    streamed.calls.forEach((call, i) => {
      assert.match(call.id, /^call_/);
      assert.equal(call.type, 'function');
      assert.deepEqual(call.function, whole.message.tool_calls[i].function);
    });
  });

}

await check(`${models[0]} calls and tool results are accepted in the history`, async () => {
  const r = await client.chat.completions.create({
    model: models[0], tools, max_tokens: 8, temperature: 0,
    messages: [
      ...messages,
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '18 C, sunny' },
    ],
  });
  assert.ok(['stop', 'length', 'tool_calls'].includes(r.choices[0].finish_reason));
});

await check('a tool_choice naming an unknown function is a 400 naming tool_choice', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: models[0], messages, tools, tool_choice: { type: 'function', function: { name: 'nope' } } }),
    (err) => err instanceof OpenAI.BadRequestError && err.param === 'tool_choice',
  );
});

finish();
