-- wrk script for the execution service: POSTs one execution (body and key
-- from the environment) and counts answers that are not 200 with
-- "status":"ok", so a run that measured errors says so.
wrk.method = "POST"
wrk.body = os.getenv("WARDEN_BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("WARDEN_BENCH_KEY")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  failed = 0
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"status":"ok"', 1, true) then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local total_failed = 0
  for _, thread in ipairs(threads) do
    total_failed = total_failed + thread:get("failed")
  end
  io.write(string.format("warden_failed %d\n", total_failed))
  io.write(string.format("warden_p50_ms %.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("warden_p99_ms %.3f\n", latency:percentile(99) / 1000))
  io.write(string.format("warden_requests %d\n", summary.requests))
  io.write(string.format("warden_seconds %.3f\n", summary.duration / 1e6))
end
