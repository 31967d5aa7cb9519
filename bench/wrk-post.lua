-- POSTs the 1 KB JSON task in $LEVEE_BENCH_BODY and counts 202s exactly (wrk only reports non-2xx/3xx).
local body_file = os.getenv("LEVEE_BENCH_BODY")
local f = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local authorization = os.getenv("LEVEE_BENCH_AUTHORIZATION")
if authorization and authorization ~= "" then
   wrk.headers["Authorization"] = authorization
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   accepted = 0
   other = 0
end

function response(status, headers, body)
   if status == 202 then
      accepted = accepted + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local n202, nother = 0, 0
   for _, t in ipairs(threads) do
      n202 = n202 + t:get("accepted")
      nother = nother + t:get("other")
   end
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
   io.write(string.format("RESULT requests=%d accepted=%d other=%d socket_errors=%d seconds=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
      summary.requests, n202, nother, errors, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
