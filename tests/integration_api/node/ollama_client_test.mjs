// The official `ollama` npm package against the server's Ollama-compatible API: list, show,
// version, ps, generate and chat streamed and not, options honoured (seed and temperature
// reproducible, num_predict caps eval_count), `format` with a JSON schema validated with ajv,
// a model alias, errors in Ollama's shape.
// Env: OLLAMA_BASE_URL (http://127.0.0.1:PORT), LLM_API_KEY (optional), LLM_API_MODEL (a
// name of the models directory, default "stories260K"), LLM_API_ALIAS (an alias the aliases
// file maps onto that model, optional), LLM_API_TOOLS_MODEL (a model whose chat template shows
// tool calls, default "synth-qwen3-q8_0").
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
import { Ollama } from 'ollama';
import Ajv from 'ajv';
import assert from 'node:assert/strict';
import { check, finish } from './harness.mjs';

const host = process.env.OLLAMA_BASE_URL;
if (!host) {
  console.error('OLLAMA_BASE_URL is not set');
  process.exit(2);
}
const key = process.env.LLM_API_KEY;
const ollama = new Ollama({ host, headers: key ? { Authorization: `Bearer ${key}` } : {} });
const model = process.env.LLM_API_MODEL ?? 'stories260K';
const alias = process.env.LLM_API_ALIAS;
const toolsModel = process.env.LLM_API_TOOLS_MODEL ?? 'synth-qwen3-q8_0';
const ajv = new Ajv({ strict: false, allErrors: true });
const prompt = 'Once upon a time';
const messages = [{ role: 'user', content: 'Tell me a story.' }];

// The text of a stream of generate or chat parts, checking every part on the way: one object
// per line, `done` false until the last, which carries the end fields.
async function collect(stream, chat) {
  let text = '';
  let last;
  let parts = 0;
  for await (const part of stream) {
    assert.equal(last, undefined, 'a part after the done one');
    parts++;
    text += chat ? part.message.content : part.response;
    if (part.done) last = part;
  }
  assert.ok(last, 'no done part');
  assert.ok(parts >= 2, `only ${parts} parts`);
  return { text, last };
}

function assertEndFields(r, numPredict) {
  assert.equal(r.done, true);
  assert.ok(['stop', 'length'].includes(r.done_reason), r.done_reason);
  for (const f of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration']) {
    assert.ok(Number.isInteger(r[f]) && r[f] >= 0, `${f}: ${r[f]}`);
  }
  assert.ok(r.prompt_eval_count > 0, `prompt_eval_count ${r.prompt_eval_count}`);
  assert.ok(r.eval_count > 0 && r.eval_count <= numPredict, `eval_count ${r.eval_count}`);
  assert.ok(r.total_duration >= r.eval_duration, 'total_duration < eval_duration');
  assert.ok(!Number.isNaN(Date.parse(r.created_at)), r.created_at);
}

await check('version is a release number', async () => {
  const v = await ollama.version();
  assert.match(v.version, /^\d+\.\d+\.\d+$/);
});

await check('list shows the model with its details', async () => {
  const { models } = await ollama.list();
  const m = models.find((x) => x.name === `${model}:latest`);
  assert.ok(m, JSON.stringify(models.map((x) => x.name)));
  assert.equal(m.model, m.name);
  assert.ok(m.size > 0);
  assert.ok(!Number.isNaN(Date.parse(m.modified_at)), m.modified_at);
  assert.equal(typeof m.digest, 'string');
  assert.equal(m.details.format, 'gguf');
  assert.equal(m.details.family, 'llama');
  assert.deepEqual(m.details.families, ['llama']);
  assert.match(m.details.parameter_size, /^\d+(\.\d+)?[KMB]?$/);
  assert.equal(m.details.quantization_level, 'F32');
  if (alias) assert.ok(models.some((x) => x.name === alias), `alias ${alias} not listed`);
});

