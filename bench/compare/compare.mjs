// The tables of bench/compare/run_compare.sh, from the raw outputs it keeps in its results
// directory (ratio = ours / llama.cpp; a missing or failed measurement prints "failed"):
//   node compare.mjs engine DIR KEY=LABEL...  DIR/KEY.llama.json (llama-bench -o json) and
//                                             DIR/KEY.ours.json (engine-bench --json)
//   node compare.mjs http DIR                 DIR/http-{1b,stories,health}.{llama,ours}.txt (wrk)
import { readFileSync } from 'node:fs';

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function fmt(x) {
  if (x === undefined || x === null || !Number.isFinite(x)) return 'failed';
  if (x >= 1000) return Math.round(x).toLocaleString('en-US');
  if (x >= 100) return x.toFixed(1);
  return x.toFixed(x >= 10 ? 1 : 2);
}

function ratio(ours, ref) {
  if (!Number.isFinite(ours) || !Number.isFinite(ref) || ref <= 0) return '–';
  return (ours / ref).toFixed(2);
}

// tokens/s of the pp (n_prompt > 0, n_gen == 0) and tg (n_gen > 0, n_prompt == 0) tests of one
// JSON array; engine-bench's batched rows (n_seq > 1) are left out.
function rates(text) {
  const out = { pp: NaN, tg: NaN, ppSd: NaN, tgSd: NaN };
  if (!text) return out;
  let rows;
  try {
    rows = JSON.parse(text);
  } catch {
    return out;
  }
  for (const r of rows) {
    if ((r.n_seq ?? 1) !== 1 || r.avg_ts === undefined) continue;
    if (r.n_prompt > 0 && r.n_gen === 0) [out.pp, out.ppSd] = [r.avg_ts, r.stddev_ts];
    if (r.n_gen > 0 && r.n_prompt === 0) [out.tg, out.tgSd] = [r.avg_ts, r.stddev_ts];
  }
  return out;
}

function engine(dir, pairs) {
  console.log('| model | prompt llama.cpp | prompt ours | ratio | generation llama.cpp | generation ours | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const sds = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq), label = pair.slice(eq + 1);
    const ref = rates(read(`${dir}/${key}.llama.json`));
    const ours = rates(read(`${dir}/${key}.ours.json`));
    console.log(`| ${label} | ${fmt(ref.pp)} | ${fmt(ours.pp)} | ${ratio(ours.pp, ref.pp)} | ` +
                `${fmt(ref.tg)} | ${fmt(ours.tg)} | ${ratio(ours.tg, ref.tg)} |`);
    const sd = (m, s) => (Number.isFinite(m) && m > 0 ? `${((100 * s) / m).toFixed(1)}%` : '–');
    sds.push(`${label} ${sd(ref.pp, ref.ppSd)}/${sd(ours.pp, ours.ppSd)}/${sd(ref.tg, ref.tgSd)}/${sd(ours.tg, ours.tgSd)}`);
  }
  console.log();
  console.log(`Standard deviation of the repetitions (prompt llama.cpp/ours, generation llama.cpp/ours): ${sds.join('; ')}.`);
}

// wrk's output: Requests/sec, the RESULT line of generate.lua, and non-2xx / socket errors.
function wrk(text) {
  const out = { rps: NaN, tps: NaN, bad: 0, p50: NaN };
  if (!text) return out;
  const result = text.match(/^RESULT (\{.*\})$/m);
  if (result) {
    const r = JSON.parse(result[1]);
    Object.assign(out, { rps: r.req_per_s, tps: r.tokens_per_s, bad: r.non_2xx + r.errors, p50: r.p50_ms });
    if (r.requests === 0) out.rps = out.tps = NaN;
  } else {
    const rps = text.match(/Requests\/sec:\s+([\d.]+)/);
    if (rps) out.rps = Number(rps[1]);
    const non2xx = text.match(/Non-2xx or 3xx responses:\s+(\d+)/);
    if (non2xx) out.bad += Number(non2xx[1]);
    const errors = text.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
    if (errors) out.bad += errors.slice(1).reduce((a, b) => a + Number(b), 0);
  }
  return out;
}

function http(dir) {
  const cell = (w, v, unit) => `${fmt(v)} ${unit}${w.bad ? ` (${w.bad} failed)` : ''}`;
  console.log('| run | ours | llama-server | ratio |');
  console.log('|---|---:|---:|---:|');
  const runs = [
    ['1b', '1.1B Q4_0, 32-token greedy completions, 2 connections', true],
    ['stories', 'stories260K, 32-token greedy completions, 4 connections', true],
    ['health', 'GET health, 8 connections (ours `/api/v1/health`, llama-server `/health`)', false],
  ];
  for (const [key, name, tokens] of runs) {
    const ours = wrk(read(`${dir}/http-${key}.ours.txt`));
    const ref = wrk(read(`${dir}/http-${key}.llama.txt`));
    console.log(`| ${name}: req/s | ${cell(ours, ours.rps, 'req/s')} | ${cell(ref, ref.rps, 'req/s')} | ${ratio(ours.rps, ref.rps)} |`);
    if (tokens) {
      console.log(`| ${name}: generated tokens/s | ${fmt(ours.tps)} tokens/s | ${fmt(ref.tps)} tokens/s | ${ratio(ours.tps, ref.tps)} |`);
      console.log(`| ${name}: latency p50 | ${fmt(ours.p50)} ms | ${fmt(ref.p50)} ms | |`);
    }
  }
}

const [mode, dir, ...rest] = process.argv.slice(2);
if (mode === 'engine') engine(dir, rest);
else if (mode === 'http') http(dir);
else {
  console.error('usage: node compare.mjs engine DIR KEY=LABEL... | http DIR');
  process.exit(2);
}
