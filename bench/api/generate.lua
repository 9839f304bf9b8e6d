-- wrk script: POST 32-token greedy completions to llm-api's native /api/v1/generate (or, with
-- ENDPOINT=/completion, to llama-server's) and report, beside wrk's own latency figures, the
-- generated tokens per second in all and the time to first token (from each answer's timings).
--   MODEL=stories260K.gguf MAX_TOKENS=32 wrk -t2 -c4 -d20s -s bench/api/generate.lua http://127.0.0.1:5000
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local max_tokens = tonumber(os.getenv("MAX_TOKENS") or "32")
local model = os.getenv("MODEL") or "stories260K.gguf"
local endpoint = os.getenv("ENDPOINT") or "/api/v1/generate"
local prompt = os.getenv("PROMPT") or "Once upon a time"

wrk.method = "POST"
wrk.path = endpoint
wrk.headers["Content-Type"] = "application/json"
if endpoint == "/completion" then  -- llama-server's native endpoint
  wrk.body = string.format('{"prompt":"%s","n_predict":%d,"temperature":0,"cache_prompt":true}', prompt, max_tokens)
else
  wrk.body = string.format('{"model":"%s","prompt":"%s","max_tokens":%d,"temperature":0}', model, prompt, max_tokens)
end
if os.getenv("API_KEY") then wrk.headers["Authorization"] = "Bearer " .. os.getenv("API_KEY") end

function init(args)
  tokens = 0
  failures = 0
  ttft = {}
end

function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
    return
  end
  -- ours: usage.completion_tokens + timings.time_to_first_token_ms; llama-server: tokens_predicted
  local n = body:match('"completion_tokens":(%d+)') or body:match('"tokens_predicted":(%d+)')
  tokens = tokens + (tonumber(n) or 0)
  local t = body:match('"time_to_first_token_ms":([%d%.eE%+%-]+)') or body:match('"prompt_ms":([%d%.eE%+%-]+)')
  if t then table.insert(ttft, tonumber(t)) end
end

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  local i = math.max(1, math.min(#sorted, math.ceil(p / 100 * #sorted)))
  return sorted[i]
end

function done(summary, latency, requests)
  local total_tokens, total_failures, all_ttft = 0, 0, {}
  for _, t in ipairs(threads) do
    total_tokens = total_tokens + t:get("tokens")
    total_failures = total_failures + t:get("failures")
    for _, v in ipairs(t:get("ttft")) do table.insert(all_ttft, v) end
  end
  table.sort(all_ttft)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"requests":%d,"non_2xx":%d,"errors":%d,"req_per_s":%.2f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,' ..
    '"tokens_per_s":%.1f,"ttft_p50_ms":%.3f,"ttft_p99_ms":%.3f}\n',
    summary.requests, total_failures, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, total_tokens / seconds, percentile(all_ttft, 50), percentile(all_ttft, 99)))
end