await check('show gives details, GGUF model_info, template and parameters', async () => {
  const s = await ollama.show({ model });
  assert.equal(s.details.family, 'llama');
  assert.equal(s.model_info['general.architecture'], 'llama');
  assert.ok(s.model_info['llama.context_length'] > 0);
  assert.ok(s.model_info['general.parameter_count'] > 0);
  assert.equal(s.model_info['tokenizer.ggml.tokens'], null);  // arrays only with verbose
  assert.equal(typeof s.template, 'string');
  assert.match(s.parameters, /^temperature 0\.8$/m);
  assert.match(s.parameters, /^num_ctx \d+$/m);
  const verbose = await ollama.show({ model, verbose: true });
  assert.ok(Array.isArray(verbose.model_info['tokenizer.ggml.tokens']));
  await assert.rejects(ollama.show({ model, system: 'x' }), (err) => err.status_code === 400 && /system/.test(err.error));
});

const fixed = { seed: 42, temperature: 0.9, num_predict: 24 };

await check('generate (not streamed) answers one object with every end field', async () => {
  const r = await ollama.generate({ model, prompt, options: fixed });
  assert.equal(r.model, model);
  assert.ok(r.response.length > 0);
  assertEndFields(r, fixed.num_predict);
});

await check('generate streamed reassembles to the unstreamed answer of the same seed', async () => {
  const whole = await ollama.generate({ model, prompt, options: fixed });
  const { text, last } = await collect(await ollama.generate({ model, prompt, options: fixed, stream: true }), false);
  assert.equal(text, whole.response);
  assertEndFields(last, fixed.num_predict);
  assert.equal(last.eval_count, whole.eval_count);
  assert.equal(last.response, '');
});

await check('seed and temperature are honoured', async () => {
  const run = async (options) => (await ollama.generate({ model, prompt, options: { num_predict: 24, ...options } })).response;
  assert.equal(await run({ seed: 7, temperature: 1 }), await run({ seed: 7, temperature: 1 }));
  const hot = new Set();
  for (const seed of [1, 2, 3, 4]) hot.add(await run({ seed, temperature: 1.5 }));
  assert.ok(hot.size > 1, 'four seeds at temperature 1.5 gave one text');
  // Temperature 0 is greedy: the seed no longer matters.
  assert.equal(await run({ seed: 1, temperature: 0 }), await run({ seed: 2, temperature: 0 }));
});

await check('num_predict caps eval_count', async () => {
  for (const n of [1, 5]) {
    const r = await ollama.generate({ model, prompt, options: { num_predict: n, temperature: 0 } });
    assert.ok(r.eval_count <= n, `eval_count ${r.eval_count} > ${n}`);
    if (r.eval_count === n) assert.equal(r.done_reason, 'length');
  }
});

await check('raw generate takes the prompt as it is', async () => {
  const r = await ollama.generate({ model, prompt, raw: true, options: { num_predict: 4, temperature: 0 } });
  const templated = await ollama.generate({ model, prompt, options: { num_predict: 4, temperature: 0 } });
  assert.ok(r.prompt_eval_count < templated.prompt_eval_count || r.response !== templated.response);
});

await check('chat (not streamed) answers an assistant message', async () => {
  const r = await ollama.chat({ model, messages, options: fixed });
  assert.equal(r.message.role, 'assistant');
  assert.ok(r.message.content.length > 0);
  assertEndFields(r, fixed.num_predict);
});

await check('chat streamed reassembles to the unstreamed answer of the same seed', async () => {
  const whole = await ollama.chat({ model, messages, options: fixed });
  const { text, last } = await collect(await ollama.chat({ model, messages, options: fixed, stream: true }), true);
  assert.equal(text, whole.message.content);
  assert.equal(last.message.role, 'assistant');
  assertEndFields(last, fixed.num_predict);
});

await check('a conversation with tool calls and results renders through the template', async () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', description: 'The weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
  const r = await ollama.chat({
    model: toolsModel, tools, options: { num_predict: 8, temperature: 0 },
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
      { role: 'tool', content: 'sunny', tool_name: 'get_weather' },
    ],
  });
  assert.equal(r.done, true);
  assert.equal(r.message.role, 'assistant');
  // The tools and the call are in the prompt: far more tokens than the question alone.
  const bare = await ollama.chat({ model: toolsModel, messages: [{ role: 'user', content: 'Weather in Paris?' }],
    options: { num_predict: 1 } });
  assert.ok(r.prompt_eval_count > bare.prompt_eval_count + 20, `${r.prompt_eval_count} vs ${bare.prompt_eval_count}`);
});

