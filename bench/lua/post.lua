-- The public form POST (answers 302) or the Open311 POST requests (answers 200):
-- valid submissions, one body per line of the file, sent in turn, each one a new
-- aspiration (the form's bodies each once: their own "shown at" token and
-- idempotency key). Sends only for the first WINDOW seconds, then keeps the
-- connections idle (delay) until wrk's -d ends, so every request sent gets its
-- answer and the count of 302s (or 200s) can be compared exactly with the rows created.
-- Usage: wrk ... -d (WINDOW+grace)s -s post.lua URL -- bodies.txt cookie WINDOW

local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")

-- Seconds on CLOCK_MONOTONIC (os.time() only has whole seconds).
local function now()
  ffi.C.clock_gettime(1, timespec)
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

local requests = {}
local index = 0
local deadline
local threads = {}
-- Globals (not locals): done() reads them from each thread with thread:get().
ok = 0
other = 0
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local headers = {}
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Cookie"] = args[2]
  local file = assert(io.open(args[1], "r"))
  for body in file:lines() do
    requests[#requests + 1] = wrk.format("POST", nil, headers, body)
  end
  file:close()
  deadline = now() + tonumber(args[3])
end

function delay()
  if now() >= deadline then
    return 3600000
  end
  return 0
end

-- Past the last body it starts again. A form body sent twice is answered (302) without
-- a new row, and the run reports the mismatch: POST_BODIES_PER_SECOND keeps that away.
function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  if status == 302 or status == 200 then
    ok = ok + 1
  else
    other = other + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests_stats)
  local total_ok, total_other = 0, 0
  local codes = {}
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
    local s = thread:get("statuses")
    for code, count in pairs(s) do
      codes[#codes + 1] = string.format('"%d": %d', code, count)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"ok_302": %d, "other": %d, "other_statuses": {%s}, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    total_ok, total_other, table.concat(codes, ", "),
    e.connect, e.read, e.write, e.status, e.timeout))
end
