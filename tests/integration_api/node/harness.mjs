// What every official-client script shares: the client for the server under test, named
// checks, and the summary line the C++ test looks for.
// Env: LLM_API_BASE_URL (http://127.0.0.1:PORT/v1), LLM_API_KEY (optional).
import OpenAI from 'openai';

// An `openai` client for LLM_API_BASE_URL (exits 2 when it is not set), without retries.
export function makeClient(timeout = 120_000) {
  const baseURL = process.env.LLM_API_BASE_URL;
  if (!baseURL) {
    console.error('LLM_API_BASE_URL is not set');
    process.exit(2);
  }
  return new OpenAI({ baseURL, apiKey: process.env.LLM_API_KEY || 'unused', maxRetries: 0, timeout });
}

let passed = 0;
let failed = 0;

// Runs one named check; prints "ok" or "FAIL" with the error, and counts it.
export async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err?.stack ?? err}`);
  }
}

// Prints "N passed, N failed" and exits 1 on any failure.
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
