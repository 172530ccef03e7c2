-- SPDX-License-Identifier: MIT
-- Two processes writing to one store at the same time.
local parley = require "parley"
local support = require "support"

local WRITER = [[
local parley = require "parley"
local path, who, n = arg[1], arg[2], tonumber(arg[3])
local db = assert(parley.open(path, { busy_timeout_ms = 20000 }))
for i = 1, n do
   assert(db:transaction(function()
      assert(db:exec("INSERT INTO runs (config, config_sha256, started_at) VALUES (?, ?, ?)", who, tostring(i), "t"))
   end))
end
local ok, err = db:import({ parties = { { id = who, name = who } } })
assert(ok, err)
db:close()
]]

describe("two connections in two processes", function()
   it("write at once without losing a row", function()
      local path = support.tmpname("shared.db")
      assert(parley.open(path)):close()
      local script = support.write(support.tmpname("writer.lua"), WRITER)
      local n = 300
      local cmd = string.format("%s %s %s A %d & %s %s %s B %d & wait", os.getenv("LUA") or "lua5.4", script,
         support.quote(path), n, os.getenv("LUA") or "lua5.4", script, support.quote(path), n)
      local code, output = support.sh(cmd)
      assert.equal(0, code, output)
      assert.equal("", output)
      local db = assert(parley.open(path))
      assert.equal(n, db:first("SELECT count(*) AS n FROM runs WHERE config = 'A'").n)
      assert.equal(n, db:first("SELECT count(*) AS n FROM runs WHERE config = 'B'").n)
      assert.equal(2, db:first("SELECT count(*) AS n FROM parties").n)
      assert.equal("ok", db:first("PRAGMA integrity_check").integrity_check)
      db:close()
   end)
end)
