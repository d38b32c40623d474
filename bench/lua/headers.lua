-- GET requests cycling through the lines of a file: "path<TAB>Name: value<TAB>Name: value...".
-- Usage: wrk ... -s headers.lua https://127.0.0.1:PORT -- requests.tsv
-- bench/topology.py: the same request straight to gunicorn (with the headers nginx adds)
-- and through nginx. Cycling and the "BENCH_JSON {...}" line: cycle.lua.

dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*/)") .. "cycle.lua")

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local fields = {}
    for field in line:gmatch("[^\t]+") do
      fields[#fields + 1] = field
    end
    if #fields > 0 then
      local headers = {}
      for i = 2, #fields do
        local name, value = fields[i]:match("^([^:]+):%s*(.*)$")
        if name then
          headers[name] = value
        end
      end
      requests[#requests + 1] = wrk.format("GET", fields[1], headers)
    end
  end
  file:close()
end
