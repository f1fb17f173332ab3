-- wrk script for bench/throughput.py.
--   wrk ... -s bench/wrk/paths.lua http://host:port -- /path1 /path2 ...
-- Each request takes the next of the paths given after `--` (the URL's path when none
-- is given), with the headers of the command line (-H). When the run is over it prints
-- one line, "wrk-json {...}": counts and latency percentiles in microseconds.

local paths = {}
local next_path = 0

function init(args)
  for i, path in ipairs(args) do
    paths[i] = path
  end
  if #paths == 0 then
    paths[1] = wrk.path
  end
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format(nil, paths[next_path])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'wrk-json {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p95": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
end
