-- SPDX-License-Identifier: MIT
-- Writing output files so that a failure is never mistaken for a report: the content goes to a
-- temporary file in the target's directory, every write and the close are checked, and only
-- then is the temporary renamed over the target (atomic on one filesystem). On a full disk the
-- old file stays as it was and the caller gets a message; a kill during the write leaves the old
-- file whole. A target that is a symbolic link is refused: a report never lands where a link
-- points.

local core = require "parley.core"

local files = {}

-- The system's reason in an io library message ("x: No space left on device" -> the reason).
local function reason(message)
   message = tostring(message)
   return message:match(": ([^:]+)$") or message
end

local function dirname(path)
   return path:match("^(.*)/[^/]*$") or "."
end

-- A temporary name beside path that no other writer of this process uses.
local counter = 0
local function temporary_beside(path)
   counter = counter + 1
   local base = path:match("([^/]*)$")
   return string.format("%s/.%s.%d-%d.tmp", dirname(path), base, os.time(), counter)
end

-- files.write(path, content): true, or nil and a message that names the path and says why.
function files.write(path, content)
   if type(path) ~= "string" or type(content) ~= "string" then
      error("bad argument to 'files.write' (path and content strings expected)", 2)
   end
   if core.path_kind(path) == "symlink" then
      return nil, string.format("%s: refusing to write through a symbolic link", path)
   end
   local tmp = temporary_beside(path)
   local f, err = io.open(tmp, "wb")
   if not f then return nil, string.format("cannot write %s: %s", path, reason(err)) end
   local ok, werr = f:write(content)
   if ok then ok, werr = f:flush() end
   local closed, cerr = f:close()
   if not ok or not closed then
      os.remove(tmp)
      return nil, string.format("cannot write %s: %s", path, reason(werr or cerr))
   end
   local renamed, rerr = os.rename(tmp, path)
   if not renamed then
      os.remove(tmp)
      return nil, string.format("cannot write %s: %s", path, reason(rerr))
   end
   return true
end

return files