const schema = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 10 }, age: { type: 'integer', minimum: 0, maximum: 120 } },
  required: ['name', 'age'],
  additionalProperties: false,
};

await check('generate with a JSON schema format gives output that validates', async () => {
  const r = await ollama.generate({ model, prompt: 'A person as JSON:', format: schema, options: { temperature: 0, num_predict: 200 } });
  assert.equal(r.done_reason, 'stop', r.response);
  const value = JSON.parse(r.response);
  const validate = ajv.compile(schema);
  assert.ok(validate(value), `${r.response}\n${JSON.stringify(validate.errors)}`);
  assert.deepEqual(Object.keys(value), ['name', 'age']);  // the schema's order
});

await check('chat streamed with a JSON schema format gives output that validates', async () => {
  const stream = await ollama.chat({ model, messages, format: schema, stream: true, options: { seed: 3, temperature: 1, num_predict: 200 } });
  const { text, last } = await collect(stream, true);
  assert.equal(last.done_reason, 'stop', text);
  const validate = ajv.compile(schema);
  assert.ok(validate(JSON.parse(text)), `${text}\n${JSON.stringify(validate.errors)}`);
});

await check('format "json" gives a JSON object', async () => {
  const r = await ollama.chat({ model, messages, format: 'json', options: { temperature: 0, num_predict: 300 } });
  if (r.done_reason === 'stop') {
    const value = JSON.parse(r.message.content);
    assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), r.message.content);
  } else {
    assert.equal(r.message.content[0], '{');
  }
});

await check('ps lists the loaded model', async () => {
  const { models } = await ollama.ps();
  const m = models.find((x) => x.name === `${model}:latest`);
  assert.ok(m, JSON.stringify(models));
  assert.ok(m.size > 0);
  assert.ok(!Number.isNaN(Date.parse(m.expires_at)), m.expires_at);
  assert.equal(m.details.family, 'llama');
});

await check('an empty prompt loads the model (done_reason "load")', async () => {
  const r = await ollama.generate({ model, prompt: '', keep_alive: '10m' });
  assert.equal(r.done, true);
  assert.equal(r.done_reason, 'load');
});

if (alias) {
  await check('a model alias from the aliases file generates, echoing the alias', async () => {
    const r = await ollama.generate({ model: alias, prompt, options: { num_predict: 3 } });
    assert.equal(r.model, alias);
    assert.ok(r.eval_count > 0);
  });
}

await check('an unknown model is a 404 with Ollama\'s error', async () => {
  await assert.rejects(ollama.generate({ model: 'no-such-model:7b', prompt }),
    (err) => err.name === 'ResponseError' && err.status_code === 404 && /not found/.test(err.error));
  await assert.rejects(ollama.chat({ model: 'no-such-model', messages, stream: true }),
    (err) => err.name === 'ResponseError' && err.status_code === 404);
  await assert.rejects(ollama.show({ model: 'no-such-model' }), (err) => err.status_code === 404);
});

await check('an unsupported option is a 400 naming it', async () => {
  await assert.rejects(ollama.generate({ model, prompt, options: { mirostat: 2 } }),
    (err) => err.status_code === 400 && /mirostat/.test(err.error));
});

await check('think on a model without thinking is a 400', async () => {
  await assert.rejects(ollama.chat({ model, messages, think: true }),
    (err) => err.status_code === 400 && /thinking/.test(err.error));
});

await check('pull, create, copy and delete answer 501 with Ollama\'s error', async () => {
  for (const call of [() => ollama.pull({ model: 'llama3' }), () => ollama.create({ model: 'x', from: model }),
    () => ollama.copy({ source: model, destination: 'x' }), () => ollama.delete({ model })]) {
    await assert.rejects(call(), (err) => err.status_code === 501 && /not supported/.test(err.error));
  }
});

finish();
