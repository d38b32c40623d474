-- Cek Status: the page a look-up leads to, cycling through a file of Cookie headers,
-- one per ticket code (the look-up's POST only sets that cookie and redirects to the
-- bare page; bench/status.py signs the cookies and says why this is what is measured).
-- Usage: wrk ... -s status.lua http://127.0.0.1:PORT -- cookies.txt /aspirasi/status/
-- Cycling and the "BENCH_JSON {...}" line bench/load.py reads: cycle.lua.

dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*/)") .. "cycle.lua")

function init(args)
  local file = assert(io.open(args[1], "r"))
  for cookie in file:lines() do
    if cookie ~= "" then
      requests[#requests + 1] = wrk.format("GET", args[2], {Cookie = cookie})
    end
  end
  file:close()
end
