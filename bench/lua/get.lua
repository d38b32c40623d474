-- GET requests cycling through the lines of a file: "path" or "path<TAB>cookie".
-- Usage: wrk ... -s get.lua http://127.0.0.1:PORT -- requests.tsv
-- Cycling and the "BENCH_JSON {...}" line bench/load.py reads: cycle.lua.

dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*/)") .. "cycle.lua")

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
end
