-- wrk script for signed-in scenarios: every request picks a random session token from a pool
-- (written by `lectern bench-data`) and, when a paths file is given, a random path.
-- Arguments after "--":  tokens=FILE  auth=cookie|bearer  [paths=FILE]
-- or, for addresses that are their own key (the calendar feed):  paths=FILE  auth=none
-- or, for a path that depends on the session:  pairs=FILE pattern=/courses/%s  auth=...
-- where FILE holds "TOKEN CODE" lines (learner.courses from `lectern bench-data`: the courses
-- each learner is enrolled in) and every request picks a random line.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local tokens, paths, auth = {}, {}, "cookie"
local codes, pattern = {}, nil

local function lines(file, into)
  for line in io.lines(file) do
    if #line > 0 then into[#into + 1] = line end
  end
end

function init(args)
  for _, a in ipairs(args) do
    local k, v = a:match("^(%w+)=(.*)$")
    if k == "tokens" then lines(v, tokens)
    elseif k == "paths" then lines(v, paths)
    elseif k == "auth" then auth = v
    elseif k == "pattern" then pattern = v
    elseif k == "pairs" then
      for line in io.lines(v) do
        local t, c = line:match("^(%S+) (%S+)$")
        if t then tokens[#tokens + 1] = t; codes[#codes + 1] = c end
      end
    end
  end
  if #tokens == 0 and auth ~= "none" then error("sessions.lua: no tokens (pass tokens=FILE)") end
  -- A different sequence per thread (setup() gave each its id), the same from run to run.
  math.randomseed(#tokens * 7919 + (id or 0))
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function request()
  local headers = {}
  if auth == "none" then
    return wrk.format("GET", paths[math.random(#paths)], headers)
  end
  local i = math.random(#tokens)
  local t = tokens[i]
  if auth == "bearer" then
    headers["Authorization"] = "Bearer " .. t
  else
    headers["Cookie"] = "lectern_session=" .. t
  end
  local path
  if #codes > 0 then path = pattern:gsub("%%s", codes[i])
  elseif #paths > 0 then path = paths[math.random(#paths)]
  else path = wrk.path end
  return wrk.format("GET", path, headers)
end
