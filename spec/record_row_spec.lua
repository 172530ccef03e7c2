-- SPDX-License-Identifier: MIT
-- core.fill_row and core.read_fields (src/record_row.c): the plain part of each row
-- record_schema writes (the parameters db:exec binds for an INSERT) and of each record it reads.
local core = require "parley.core"

describe("core.fill_row", function()
   it("puts the links first, clears the coded positions and copies each plain field", function()
      local row = { "old", "old", "stale", "stale", "stale" }
      local out = core.fill_row(row, { "L1", 7 }, 2, { 5 }, { 3, 4 }, { "name", "born" },
         { name = "Aram", born = 1990, other = "not written" })
      assert.equal(row, out)
      assert.same({ "L1", 7, "Aram", 1990 }, row)
      assert.is_nil(row[5])
   end)

   it("writes nil for a field the record does not give, so a reused row keeps nothing of the last", function()
      local row = {}
      core.fill_row(row, {}, 0, {}, { 1, 2 }, { "a", "b" }, { a = 1, b = 2 })
      core.fill_row(row, {}, 0, {}, { 1, 2 }, { "a", "b" }, { a = 3 })
      assert.same({ 3 }, row)
   end)

   it("reads a record's fields raw, and a value that is not a table as having none", function()
      local row = {}
      core.fill_row(row, { "k" }, 1, {}, { 2 }, { "x" }, setmetatable({}, { __index = function() return "meta" end }))
      assert.same({ "k" }, row)
      core.fill_row(row, { "k" }, 1, {}, { 2 }, { "len" }, "a string item")
      assert.same({ "k" }, row)
   end)

   it("refuses arguments of the wrong type", function()
      assert.has_error(function() core.fill_row({}, {}, "two", {}, {}, {}, {}) end)
      assert.has_error(function() core.fill_row({}, nil, 0, {}, {}, {}, {}) end)
   end)

   describe("core.read_fields", function()
      it("makes a record of a row's columns under the record's keys, leaving out NULLs", function()
         local rec = core.read_fields({ id = "c1", count_best = 3, note = nil, extra = "x" },
            { "id", "best", "notes" }, { "id", "count_best", "note" }, 2)
         assert.same({ id = "c1", best = 3 }, rec)
      end)

      it("reads the row raw, and refuses what is not a table or a size out of bounds", function()
         local row = setmetatable({}, { __index = function() return "meta" end })
         assert.same({}, core.read_fields(row, { "a" }, { "a" }, 0))
         assert.has_error(function() core.read_fields({}, { "a" }, { "a" }, -1) end)
         assert.has_error(function() core.read_fields({}, { "a" }, { "a" }, 1001) end)
         assert.has_error(function() core.read_fields("row", { "a" }, { "a" }, 0) end)
      end)
   end)
end)
