-- wrk script for signed-in scenarios: every request picks a random session token from a pool
-- (written by `lectern bench-data`) and, when a paths file is given, a random path.
-- Arguments after "--":  tokens=FILE  auth=cookie|bearer  [paths=FILE]
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local tokens, paths, auth = {}, {}, "cookie"

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
    end
  end
  if #tokens == 0 then error("sessions.lua: no tokens (pass tokens=FILE)") end
  -- A different sequence per thread (setup() gave each its id), the same from run to run.
  math.randomseed(#tokens * 7919 + (id or 0))
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function request()
  local t = tokens[math.random(#tokens)]
  local headers = {}
  if auth == "bearer" then
    headers["Authorization"] = "Bearer " .. t
  else
    headers["Cookie"] = "lectern_session=" .. t
  end
  local path = #paths > 0 and paths[math.random(#paths)] or wrk.path
  return wrk.format("GET", path, headers)
end
