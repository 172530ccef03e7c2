-- SPDX-License-Identifier: MIT
-- A config's problems are all reported in one pass: the parameters of its rule entries (which
-- need each rule's manifest, read in the sandbox) with the unknown keys, missing files and bad
-- values of the rest, sorted by where they are.
local support = require "support"
local parley = require "parley"

local example_dir = support.top .. "/examples/caucasus-2021"

describe("a config with several kinds of problem", function()
   it("reports the rules' parameter errors with the other config errors", function()
      local path = support.write(support.tmpname("config.yaml"), [[
parley: 1
stor: x.db
data: []] .. example_dir .. [[/dataset.yaml]
rules:
  - use: count_gap
    with: {max_ratio: "big", maxratio: 2}
  - use: stale_claim
    with: {max_age: 30}
  - use: count_gapp
limits: {secnds: 3}
]])
      -- the example's dataset lies outside the spec's directory: allowed, to leave only the problems
      local run, err, kind = parley.reconcile(path, { allow_outside = true })
      assert.is_nil(run)
      assert.equal("input", kind)
      local lines = {}
      for line in err:gmatch("[^\n]+") do lines[#lines + 1] = line end
      assert.same({
         path .. ":2:1: unknown key 'stor' (did you mean 'store'?) (at stor)",
         path .. ":6:23: expected a number, got the string \"big\" (at rules[1].with.max_ratio)",
         path .. ":6:40: the rule has no parameter 'maxratio' (did you mean 'max_ratio'?) (it has: " ..
            "approx_margin, max_ratio, min_difference, scopes) (at rules[1].with.maxratio)",
         path .. ":8:21: the rule has no parameter 'max_age' (did you mean 'max_age_days'?) (it has: as_of, " ..
            "exclude_subjects, max_age_days, old_after_days, old_severity, subject) (at rules[2].with.max_age)",
         path .. ":9:10: no built-in rule 'count_gapp' (did you mean 'count_gap'?) (at rules[3].use)",
         path .. ":10:10: unknown key 'secnds' (did you mean 'seconds'?) (at limits.secnds)",
      }, lines)
   end)

   it("does so for a config given as a table, and from the command line with exit code 3", function()
      local _, err = parley.reconcile({ parley = 2, rules = { { use = "stale_claim", with = { max_age = 30 } } } })
      assert.matches("this parley reads config format 1", err)
      assert.matches("the rule has no parameter 'max_age'", err)
      local path = support.write(support.tmpname("config.yaml"),
         "parley: 1\nstore: 3\nrules:\n  - use: count_gap\n    with: {max_ratio: -1}\n")
      local code, out, stderr = support.parley("reconcile", path)
      assert.equal(3, code, out)
      assert.matches(":2:8: expected a string", stderr)
      assert.matches(":5:23: .* %(at rules%[1%]%.with%.max_ratio%)", stderr)
   end)

   it("leaves out the parameters of an entry that is itself wrong", function()
      -- the entry names no rule that exists: there is no manifest to check its parameters against
      local _, err = parley.reconcile({ parley = 1, rules = { { use = "count_gapp", with = { max_age = 30 } } } })
      assert.matches("no built%-in rule 'count_gapp'", err)
      assert.is_nil(err:find("no parameter", 1, true))
   end)
end)
