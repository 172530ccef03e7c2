-- SPDX-License-Identifier: MIT
-- Writing output files so that a failure is never mistaken for a report: the content goes to a
-- new temporary file in the target's directory (created exclusively, so never through a link
-- planted at its name), every write, the sync and the close are checked, and only
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

-- A temporary name beside path that no other writer of this process uses, and that another
-- user cannot guess to plant a link at (core.write_new refuses one anyway).
local counter = 0
local function temporary_beside(path)
   counter = counter + 1
   local base = path:match("([^/]*)$")
   return string.format("%s/.%s.%d-%d-%08x.tmp", dirname(path), base, os.time(), counter, math.random(0, 0x7fffffff))
end

-- files.write(path, content): true, or nil and a message that names the path and says why.
function files.write(path, content)
   if type(path) ~= "string" or type(content) ~= "string" then
      error("bad argument to 'files.write' (path and content strings expected)", 2)
   end
   if core.path_kind(path) == "symlink" then
      return nil, string.format("%s: refusing to write through a symbolic link", path)
   end
   -- created new (never through a file or link already at its name), written whole and synced;
   -- core.write_new removes it on a failure
   local tmp, written, err
   for _ = 1, 3 do
      tmp = temporary_beside(path)
      written, err = core.write_new(tmp, content)
      if written or not tostring(err):find("File exists", 1, true) then break end
   end
   if not written then return nil, string.format("cannot write %s: %s", path, reason(err)) end
   local renamed, rerr = os.rename(tmp, path)
   if not renamed then
      os.remove(tmp)
      return nil, string.format("cannot write %s: %s", path, reason(rerr))
   end
   return true
end

-- A store file that lasts as long as one run or one test case (a ":memory:" config's store,
-- which the rules' own connections must open by path): store.db in a directory made by
-- core.private_dir, so no other user can put a file or a link where the store will be.
-- Returns the path, or nil and a message.
function files.private_store()
   local dir, err = core.private_dir()
   if not dir then return nil, err end
   return dir .. "/store.db"
end

-- Removes a store made by files.private_store, with its journal files and its directory.
function files.remove_private_store(path)
   for _, suffix in ipairs({ "", "-wal", "-shm", "-journal" }) do os.remove(path .. suffix) end
   os.remove(dirname(path))
end

return files
