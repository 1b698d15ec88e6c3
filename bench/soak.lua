-- wrk script for bench/soak.py: mixed Portal requests over many keys.
--
--   wrk ... -s bench/soak.lua URL -- KEYFILE
--
-- KEYFILE holds one API key per line; each request picks one at random and
-- one of: ticket:add (40%), ticket:list (30%), ssh-key:list (15%),
-- user:self (10%), cloud:list (5%).  done() prints one JSON line.

TICKET = '{"department":"support","subject":"soak"}'
local keys = {}

function init(args)
  for line in io.lines(args[1]) do
    keys[#keys + 1] = line
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local key = keys[math.random(#keys)]
  local headers = { ["Authorization"] = "Bearer " .. key }
  local pick = math.random(100)
  if pick <= 40 then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/v1/ticket", headers, TICKET)
  elseif pick <= 70 then
    return wrk.format("GET", "/v1/ticket?pageSize=25", headers)
  elseif pick <= 85 then
    return wrk.format("GET", "/v1/ssh-key", headers)
  elseif pick <= 95 then
    return wrk.format("GET", "/v1/user/self", headers)
  end
  return wrk.format("GET", "/v1/cloud", headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"socket_errors":%d,"bad_status":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status))
end
