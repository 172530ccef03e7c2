-- SPDX-License-Identifier: MIT
-- A received config cannot make parley expand it without bound: yaml.load counts the nodes a
-- document holds with its aliases expanded (opts.max_nodes), a list parameter takes only
-- scalars and at most so many of them, and parley.json.encode has a budget of bytes.
local parley = require "parley"
local config = require "parley.config"
local json = require "parley.json"
local support = require "support"

-- Billion laughs in a list parameter: nine levels of nine aliases, 9^9 (387 million) strings
-- once expanded, in under 900 bytes. Before the budget, `parley reconcile` on it ran past 60 s
-- and 1.8 GB (the parameters' JSON encoding expanded every alias).
local function bomb()
   local items = { '&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]' }
   local prev = "a"
   for _, name in ipairs({ "b", "c", "d", "e", "f", "g", "h", "i" }) do
      items[#items + 1] = string.format("&%s [%s]", name, string.rep("*" .. prev, 9, ","))
      prev = name
   end
   return "parley: 1\nstore: \":memory:\"\nrules:\n  - use: map_completeness\n    with:\n      fields: [" ..
      table.concat(items, ",\n        ") .. "]\n"
end

describe("a YAML alias bomb", function()
   it("is under 900 bytes and refused by yaml.load at the alias that passes the budget", function()
      local text = bomb()
      assert.is_true(#text < 900, #text)
      local clock = os.clock()
      local v, err = parley.yaml.load(text, { name = "bomb.yaml" })
      assert.is_nil(v)
      assert.matches("^bomb%.yaml:%d+:%d+: the document holds more than 1000000 nodes with its aliases " ..
         "expanded %(opts%.max_nodes%)", err)
      assert.is_true(os.clock() - clock < 5) -- a guard against a hang, not a timing claim
   end)

   it("makes parley reconcile exit 3 with the file, line and column", function()
      local dir = support.tmpname("bomb")
      assert(os.execute("mkdir -p " .. support.quote(dir)))
      local path = support.write(dir .. "/parley.yaml", bomb())
      local code, out, err = support.parley("reconcile", path)
      assert.equal(3, code, out .. err)
      assert.matches("parley%.yaml:%d+:%d+: the document holds more than", err)
   end)

   it("counts aliases as the nodes they stand for, and max_nodes sets the budget", function()
      local text = "a: &a [1, 2]\nb: [*a, *a]\n" -- 13 nodes expanded, 7 written
      assert.same({ a = { 1, 2 }, b = { { 1, 2 }, { 1, 2 } } }, parley.yaml.load(text, { max_nodes = 13 }))
      local _, err = parley.yaml.load(text, { max_nodes = 12 })
      assert.equal("<string>:2:9: the document holds more than 12 nodes with its aliases expanded " ..
         "(opts.max_nodes)", err)
      -- an alias to the anchor it sits in is a cycle, counted once
      local cyc = assert(parley.yaml.load("&r [1, *r]", { max_nodes = 3 }))
      assert.equal(cyc, cyc[2])
      assert.has_error(function() parley.yaml.load("", { max_nodes = 0 }) end,
         "bad option: opts.max_nodes must be a positive integer")
   end)
end)

describe("a list parameter", function()
   local RULE = { params = {
      names = { type = "list" }, counts = { type = "list", items = "integer", max_items = 3 },
   } }

   local function check(with)
      local ctx = require("parley.check").new_context()
      local out = config.check_params(ctx, RULE.params, with, { path = "with" })
      return out, ctx.problems
   end

   it("takes scalars only: a list of lists (where aliases nest) is refused", function()
      local shared = { "lol", "lol" }
      local _, problems = check({ names = { shared, shared } })
      assert.equal(2, #problems)
      assert.matches("expected a string, a number or a boolean, got a list", problems[1].message)
      local out = check({ names = { "a", 1, true } })
      assert.same({ "a", 1, true }, out.names)
   end)

   it("has declared items and a length it cannot pass", function()
      local _, problems = check({ counts = { 1, 2, 3, 4 } })
      assert.matches("a list of 4 items; this parameter takes at most 3", problems[1].message)
      _, problems = check({ counts = { 1, "x" } })
      assert.matches("expected an integer", problems[1].message)
      assert.equal(10000, config.MAX_LIST_ITEMS)
      local many = {}
      for i = 1, 10001 do many[i] = "x" end
      _, problems = check({ names = many })
      assert.matches("at most 10000", problems[1].message)
   end)
end)

describe("parley.json.encode", function()
   it("refuses a table inside itself and stops at its byte budget", function()
      local t = {}
      t[1] = { t }
      assert.has_error(function() json.encode(t) end, "cannot encode a table that contains itself")
      local leaf = { string.rep("x", 100) }
      local v = leaf
      for _ = 1, 30 do v = { v, v } end -- 2^30 copies of leaf once written out
      assert.has_error(function() json.encode(v, { max_bytes = 1000000 }) end,
         "cannot encode: the JSON text would exceed 1000000 bytes (opts.max_bytes)")
      assert.equal(256 * 1024 * 1024, json.MAX_BYTES)
      -- a table shared by two parents, but on no path twice, is written twice
      assert.equal('[[1],[1]]', json.encode({ { 1 }, { 1 } }))
      local s = { 1 }
      assert.equal('[[1],[1]]', json.encode({ s, s }))
   end)
end)
