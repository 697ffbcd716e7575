-- wrk script for run-load.sh: posts a mix of fixture hook requests, round-robin, and prints one
-- machine-readable RESULT line. LOAD_MIX names a file of "<path>\t<body file>" lines (one line per
-- request in the mix; repeat a line to weight it). LOAD_DELAY_MS > 0 paces every connection
-- (wrk 4 has no -R: the soak's rate limit is a delay between a response and the next request).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  local mix = assert(os.getenv("LOAD_MIX"), "LOAD_MIX is not set")
  for line in io.lines(mix) do
    local path, file = line:match("^(%S+)\t(.+)$")
    if path then
      local f = assert(io.open(file, "rb"))
      local body = f:read("*a")
      f:close()
      table.insert(requests, wrk.format("POST", path,
        { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }, body))
    end
  end
  assert(#requests > 0, "the mix is empty")
  index = id % #requests -- threads start at different places in the mix
  non2xx = 0
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

local pace = tonumber(os.getenv("LOAD_DELAY_MS") or "0") or 0
if pace > 0 then
  function delay()
    return pace
  end
end

function done(summary, latency, requests)
  local non2xx = 0
  for _, t in ipairs(threads) do
    non2xx = non2xx + (t:get("non2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    non2xx, e.connect, e.read, e.write, e.timeout))
end
