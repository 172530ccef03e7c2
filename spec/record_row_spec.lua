-- SPDX-License-Identifier: MIT
-- core.fill_row, core.read_fields and core.read_coded (src/record_row.c): the plain part of
-- each row record_schema writes (the parameters db:exec binds for an INSERT) and of each record
-- it reads, and the coded fields it reads the same way for every table.
local core = require "parley.core"
local json = require "parley.json"
local record_schema = require "parley.record_schema"
local support = require "support"

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

   describe("core.read_coded", function()
      local DATE = { 1, "as_of", "as_of_period", "as_of", "as_of_precision", "as_of_start", "as_of_end" }
      local COUNT = { 2, "count", { "exact", "best", "approx" }, { "count_exact", "count_best", "count_approx" },
         { false, false, true } }
      local SCOPE = { 3, "scope", "scope" }
      local SOURCE = { 4, "source", "source", "sources" }

      it("reads a date with its period, a count group, a JSON list and a one-or-list field", function()
         local rec = core.read_coded({ as_of = "2021-06", as_of_precision = "month", as_of_start = "2021-06-01",
            as_of_end = "2021-06-30", count_best = 12, count_approx = 0, scope = '["soldiers","civilians"]',
            source = "s1" }, {}, { DATE, COUNT, SCOPE, SOURCE }, json.decode)
         assert.same({ as_of = "2021-06", as_of_period = { text = "2021-06", precision = "month",
            first = "2021-06-01", last = "2021-06-30" }, count = { best = 12, approx = false },
            scope = { "soldiers", "civilians" }, source = "s1" }, rec)
      end)

      it("leaves out what the row does not give: no date, no count column, the one value when a list is there",
         function()
            local rec = core.read_coded({ source = "s1", sources = '["s1","s2"]', count_approx = 1 }, { id = "c" },
               { DATE, COUNT, SOURCE }, json.decode)
            assert.same({ id = "c", count = { approx = true } }, rec)
         end)

      it("decodes plain string lists itself and hands every other JSON text to the decoder", function()
         local handed = {}
         local function decode(s)
            handed[#handed + 1] = s
            return json.decode(s)
         end
         local texts = { "[]", '["a"]', '["a","b c","Սամվել"]', '["a\\"b"]', '[1,2]', '["a", "b"]', '["a",]',
            '["a"', '{"a":1}', '["a"]x', "[null]" }
         local plain = { ["[]"] = true, ['["a"]'] = true, ['["a","b c","Սամվել"]'] = true }
         for _, text in ipairs(texts) do
            local ok, rec = pcall(core.read_coded, { scope = text }, {}, { SCOPE }, decode)
            local ref_ok, ref = pcall(json.decode, text)
            assert.equal(ref_ok, ok, text)
            if ok then assert.same(ref, rec.scope, text) end
         end
         for _, text in ipairs(handed) do assert.is_nil(plain[text], text) end
         assert.equal(#texts - 3, #handed)
      end)

      it("gives what each field's codec gives, for every planned field of every table, on random rows", function()
         local rand = support.random(12345)
         local values = { nil, "x", "2021", 0, 1, 7, '["a","b"]', "[]", '["a\\nb"]', "[1]" }
         local checked = 0
         for _, t in pairs(record_schema.tables) do
            for _, f in ipairs(t.fields or {}) do
               local entry = f.period_key and record_schema.read_plan_entry(f)
               if entry then
                  for _ = 1, 200 do
                     local r = {}
                     for _, c in ipairs(f.codec.columns(f)) do r[c.name] = values[rand(#values + 1)] end
                     if f.list then r[f.list] = values[rand(#values + 1)] end
                     local ok_ref, v, period = pcall(f.codec.get, f, r)
                     local ok, rec = pcall(core.read_coded, r, {}, { entry }, json.decode)
                     assert.equal(ok_ref, ok)
                     if ok then
                        assert.same(v, rec[f.key])
                        assert.same(period, rec[f.period_key])
                        checked = checked + 1
                     end
                  end
               end
            end
         end
         assert.truthy(checked > 1000)
      end)

      it("refuses a plan entry of no known kind", function()
         assert.has_error(function() core.read_coded({}, {}, { { 9, "k" } }, json.decode) end,
            "read_coded: plan[1] is of no kind known")
      end)
   end)
end)
