// Structured output through the official `openai` npm package: response_format json_schema on
// 20 schemas, on every model in LLM_API_MODELS (comma-separated; random-weight models too),
// each output parsed and validated with ajv (+ ajv-formats), and json_object mode.
// Env: LLM_API_BASE_URL (http://127.0.0.1:PORT/v1), LLM_API_MODELS, LLM_API_KEY (optional).
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
import OpenAI from 'openai';
import { check, finish, makeClient } from './harness.mjs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import assert from 'node:assert/strict';

const models = (process.env.LLM_API_MODELS ?? 'stories260K.gguf').split(',');
const client = makeClient();
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

const str = (maxLength = 12) => ({ type: 'string', maxLength });
const schemas = {
  person: { type: 'object', properties: { name: str(), age: { type: 'integer', minimum: 0, maximum: 120 } }, required: ['name', 'age'], additionalProperties: false },
  color_enum: { type: 'object', properties: { color: { enum: ['red', 'green', 'blue'] } }, required: ['color'] },
  int_list: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 5 },
  address: { type: 'object', properties: { street: str(), city: str(), zip: { type: 'string', minLength: 5, maxLength: 5 } }, required: ['street', 'city', 'zip'] },
  all_optional: { type: 'object', properties: { a: { type: 'boolean' }, b: { type: 'integer' }, c: str(4) } },
  nullable: { type: 'object', properties: { flag: { type: ['boolean', 'null'] } }, required: ['flag'] },
  any_of: { type: 'object', properties: { id: { anyOf: [str(6), { type: 'integer' }] } }, required: ['id'] },
  one_of_kinds: {
    oneOf: [
      { type: 'object', properties: { kind: { const: 'circle' }, radius: { type: 'integer', minimum: 1, maximum: 9 } }, required: ['kind', 'radius'] },
      { type: 'object', properties: { kind: { const: 'square' }, side: { type: 'integer', minimum: 1, maximum: 9 } }, required: ['kind', 'side'] },
    ],
  },
  constant: { type: 'object', properties: { version: { const: 2 }, ok: { const: true } }, required: ['version', 'ok'] },
  date: { type: 'object', properties: { day: { type: 'string', format: 'date' } }, required: ['day'] },
  date_time: { type: 'object', properties: { at: { type: 'string', format: 'date-time' } }, required: ['at'] },
  uuid: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] },
  time: { type: 'object', properties: { t: { type: 'string', format: 'time' } }, required: ['t'] },
  defs_ref: {
    $defs: { item: { type: 'object', properties: { sku: str(8), qty: { type: 'integer', minimum: 1, maximum: 99 } }, required: ['sku', 'qty'] } },
    type: 'object', properties: { items: { type: 'array', items: { $ref: '#/$defs/item' }, maxItems: 3 } }, required: ['items'],
  },
  linked_list: {
    $defs: { node: { type: 'object', properties: { v: { type: 'integer', minimum: 0, maximum: 9 }, next: { anyOf: [{ $ref: '#/$defs/node' }, { type: 'null' }] } }, required: ['v', 'next'] } },
    $ref: '#/$defs/node',
  },
  string_bounds: { type: 'string', minLength: 3, maxLength: 8 },
  int_range: { type: 'integer', minimum: 1, maximum: 10 },
  non_negative: { type: 'object', properties: { price: { type: 'number', minimum: 0 } }, required: ['price'] },
  bool_map: { type: 'object', propertyNames: { maxLength: 6 }, additionalProperties: { type: 'boolean' }, maxProperties: 4 },
  orders: {
    type: 'array', maxItems: 3,
    items: { type: 'object', properties: { id: { type: 'integer' }, paid: { type: 'boolean' }, note: { type: ['string', 'null'], maxLength: 10 } }, required: ['id', 'paid'] },
  },
};
assert.equal(Object.keys(schemas).length, 20);

const messages = [{ role: 'user', content: 'Answer in JSON.' }];

for (const [i, model] of models.entries()) {
  for (const [name, schema] of Object.entries(schemas)) {
    // Greedy on the first model, random sampling on the others.
    const temperature = i === 0 ? 0 : 1;
    await check(`${model} json_schema ${name} (temperature ${temperature})`, async () => {
      const r = await client.chat.completions.create({
        model, messages, max_tokens: 1500, temperature, seed: 7,
        response_format: { type: 'json_schema', json_schema: { name, schema, strict: true } },
      });
      const content = r.choices[0].message.content;
      assert.equal(r.choices[0].finish_reason, 'stop', content);
      const value = JSON.parse(content);
      const validate = ajv.compile(schema);
      assert.ok(validate(value), `${content}\n${JSON.stringify(validate.errors)}`);
    });
  }
  await check(`${model} json_object mode gives a JSON object`, async () => {
    const r = await client.chat.completions.create({
      model, messages, max_tokens: 1500, temperature: 0, response_format: { type: 'json_object' },
    });
    const content = r.choices[0].message.content;
    if (r.choices[0].finish_reason === 'stop') {
      const value = JSON.parse(content);
      assert.equal(typeof value, 'object');
      assert.ok(value !== null && !Array.isArray(value), content);
    } else {
      assert.equal(content[0], '{', content);  // cut by max_tokens: still an object's beginning
    }
  });
}

await check('properties come in the order the schema declares them', async () => {
  const schema = {
    type: 'object',
    properties: { zeta: { type: 'string', maxLength: 8 }, mid: { type: 'boolean' }, alpha: { enum: [1, 2, 3] } },
    required: ['zeta', 'mid', 'alpha'],
    additionalProperties: false,
  };
  const r = await client.chat.completions.create({
    model: models[0], messages, max_tokens: 200, temperature: 0,
    response_format: { type: 'json_schema', json_schema: { name: 'ordered', schema, strict: true } },
  });
  assert.deepEqual(Object.keys(JSON.parse(r.choices[0].message.content)), ['zeta', 'mid', 'alpha']);
});

await check('unsupported schema keyword is a 400 naming response_format', async () => {
  await assert.rejects(
    client.chat.completions.create({
      model: models[0], messages,
      response_format: { type: 'json_schema', json_schema: { name: 'p', schema: { type: 'string', pattern: '^a' } } },
    }),
    (err) => err instanceof OpenAI.BadRequestError && err.param === 'response_format' && /'pattern'/.test(err.message),
  );
});

finish();
