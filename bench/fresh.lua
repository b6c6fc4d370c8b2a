-- wrk script for bench/load.py's `fresh` group: every request an address never
-- requested before (bench/addresses.py, fresh_parts).
--   wrk -s bench/fresh.lua URL -- STEMS_FILE SUFFIXES_FILE START THREADS
-- Address i is stem (i mod S) followed by suffix ((i div S) mod P). Thread t
-- (of THREADS) takes i = START + t, START + t + THREADS, ...: no two requests of
-- the run share an address until S x P have been made. done() prints one line
-- of JSON for load.py, as bench/load.lua does.

local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local stems, suffixes = {}, {}
local index, step, space = 0, 1, 1

local function read(name, into)
  for line in io.lines(name) do
    if line ~= "" then
      into[#into + 1] = line
    end
  end
end

function init(args)
  read(args[1], stems)
  read(args[2], suffixes)
  space = #stems * #suffixes
  step = tonumber(args[4])
  index = tonumber(args[3]) + id
end

function request()
  local i = index % space
  index = index + step
  local stem = stems[i % #stems + 1]
  local suffix = suffixes[math.floor(i / #stems) % #suffixes + 1]
  return wrk.format("GET", stem .. suffix)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "status_errors": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    errors.status, errors.connect, errors.read, errors.write, errors.timeout
  ))
end
