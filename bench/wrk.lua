-- wrk script for bench/run.py.
--
--   wrk ... -s bench/wrk.lua URL -- post   ticket:add: POST the ticket JSON to URL
--   wrk ... -s bench/wrk.lua URL -- get    task:show: GET URL (a task's Location)
--
-- done() prints one JSON line (latencies in microseconds) for run.py to parse,
-- so the numbers need no scraping of wrk's human-readable report.

TICKET = '{"department":"support","subject":"x"}'

local req

function init(args)
  if args[1] == "post" then
    -- wrk.format's headers argument replaces wrk.headers (which hold -H's
    -- Authorization), so the content type goes into wrk.headers instead.
    wrk.headers["Content-Type"] = "application/json"
    req = wrk.format("POST", nil, nil, TICKET)
  else
    req = wrk.format("GET")
  end
end

function request()
  return req
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"socket_errors":%d,"bad_status":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status))
end
