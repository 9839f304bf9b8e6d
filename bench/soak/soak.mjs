// The soak driver: mixed traffic against one running `llm-api serve` for a fixed time, then a
// check of its logs. Node's standard library only.
//
//   node bench/soak/soak.mjs --port P --key K --pid PID --seconds S   (traffic)
//   node bench/soak/soak.mjs --check DIR                               (logs, server stopped)
//
// Traffic, from concurrent loops: generations (native and OpenAI, plain and streamed), streams
// the client abandons mid-way, invalid JSON, bodies nested past the limit, malformed HTTP
// framing on raw sockets, wrong API keys (401), 404s, health and metrics. Every few seconds it
// samples the server's resident memory. It prints one JSON summary: requests sent per kind,
// answers per status, RSS samples. The check (after the server stopped and flushed) pairs every
// `request` record with exactly one `response` record in the kept files and counts lines that
// do not parse.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const port = Number(args.port);
const key = args.key;
const seconds = Number(args.seconds ?? 600);
const deadline = Date.now() + seconds * 1000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

const sent = {};
const statuses = {};
const count = (table, name) => { table[name] = (table[name] ?? 0) + 1; };

function request(kind, { method = 'GET', path: p, body, auth = key, abortAfterMs }) {
  count(sent, kind);
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/json' };
    if (auth) headers.authorization = `Bearer ${auth}`;
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent }, (res) => {
      count(statuses, String(res.statusCode));
      if (abortAfterMs !== undefined) {
        setTimeout(() => { req.destroy(); resolve(); }, abortAfterMs);
      }
      res.on('data', () => {});
      res.on('end', resolve);
      res.on('error', resolve);
    });
    req.setTimeout(60000, () => req.destroy());
    req.on('error', () => { count(statuses, 'client_error'); resolve(); });
    if (body !== undefined) req.write(typeof body === 'string' ? body : JSON.stringify(body));
    req.end();
  });
}

// Writes raw bytes on a fresh connection and reads until the server closes it.
function raw(kind, bytes) {
  count(sent, kind);
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (d) => { answer += d.toString('latin1'); });
    socket.on('close', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      count(statuses, m ? m[1] : 'closed');
      resolve();
    });
    socket.on('error', () => resolve());
    socket.setTimeout(30000, () => socket.destroy());
  });
}

const prompts = ['Once upon a time', 'The little dog', 'Tom and Lily went', 'One day, a bird'];
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const deep = (n) => '['.repeat(n) + ']'.repeat(n);
const auth = `Authorization: Bearer ${key}\r\n`;

const loops = {
  native: () => request('native_generate', { method: 'POST', path: '/api/v1/generate', body: { prompt: pick(prompts), max_tokens: 24, temperature: 0.8 } }),
  openai_chat: () => request('openai_chat', { method: 'POST', path: '/v1/chat/completions', body: { model: 'stories260K.gguf', messages: [{ role: 'user', content: pick(prompts) }], max_tokens: 24 } }),
  openai_stream: () => request('openai_stream', { method: 'POST', path: '/v1/completions', body: { prompt: pick(prompts), max_tokens: 32, stream: true } }),
  cancel: () => request('stream_cancelled', { method: 'POST', path: '/api/v1/generate', body: { prompt: pick(prompts), max_tokens: 400, stream: true }, abortAfterMs: 5 + Math.random() * 30 }),
  bad: async () => {
    await request('invalid_json', { method: 'POST', path: '/api/v1/chat', body: '{"messages": [' });
    await request('too_deep', { method: 'POST', path: '/v1/chat/completions', body: `{"messages":${deep(5000)}}` });
    await request('bad_fields', { method: 'POST', path: '/v1/completions', body: { prompt: 7, max_tokens: -3 } });
  },
  framing: async () => {
    await raw('bad_length', `POST /api/v1/generate HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: -4\r\n\r\n{}`);
    await raw('length_and_chunked', `POST /api/v1/generate HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`);
    await raw('bad_chunk', `POST /api/v1/generate HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\n\r\nzz\r\n`);
  },
  unauthorized: async () => {
    await request('wrong_key', { path: '/v1/models', auth: 'not-the-key' });
    await request('no_key', { method: 'POST', path: '/api/v1/generate', body: { prompt: 'a' }, auth: '' });
  },
  ops: async () => {
    await request('health', { path: '/api/v1/health' });
    await request('metrics', { path: '/metrics' });
    await request('not_found', { path: `/wp-admin/${Math.random()}` });
  },
};

function residentKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : null;
}

// Pairs request and response records by request_id over every kept api.log file.
function checkLogs(dir) {
  const files = fs.readdirSync(dir).filter((f) => /^api\.log(\.\d+)?$/.test(f));
  const seen = new Map();
  let records = 0, badLines = 0;
  for (const f of files) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line) continue;
      let r;
      try { r = JSON.parse(line); } catch { badLines += 1; continue; }
      records += 1;
      if (r.type !== 'request' && r.type !== 'response') continue;
      const pair = seen.get(r.request_id) ?? { request: 0, response: 0 };
      pair[r.type] += 1;
      seen.set(r.request_id, pair);
    }
  }
  let paired = 0;
  const unpaired = [];
  for (const [id, p] of seen) {
    if (p.request === 1 && p.response === 1) paired += 1;
    else if (unpaired.length < 20) unpaired.push({ id, ...p });
  }
  return { files: files.length, records, bad_lines: badLines, exchanges: seen.size, paired, unpaired };
}

if (args.check) {
  console.log(JSON.stringify(checkLogs(args.check), null, 1));
  process.exit(0);
}
const rss = [];
const sampler = setInterval(() => rss.push({ t: Math.round((Date.now() - (deadline - seconds * 1000)) / 1000), kib: residentKiB(args.pid) }), 10000);
await Promise.all(Object.entries(loops).flatMap(([name, step]) =>
  Array.from({ length: name === 'native' || name === 'cancel' ? 2 : 1 }, async () => {
    while (Date.now() < deadline) await step();
  })));
clearInterval(sampler);
rss.push({ t: seconds, kib: residentKiB(args.pid) });
agent.destroy();
console.log(JSON.stringify({ seconds, sent, statuses, rss }, null, 1));
