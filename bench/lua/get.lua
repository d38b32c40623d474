-- GET requests cycling through the lines of a file: "path" or "path<TAB>cookie".
-- Usage: wrk ... -s get.lua http://127.0.0.1:PORT -- requests.tsv
-- Prints one line "BENCH_JSON {...}" (report.lua) with the numbers bench/load.py reads.

dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*/)") .. "report.lua")

local requests = {}
local index = 0

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local path, cookie = line:match("^([^\t]+)\t?(.*)$")
    if path then
      local headers = {}
      if cookie ~= nil and cookie ~= "" then
        headers["Cookie"] = cookie
      end
      requests[#requests + 1] = wrk.format("GET", path, headers)
    end
  end
  file:close()
  index = math.random(#requests) - 1
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function done(summary, latency, requests_stats)
  bench_report(summary, latency)
end
