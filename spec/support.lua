-- SPDX-License-Identifier: MIT
-- Helpers shared by the specs: temporary files, running the command line, reading files.
local support = {}

local tmpdir

-- A fresh path in a directory that is removed when the test process ends.
function support.tmpname(name)
   if not tmpdir then
      local p = io.popen("mktemp -d /tmp/parley-spec.XXXXXX")
      tmpdir = p:read("l")
      p:close()
      -- removed at exit by a finalizer on a value kept alive until the state closes
      support._cleanup = setmetatable({}, { __gc = function() os.execute("rm -rf '" .. tmpdir .. "'") end })
   end
   support.counter = (support.counter or 0) + 1
   return string.format("%s/%d-%s", tmpdir, support.counter, name or "tmp")
end

function support.write(path, content)
   local f = assert(io.open(path, "wb"))
   f:write(content)
   f:close()
   return path
end

function support.read(path)
   local f = assert(io.open(path, "rb"))
   local s = f:read("a")
   f:close()
   return s
end

local function quote(s)
   return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
support.quote = quote

-- The source tree (the specs run from it).
support.top = os.getenv("PARLEY_TOP") or "."

-- Runs bin/parley with args; returns exit code, stdout, stderr.
function support.parley(...)
   local args = {}
   for i, a in ipairs({ ... }) do args[i] = quote(a) end
   local out, err = support.tmpname("out"), support.tmpname("err")
   local cmd = string.format("%s/bin/parley %s >%s 2>%s", support.top, table.concat(args, " "), out, err)
   local _, _, code = os.execute(cmd)
   return code, support.read(out), support.read(err)
end

-- Runs a shell command; returns exit code and its output (stdout and stderr together).
function support.sh(cmd)
   local out = support.tmpname("sh")
   local _, _, code = os.execute("(" .. cmd .. ") >" .. out .. " 2>&1")
   return code, support.read(out)
end

return support
