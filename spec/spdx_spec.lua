-- SPDX-License-Identifier: MIT
-- Every source file says its licence in its first lines (the SPDX identifier of LICENSE's MIT),
-- so a file copied out of the tree keeps it. Source files are the tracked C, Lua, shell, Python
-- and Makefile files; fixtures and data are not.
local support = require "support"

-- Which tracked files are sources: by name, then by a shebang for scripts without an extension.
local SOURCE = { "%.c$", "%.h$", "%.lua$", "%.sh$", "%.py$", "%.rockspec$", "^Makefile$", "/Makefile$",
   "^%.busted$", "^config%.ld$", "^%.luacheckrc$" }
-- Fixtures are input the specs compare byte for byte or by line number.
-- (the hostile rules are such input: their messages carry line numbers).
local NOT_SOURCE = { "^spec/fixtures/", "^spec/rules/hostile/", "^fuzz/corpus/" }

local function is_source(path)
   for _, p in ipairs(NOT_SOURCE) do
      if path:match(p) then return false end
   end
   for _, p in ipairs(SOURCE) do
      if path:match(p) then return true end
   end
   local f = io.open(support.top .. "/" .. path, "rb")
   local first = f and f:read("l") or ""
   if f then f:close() end
   return first:match("^#!") ~= nil
end

-- The tracked files (git), or every file when the tree is not a checkout (an unpacked rock).
local function tracked_files()
   local code, listing = support.sh("cd " .. support.quote(support.top) .. " && git ls-files 2>/dev/null")
   if code ~= 0 or listing == "" then
      code, listing = support.sh("cd " .. support.quote(support.top) ..
         " && find . -type f ! -path './build*' ! -path './.git/*' | sed 's|^\\./||'")
      assert(code == 0, listing)
   end
   local files = {}
   for path in listing:gmatch("[^\n]+") do files[#files + 1] = path end
   return files
end

describe("licence identifiers", function()
   it("are at the top of every source file", function()
      local missing, checked = {}, 0
      for _, path in ipairs(tracked_files()) do
         if is_source(path) then
            checked = checked + 1
            local f = io.open(support.top .. "/" .. path, "rb")
            local head = f and f:read(400) or ""
            if f then f:close() end
            -- within the first three lines (after a shebang and an encoding line)
            local first3 = head:match("^([^\n]*\n?[^\n]*\n?[^\n]*)") or head
            if not first3:find("SPDX-License-Identifier: MIT", 1, true) then missing[#missing + 1] = path end
         end
      end
      assert.is_true(checked > 100, "only " .. checked .. " source files found")
      assert.same({}, missing, "these files lack 'SPDX-License-Identifier: MIT' in their first three lines " ..
         "(add the line as a comment): " .. table.concat(missing, ", "))
   end)
end)
