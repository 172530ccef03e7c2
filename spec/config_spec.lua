-- SPDX-License-Identifier: MIT
-- Checking a reconciliation config before anything runs.
local vocab = require "parley.vocab"
local config = require "parley.config"
local support = require "support"

local function problems(cfg, base)
   local ok, err = config.load(cfg, { base = base or support.top })
   assert.is_nil(ok)
   return err
end

describe("the reconciliation config", function()
   it("fills defaults: an in-memory store, no data, the documented limits", function()
      local c = assert(config.load({ rules = { { use = "count_gap" } } }))
      assert.equal(":memory:", c.store)
      assert.same({}, c.data)
      assert.same(vocab.DEFAULT_LIMITS, c.limits)
      assert.is_true(c.rules[1].enabled)
   end)

   it("resolves paths relative to the config's directory", function()
      local c = assert(config.load({ store = "x.db", data = "dataset.yaml", rules = { { use = "count_gap" } } },
         { base = support.top .. "/examples/caucasus-2021" }))
      assert.equal(support.top .. "/examples/caucasus-2021/x.db", c.store)
      assert.same({ support.top .. "/examples/caucasus-2021/dataset.yaml" }, c.data)
   end)

   it("reports every problem at once, with key paths", function()
      local err = problems({
         parley = 2, stor = "x.db", data = { "missing.yaml" },
         rules = { { use = "count_gapp" },
            { use = "count_gap", script = "examples/caucasus-2021/rules/self_sourced.lua" },
            { severity = "urgent" },
            { script = "nope.lua", with = 3 } },
         limits = { memory_mb = 0, secnds = 1 },
         report = { { format = "pdf", path = "x" } },
      })
      for _, expected in ipairs({
         "this parley reads config format 1, the file says the integer 2 (at parley)",
         "unknown key 'stor' (did you mean 'store'?)",
         "no such file: " .. support.top .. "/missing.yaml (at data[1])",
         "no built-in rule 'count_gapp' (did you mean 'count_gap'?) (at rules[1].use)",
         "a rule entry has either use: NAME (a built-in rule) or script: PATH, exactly one (at rules[2])",
         "expected one of info, low, medium, high, critical, got the string \"urgent\" (at rules[3].severity)",
         "no such file: " .. support.top .. "/nope.lua (at rules[4].script)",
         "expected a mapping of parameters, got the integer 3 (at rules[4].with)",
         "0 is out of range: it must be from 1 to 65536 (at limits.memory_mb)",
         "unknown key 'secnds' (did you mean 'seconds'?) (at limits.secnds)",
         "got the string \"pdf\" (at report[1].format)",
      }) do
         assert.truthy(err:find(expected, 1, true), "missing: " .. expected .. "\nin:\n" .. err)
      end
   end)

   it("needs at least the rules key", function()
      assert.matches("missing required key 'rules'", problems({ store = ":memory:" }))
   end)

   it("checks that the store's directory exists", function()
      assert.matches("the store's directory /nonexistent does not exist", problems({ store = "/nonexistent/x.db",
         rules = { { use = "count_gap" } } }))
   end)
end)

describe("rule parameters", function()
   local check = require "parley.check"
   local declared = {
      max_ratio = { type = "number", default = 1.5, min = 1 },
      min_difference = { type = "integer", default = 1, min = 0 },
      mode = { type = "string", values = { "strict", "loose" }, default = "strict" },
      label = { type = "string", required = true },
   }

   local function run(with)
      local ctx = check.new_context()
      local out = config.check_params(ctx, declared, with, { path = "rules[1].with" })
      local msgs = {}
      for i, p in ipairs(ctx.problems) do msgs[i] = check.format_problem(p) end
      return out, table.concat(msgs, "\n")
   end

   it("fills defaults for what `with` leaves out", function()
      local out, err = run({ label = "x" })
      assert.equal("", err)
      assert.same({ max_ratio = 1.5, min_difference = 1, mode = "strict", label = "x" }, out)
   end)

   it("refuses unknown parameters, wrong types, values out of range, and missing required ones", function()
      local _, err = run({ max_ratoi = 2, min_difference = 1.5, mode = "fuzzy" })
      assert.matches("the rule has no parameter 'max_ratoi' %(did you mean 'max_ratio'%?%)", err)
      assert.matches("expected an integer, got the number 1.5 %(at rules%[1%]%.with%.min_difference%)", err)
      assert.matches("expected one of strict, loose, got the string \"fuzzy\"", err)
      assert.matches("the rule needs parameter 'label'", err)
      _, err = run({ label = "x", max_ratio = 0.5 })
      assert.matches("0.5 is out of range: it must be at least 1", err)
   end)
end)
