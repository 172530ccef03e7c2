-- SPDX-License-Identifier: MIT
-- The rules about persons through parley.reconcile on stores too big for rule cases, with
-- their defaults: a finding with more persons than its details can hold stays within the
-- sandbox's 64 KiB of details and says what it left out (rulekit.room).
local parley = require "parley"
local json = require "parley.json"
local support = require "support"

-- ARM's list of n of its people held by AZE, each with a long name, and nothing from AZE.
local function one_list(n)
   local ds = {
      parley = 1,
      parties = { { id = "ARM", name = "Armenia" }, { id = "AZE", name = "Azerbaijan" } },
      sources = { { id = "arm-src", title = "Armenian list", party = "ARM" } },
   }
   local l = { id = "arm-held", claimant = "ARM", source = "arm-src", holder = "AZE", about = "ARM",
      subject = "detainees", as_of = "2021-06", persons = {} }
   for i = 1, n do
      -- names far apart from each other (no two of them one person)
      local a, b = string.char(97 + i % 26, 97 + (i // 26) % 26), string.char(97 + (i // 676) % 26)
      l.persons[i] = { name = string.format("Person%sname%s Family%sname%s Middle%sname%d", a, b, b, a, a, i),
         born = 1960 + i % 40 }
   end
   ds.lists = { l }
   return ds
end

local function run_on(ds, with, rule)
   local path = support.tmpname("store.db")
   local db = assert(parley.open(path))
   assert(db:import(ds))
   db:close()
   local config = { parley = 1, store = path, rules = { { use = rule or "unaccounted_persons", with = with } } }
   local run, err = parley.reconcile(config, { jobs = 1 })
   assert(run, err)
   assert.equal("findings", run.outcomes[1].outcome, run.outcomes[1].error)
   return run.findings
end

-- ARM's and AZE's lists of n persons each, m of them with the same names on both.
local function two_lists(n, m)
   local ds = one_list(n)
   local b = { id = "aze-held", claimant = "AZE", holder = "AZE", about = "ARM", subject = "detainees",
      as_of = "2021-06-12", persons = {} }
   for i = 1, n do
      local p = ds.lists[1].persons[i]
      b.persons[i] = i <= m and { name = p.name, born = p.born } or { name = "Other " .. p.name:reverse() }
   end
   ds.lists[2] = b
   return ds
end

describe("list_overlap: details within 64 KiB", function()
   it("two lists of 600 with defaults: a finding, its details truncated and what was left out counted", function()
      local findings = run_on(two_lists(600, 400), nil, "list_overlap")
      assert.equal(1, #findings)
      local f = findings[1]
      assert.truthy(#json.encode(f.details) <= 64 * 1024)
      assert.is_true(f.details.truncated)
      local d, out = f.details, f.details.left_out
      assert.equal(f.measures.matched, #d.pairs + out.pairs)
      assert.equal(f.measures.uncertain, #d.review + out.review)
      assert.equal(f.measures.only_left, #d.only_left + out.only_left)
      assert.equal(f.measures.only_right, #d.only_right + out.only_right)
      assert.truthy(out.pairs + out.review + out.only_left + out.only_right > 0)
   end)
end)

describe("unaccounted_persons: details within 64 KiB", function()
   it("keeps a finding's details within 64 KiB when it has more persons than fit, and says it is truncated", function()
      local findings = run_on(one_list(600), { max_details = 1000 })
      assert.equal(1, #findings)
      local f = findings[1]
      assert.equal(600, f.measures.unaccounted)
      assert.equal(600, #f.evidence.persons)
      assert.truthy(#json.encode(f.details) <= 64 * 1024)
      assert.is_true(f.details.truncated)
      local shown = #f.details.people
      assert.truthy(shown > 0 and shown < 600)
      assert.equal(600 - shown, f.details.left_out.people)
      assert.equal(0, f.details.left_out.for_review)
   end)

   it("gives every person and no truncated when they fit", function()
      local f = run_on(one_list(20))[1]
      assert.equal(20, f.measures.unaccounted)
      assert.equal(20, #f.details.people)
      assert.is_nil(f.details.truncated)
      assert.is_nil(f.details.left_out)
   end)
end)
