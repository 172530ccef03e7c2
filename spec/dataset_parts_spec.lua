-- SPDX-License-Identifier: MIT
-- part_of: a claim whose count is part of another's (a breakdown), checked to be one statement
-- with its total, with every problem at file:line:col and key path.
local parley = require "parley"
local dataset = require "parley.dataset"
local yaml = require "parley.yaml"

local HEAD = [[
parties:
  - {id: ARM, name: Armenia}
  - {id: AZE, name: Azerbaijan}
sources:
  - {id: s1, title: Statement}
claims:
  - {id: total, claimant: AZE, source: s1, as_of: 2021-06, subject: missing, holder: AZE, about: ARM,
     count: {exact: 4354}, scope: [soldiers, civilians, status_unknown]}
]]

local function problems(text, opts)
   local data, marks = yaml.load(HEAD .. text, { name = "parts.yaml", marks = true })
   local _, found = dataset.validate({ { data = data, marks = marks, name = "parts.yaml" } }, opts)
   return dataset.format_problems(found), found
end

describe("part_of", function()
   it("accepts a part of the same claimant, subject (through synonyms), holder, about and date", function()
      local text, found = problems([[
  - {id: p1, claimant: AZE, source: s1, as_of: 2021-06-30, subject: missing_persons, holder: AZE, about: ARM,
     count: {exact: 3503}, scope: [military], part_of: total}
  - {id: p2, claimant: AZE, source: s1, as_of: 2021-06, subject: missing, holder: AZE, about: ARM,
     count: {exact: 9}, part_of: total}
]])
      assert.equal(0, #found, text)
   end)

   it("refuses a part that says another claimant, holder, subject or date, or a scope outside its total's", function()
      local text = problems([[
  - {id: p1, claimant: ARM, source: s1, as_of: 2021-06, subject: missing, holder: AZE, about: ARM,
     count: {exact: 1}, part_of: total}
  - {id: p2, claimant: AZE, source: s1, as_of: 2021-06, subject: missing, about: ARM,
     count: {exact: 1}, part_of: total}
  - {id: p3, claimant: AZE, source: s1, as_of: 2021-06, subject: detainees, holder: AZE, about: ARM,
     count: {exact: 1}, part_of: total}
  - {id: p4, claimant: AZE, source: s1, as_of: 2021-07-01, subject: missing, holder: AZE, about: ARM,
     count: {exact: 1}, part_of: total}
  - {id: p5, claimant: AZE, source: s1, as_of: 2021-06, subject: missing, holder: AZE, about: ARM,
     count: {exact: 1}, scope: [soldiers, women], part_of: total}
  - {id: p6, claimant: AZE, source: s1, as_of: 2021-06, subject: missing, holder: AZE, about: ARM,
     value: true, part_of: total}
]])
      assert.matches("parts.yaml:10:%d+: claim p1: part_of names claim 'total', whose claimant is 'AZE', but " ..
         "this claim's is 'ARM'", text)
      assert.matches("parts.yaml:12:%d+: claim p2: part_of names claim 'total', whose holder is 'AZE', but this " ..
         "claim's is none", text)
      assert.matches("parts.yaml:14:%d+: claim p3: part_of names claim 'total', whose subject is 'missing', but " ..
         "this claim's is 'detainees'", text)
      assert.matches("claim p4: part_of names claim 'total', as of 2021%-06, but this claim is as of 2021%-07%-01",
         text)
      assert.matches("claim p5: part_of names claim 'total', whose scope %(civilians, soldiers, status_unknown%) " ..
         "does not include 'women'", text)
      assert.matches("claim p6: part_of names claim 'total', but a breakdown is of counts", text)
      assert.matches("%(at claims%[2%]%.part_of%)", text)
      local n = select(2, text:gsub("\n", "")) + 1
      assert.equal(6, n, text)
   end)

   it("refuses a part of itself, a circle of parts, and an unknown total", function()
      local text = problems([[
  - {id: a, claimant: AZE, source: s1, as_of: 2021-06, subject: missing, holder: AZE, about: ARM,
     count: {exact: 1}, part_of: a}
  - {id: b, claimant: AZE, source: s1, as_of: 2021-06, subject: missing, holder: AZE, about: ARM,
     count: {exact: 1}, part_of: c}
  - {id: c, claimant: AZE, source: s1, as_of: 2021-06, subject: missing, holder: AZE, about: ARM,
     count: {exact: 1}, part_of: b}
  - {id: d, claimant: AZE, source: s1, as_of: 2021-06, subject: missing, holder: AZE, about: ARM,
     count: {exact: 1}, part_of: totl}
]])
      assert.matches("claim a: claim 'a' cannot be a part of itself", text)
      assert.matches("claim b: part_of goes round in a circle %(b %-> c %-> b%)", text)
      assert.matches("claim c: part_of goes round in a circle %(c %-> b %-> c%)", text)
      assert.matches("claim d: unknown claim 'totl' %(did you mean 'total'%?%)", text)
   end)

   it("checks a part against a total already in the store, and the store keeps it", function()
      local db = assert(parley.open(":memory:"))
      assert(db:import(yaml.load(HEAD)))
      local ok, err = db:import({ claims = { { id = "p1", claimant = "AZE", source = "s1", as_of = "2021-06",
         subject = "missing", holder = "AZE", count = { exact = 1 }, part_of = "total" } } })
      assert.is_nil(ok)
      assert.matches("whose about is 'ARM', but this claim's is none", err)
      assert(db:import({ claims = { { id = "p1", claimant = "AZE", source = "s1", as_of = "2021-06",
         subject = "missing", holder = "AZE", about = "ARM", count = { exact = 1 }, part_of = "total" } } }))
      local p
      for c in db:claims({ id = "p1" }) do p = c end
      assert.equal("total", p.part_of)
      db:close()
   end)
end)
