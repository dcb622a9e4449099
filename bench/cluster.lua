-- A national-peak mix for wrk, through the reverse proxy: public pages, finder questions, API
-- reads, and authenticated writes (KPI figures with an organisation's API token, and form posts
-- with a signed-in editor's session). Every write creates a figure of its own (a disaggregation
-- unique to the thread and request), so writes never conflict with each other.
--
-- Environment: AGENDA_TOKEN (Bearer token of the KPI's owner), AGENDA_KPI, AGENDA_COOKIE and
-- AGENDA_CSRF (an editor's session), AGENDA_SERVICE (a service code for the form write).
-- At the end, prints one line per second of the run with its answers and errors, and a
-- summary line `mix: ok=… errors=… writes=…`.

local token = os.getenv("AGENDA_TOKEN")
local kpi = os.getenv("AGENDA_KPI") or "KPI-01"
local cookie = os.getenv("AGENDA_COOKIE")
local csrf = os.getenv("AGENDA_CSRF")

local pages = {
  "/", "/action-lines/AL-1.1", "/kpis/KPI-01", "/services", "/services/SVC-001",
  "/fr/", "/es/kpis/KPI-02", "/organisations", "/sdgs", "/roadmap",
}
local questions = {
  "passport", "renew my driving licence", "register a company", "birth certificate",
  "pay property tax", "je veux créer une entreprise", "certificado de nacimiento",
  "lost my id card", "apply for a building permit", "pension",
}
local reads = {
  "/api/v1/kpis/KPI-01", "/api/v1/services/SVC-001", "/api/v1/action-lines?limit=20",
  "/api/v1/services?limit=20", "/api/v1/kpis?limit=20",
}

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- Globals, so that done() can read them from each thread.
n = 0
start = 0
ok_by_second = {}
err_by_second = {}
writes = 0
by_status = {}

function init(args)
  start = os.time()
  -- Keys unique to this run too: figures of earlier runs stay in the database.
  run = start % 100000
  math.randomseed(os.time() + id)
end

-- 100 requests: 55 pages, 20 finder questions, 15 API reads, 7 API writes, 3 form writes.
function request()
  n = n + 1
  local r = n % 100
  if r < 55 then
    return wrk.format("GET", pages[(n % #pages) + 1])
  elseif r < 75 then
    return wrk.format("GET", "/api/v1/finder?q=" .. urlencode(questions[(n % #questions) + 1]))
  elseif r < 90 then
    return wrk.format("GET", reads[(n % #reads) + 1])
  elseif r < 97 and token then
    local body = string.format(
      '{"period": "2025-Q%d", "value": %d, "disaggregation": "bench=r%dt%dn%d"}',
      (n % 4) + 1, n % 90, run, id, n)
    return wrk.format("POST", "/api/v1/kpis/" .. kpi .. "/observations", {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
    }, body)
  elseif cookie and csrf then
    -- A new draft figure through the administration's form, as an editor.
    local body = string.format(
      "csrf=%s&kpi=%s&period=2025-Q%d&value=%d&status=draft&disaggregation=form%%3Dr%dt%dn%d&version=0",
      urlencode(csrf), kpi, (n % 4) + 1, n % 90, run, id, n)
    return wrk.format("POST", "/admin/data/observations/new", {
      ["Cookie"] = cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
  return wrk.format("GET", pages[1])
end

function response(status, headers, body)
  local s = os.time() - start
  if status >= 500 or status == 0 then
    err_by_second[s] = (err_by_second[s] or 0) + 1
  else
    ok_by_second[s] = (ok_by_second[s] or 0) + 1
  end
  if status == 201 or status == 303 then
    writes = writes + 1
  end
  by_status[status] = (by_status[status] or 0) + 1
end

function done(summary, latency, requests)
  local ok, err, total_writes, statuses = {}, {}, 0, {}
  local last = 0
  for _, t in ipairs(threads) do
    local o = t:get("ok_by_second")
    local e = t:get("err_by_second")
    total_writes = total_writes + (t:get("writes") or 0)
    for code, c in pairs(t:get("by_status") or {}) do statuses[code] = (statuses[code] or 0) + c end
    for s, c in pairs(o or {}) do ok[s] = (ok[s] or 0) + c; if s > last then last = s end end
    for s, c in pairs(e or {}) do err[s] = (err[s] or 0) + c; if s > last then last = s end end
  end
  local total_ok, total_err = 0, 0
  for s = 0, last do
    total_ok = total_ok + (ok[s] or 0)
    total_err = total_err + (err[s] or 0)
    io.write(string.format("second %d: ok=%d errors=%d\n", s, ok[s] or 0, err[s] or 0))
  end
  local codes = {}
  for code, c in pairs(statuses) do table.insert(codes, code .. "=" .. c) end
  table.sort(codes)
  io.write("statuses: " .. table.concat(codes, " ") .. "\n")
  io.write(string.format("mix: ok=%d errors=%d socket_errors=%d writes=%d\n", total_ok, total_err,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    total_writes))
end
