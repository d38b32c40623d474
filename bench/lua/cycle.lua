-- Shared by get.lua and status.lua: their init() fills `requests` (prepared with
-- wrk.format); these send them in a cycle, from a random start in each thread, and
-- print the one line bench/load.py reads: "BENCH_JSON {...}".

requests = {}
local index = nil

function request()
  index = (index or math.random(#requests) - 1) % #requests + 1
  return requests[index]
end

function done(summary, latency, requests_stats)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
