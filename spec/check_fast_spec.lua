-- SPDX-License-Identifier: MIT
-- core.check_fast (src/check_fast.c), the first loop of check.fields in C, against the fast
-- forms of parley.check that stay the reference: for every checker with a native form and many
-- values, the C loop keeps exactly what the fast form keeps and declines exactly what it finds
-- not fine.
local check = require "parley.check"
local core = require "parley.core"
local null = core.null

local function context()
   local ctx = check.new_context({}, {})
   ctx.declared = { parties = { ARM = true, ["AZE"] = true } }
   ctx.known = function(kind, id) return kind == "parties" and (id == "ARM" or id == "AZE" or id == "STORED") end
   return ctx
end

local VALUES = {
   "", " ", "a", "ab", " a", "a ", "a b", "a\tb", "a\nb", "a\1b", "a\127b", "a\128b", "é", "Ə", "\v", "x\r",
   "ARM", "AZE", "STORED", "arm", "NONE", "B", "b", "stock",
   0, 1, -1, 9, 10, 11, -5, math.maxinteger, math.mininteger, 1.0, 2.5, -0.0, math.huge, -math.huge, 0 / 0,
   true, false, {}, { 1 }, { a = 1 }, null, print,
   "2021", "2021-06", "2021-06-31", "2021-13", "2021-06-12", 2021, 12, "2021-06-01/2021-06-30", "12/06/2021",
}

local function same(a, b)
   if type(a) ~= "table" or type(b) ~= "table" then return rawequal(a, b) or (a ~= a and b ~= b) end
   for k, v in pairs(a) do if not same(v, b[k]) then return false end end
   for k in pairs(b) do if a[k] == nil then return false end end
   return true
end

describe("core.check_fast", function()
   local checkers = {
      string = check.string, id = check.id, token = check.token, boolean = check.boolean, date = check.date,
      enum = check.enum({ "stock", "event", "B" }), integer = check.integer(0, 10), any_integer = check.integer(),
      at_least = check.integer(1), fractional_bounds = check.integer(0.5, 9.5), ref = check.ref("parties"),
   }
   for name, checker in pairs(checkers) do
      it("keeps what the " .. name .. " checker's fast form keeps, and nothing else", function()
         local spec = check.spec({ { "x", checker } })
         local fast = assert(check.fast_form(checker))
         local agreed = 0
         for _, value in ipairs(VALUES) do
            local ctx_lua, ctx_c = context(), context()
            local expected = fast(value, ctx_lua)
            local out = core.check_fast(ctx_c, { x = value }, spec.fields, spec.required, null)
            if value == null then
               assert.same({}, out) -- a null value is left out, as if absent
            elseif expected == nil then
               assert.is_false(out, name .. " " .. tostring(value))
            else
               assert.is_table(out, name .. " " .. tostring(value))
               assert.is_true(same(expected, out.x), name .. " " .. tostring(value))
               agreed = agreed + 1
            end
         end
         assert.is_true(agreed > 0, name)
      end)
   end

   it("declines a mapping with an unknown key, or without a required one", function()
      local spec = check.spec({ { "id", check.id, required = true }, { "n", check.integer(0) } })
      local ctx = context()
      assert.same({ id = "a", n = 1 }, core.check_fast(ctx, { id = "a", n = 1 }, spec.fields, spec.required, null))
      assert.is_false(core.check_fast(ctx, { id = "a", m = 1 }, spec.fields, spec.required, null))
      assert.is_false(core.check_fast(ctx, { n = 1 }, spec.fields, spec.required, null))
      assert.is_false(core.check_fast(ctx, { id = null, n = 1 }, spec.fields, spec.required, null))
      assert.same({ id = "a" }, core.check_fast(ctx, { id = "a", n = null }, spec.fields, spec.required, null))
   end)

   it("declines what check.is_map does not take for a mapping: a table with a metatable, an array, a value",
      function()
      local spec = check.spec({ { "id", check.id } })
      local ctx = context()
      assert.same({}, core.check_fast(ctx, {}, spec.fields, spec.required, null))
      assert.is_false(core.check_fast(ctx, setmetatable({ id = "a" }, {}), spec.fields, spec.required, null))
      assert.is_false(core.check_fast(ctx, { "a" }, spec.fields, spec.required, null))
      assert.is_false(core.check_fast(ctx, "a", spec.fields, spec.required, null))
      assert.is_false(core.check_fast(ctx, null, spec.fields, spec.required, null))
   end)

   it("leaves a field without a fast form to the caller", function()
      local spec = check.spec({ { "count", check.mapping(check.spec({ { "exact", check.integer(0) } })) },
         { "id", check.id } })
      local out = core.check_fast(context(), { id = "a", count = { exact = -1 } }, spec.fields, spec.required, null)
      assert.same({ id = "a" }, out)
   end)

   it("reads a parsed date again from the context, and the store's records through the fast form", function()
      local spec = check.spec({ { "as_of", check.date }, { "party", check.ref("parties") } })
      local ctx = context()
      local a = core.check_fast(ctx, { as_of = "2021-06", party = "STORED" }, spec.fields, spec.required, null)
      local b = core.check_fast(ctx, { as_of = "2021-06", party = "ARM" }, spec.fields, spec.required, null)
      assert.equal("2021-06-30", a.as_of.last)
      assert.equal(a.as_of, b.as_of) -- parsed once, shared
      assert.equal("STORED", a.party)
      assert.is_false(core.check_fast(ctx, { party = "NONE" }, spec.fields, spec.required, null))
   end)
end)
