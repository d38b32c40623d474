-- Cek Status: one look-up per request, cycling through a file of ticket codes.
-- Today a look-up is "GET <path>?kode=<code>"; when the look-up changes, this file
-- and bench/status.py are the only places that know (see there).
-- Usage: wrk ... -s status.lua http://127.0.0.1:PORT -- codes.txt /aspirasi/status/
-- Cycling and the "BENCH_JSON {...}" line bench/load.py reads: cycle.lua.

dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*/)") .. "cycle.lua")

local function urlencode(text)
  return (text:gsub("[^%w%-%._~]", function(char)
    return string.format("%%%02X", string.byte(char))
  end))
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  for code in file:lines() do
    if code ~= "" then
      requests[#requests + 1] = wrk.format("GET", args[2] .. "?kode=" .. urlencode(code))
    end
  end
  file:close()
end
