-- The request mix of benchmarks/load_test.py, for wrk: public reads and staff report
-- submissions through the admin's "add progress report" form.
--
-- Each wrk thread has one connection, so that every response answers the request made just
-- before it on that thread: that is how a submission is known to have been accepted (a redirect
-- to the report list) or refused. Thread n signs its submissions as the n-th staff account.
--
-- LOAD_RESULTS=<results file> wrk -t N -c N ... -s benchmarks/load_mix.lua URL -- <plan file> <share>
--
-- The plan file is written by load_test.py, one tab-separated record a line:
--   setting <name> <value>                (run, as_of, origin)
--   account <name> <cookie header> <csrf token>
--   target <account> <pk> <value or -> <measure>
--   read <path>

local ffi = require("ffi")
ffi.cdef([[
   typedef struct { long tv_sec; long tv_nsec; } timespec;
   int clock_gettime(int clock, timespec *now);
]])
local clock = ffi.new("timespec")

local function now_ms()
   ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
   return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("number", #threads)
end

local function split(line)
   local fields = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      table.insert(fields, field)
   end
   return fields
end

local function encode(text)
   return (text:gsub("[^%w%-%._~]", function(char)
      return string.format("%%%02X", string.byte(char))
   end))
end

local settings, accounts, targets, reads = {}, {}, {}, {}
local account, share
local sequence = 0
local verifying = false

-- What the thread saw, read back by done() through thread:get().
accepted = {}       -- markers of the submissions answered with a redirect to the report list
errors = {}         -- "<kind> <status>" -> count, for every answer that is not 2xx/3xx
unexpected = {}     -- "<kind> <status>" -> count: a read not answered 200, a submission not saved
samples = {}        -- a few of the above, with their path or the form's error
counts = { read = 0, submit = 0, unanswered = 0 } -- answered reads and submissions
pending = nil       -- the request on the wire: at the end, the one wrk stopped waiting for
-- Milliseconds from handing each request to wrk to its whole answer, by kind. Measured here
-- because wrk's own histogram does not add up when every response closes its connection.
timings_read, timings_submit = {}, {}

function init(args)
   local plan = assert(io.open(args[1]))
   for line in plan:lines() do
      local f = split(line)
      if f[1] == "setting" then
         settings[f[2]] = f[3]
      elseif f[1] == "account" then
         table.insert(accounts, { name = f[2], cookie = f[3], csrf = f[4] })
      elseif f[1] == "target" then
         targets[f[2]] = targets[f[2]] or {}
         table.insert(targets[f[2]], { pk = f[3], value = f[4], measure = f[5] })
      elseif f[1] == "read" then
         table.insert(reads, f[2])
      end
   end
   plan:close()
   share = tonumber(args[2])
   account = accounts[(number - 1) % #accounts + 1]
   -- wrk calls request() once on the first thread to check what it returns, and never sends it.
   verifying = number == 1
   math.randomseed(os.time() * 1000 + number * 7919)
end

local function note(kind, status, detail)
   local key = kind .. " " .. status
   if #samples < 50 then
      table.insert(samples, key .. " " .. detail)
   end
   return key
end

local function submission()
   sequence = sequence + 1
   local marker = settings.run .. "-" .. number .. "-" .. sequence
   local mine = targets[account.name]
   local target = mine[math.random(#mine)]
   local fields = {
      csrfmiddlewaretoken = account.csrf,
      target = target.pk,
      as_of = settings.as_of,
      value = target.value == "-" and "" or target.value,
      qualifier = "",
      source = "",
      evidence_url = "https://example.org/evidence/" .. marker,
      member = "",
      narrative_en = "Progress reported under load by " .. account.name .. ".",
      narrative_zh = "",
      note = marker,
      submit_for_review = "on",
      seen_version = "",
      _save = "Save",
   }
   local body = {}
   for name, value in pairs(fields) do
      table.insert(body, name .. "=" .. encode(value))
   end
   local path = "/admin/initiatives/progressreport/add/"
   pending = { kind = "submit", marker = marker, path = path, sent = now_ms() }
   return wrk.format("POST", path, {
      ["X-Forwarded-Proto"] = "https",
      ["Cookie"] = account.cookie,
      ["Origin"] = settings.origin,
      ["Referer"] = settings.origin .. path,
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }, table.concat(body, "&"))
end

function request()
   if verifying then
      verifying = false
      return wrk.format("GET", "/api/", { ["X-Forwarded-Proto"] = "https" })
   end
   if pending then -- the last request got no response (a socket error or a timeout)
      counts.unanswered = counts.unanswered + 1
      note(pending.kind, "unanswered", pending.marker or pending.path)
   end
   if math.random() < share then
      return submission()
   end
   local path = reads[math.random(#reads)]
   pending = { kind = "read", path = path, sent = now_ms() }
   return wrk.format("GET", path, { ["X-Forwarded-Proto"] = "https" })
end

local function form_error(body)
   local message = body:match('<p class="errornote">%s*(.-)%s*</p>')
      or body:match('<ul class="errorlist[^"]*"[^>]*>(.-)</ul>')
      or ""
   return message:gsub("<[^>]+>", " "):gsub("%s+", " "):sub(1, 200)
end

function response(status, headers, body)
   local asked = pending
   pending = nil
   if not asked then
      return
   end
   counts[asked.kind] = counts[asked.kind] + 1
   table.insert(asked.kind == "read" and timings_read or timings_submit, now_ms() - asked.sent)
   local key
   if status >= 400 then
      key = note(asked.kind, status, asked.marker or asked.path)
      errors[key] = (errors[key] or 0) + 1
   elseif asked.kind == "submit" then
      local location = headers["Location"] or headers["location"] or ""
      if status == 302 and location:match("/admin/initiatives/progressreport/$") then
         table.insert(accepted, asked.marker)
      else
         local detail = status == 200 and form_error(body) or location
         key = note("submit", status, asked.marker .. " " .. detail)
         unexpected[key] = (unexpected[key] or 0) + 1
      end
   elseif status ~= 200 then
      key = note("read", status, asked.path)
      unexpected[key] = (unexpected[key] or 0) + 1
   end
end

function done(summary, latency, requests)
   local out = assert(io.open(os.getenv("LOAD_RESULTS"), "w"))
   local function put(...)
      out:write(table.concat({ ... }, "\t"), "\n")
   end
   put("requests", summary.requests)
   put("duration_us", summary.duration)
   put("bytes", summary.bytes)
   for _, name in ipairs({ "connect", "read", "write", "status", "timeout" }) do
      put("socket_error", name, summary.errors[name])
   end
   for _, thread in ipairs(threads) do
      for kind, n in pairs(thread:get("counts")) do
         put("count", kind, n)
      end
      for _, marker in ipairs(thread:get("accepted")) do
         put("accepted", marker)
      end
      for key, n in pairs(thread:get("errors")) do
         put("error", key, n)
      end
      for key, n in pairs(thread:get("unexpected")) do
         put("unexpected", key, n)
      end
      for _, kind in ipairs({ "read", "submit" }) do
         for _, ms in ipairs(thread:get("timings_" .. kind)) do
            put("timing", kind, string.format("%.1f", ms))
         end
      end
      local left = thread:get("pending")
      if left and left.marker then
         put("in_flight", left.marker)
      end
      for _, sample in ipairs(thread:get("samples")) do
         put("sample", sample)
      end
   end
   out:close()
end
