-- SPDX-License-Identifier: MIT
-- Every problem of a dataset at once, and advice where a newcomer's mistake is predictable.
local dataset = require "parley.dataset"
local yaml = require "parley.yaml"

local HEAD = [[
parties:
  - {id: ARM, name: Armenia}
sources:
  - {id: s1, title: Statement}
]]

local function problems(text)
   local data, marks = yaml.load(HEAD .. text, { name = "h.yaml", marks = true })
   local _, found = dataset.validate({ { data = data, marks = marks, name = "h.yaml" } }, {})
   return dataset.format_problems(found), #found
end

local function claim(count)
   return "claims:\n  - {id: c1, claimant: ARM, source: s1, as_of: 2021, subject: detainees, count: " .. count .. "}\n"
end

describe("dataset hints", function()
   it("a count written as words or a number says what to write", function()
      for written, advice in pairs({
         ['"about 200"'] = "write {best: 200, approx: true}", ["60"] = "write {exact: 60}",
         ['"~45"'] = "write {best: 45, approx: true}", ['"at least 100"'] = "write {low: 100}",
         ['"38-120"'] = "write {low: 38, high: 120}", ['"up to 30"'] = "write {high: 30}",
         ['"1,094"'] = "write {exact: 1094}", ['"38\u{2013}120"'] = "write {low: 38, high: 120}",
      }) do
         local text = problems(claim(written))
         assert.matches("h.yaml:6:%d+: claim c1: expected a mapping, got [^:]+: " .. advice:gsub("%p", "%%%0") ..
            " %(at claims%[1%]%.count%)", text)
      end
      assert.matches("expected a mapping, got the string \"many\" %(at", (problems(claim('"many"'))))
   end)

   it("a reliability in the wrong case says did you mean B?", function()
      local data, marks = yaml.load("sources:\n  - {id: s2, title: T, reliability: b}\n",
         { name = "h.yaml", marks = true })
      local _, found = dataset.validate({ { data = data, marks = marks, name = "h.yaml" } }, {})
      local text = dataset.format_problems(found)
      assert.matches("h.yaml:2:%d+: source s2: expected one of A, B, C, D, E, F, got the string \"b\" " ..
         "%(did you mean 'B'%?%)", text)
   end)

   it("a date written 12/06/2021 says both readings; 25/06/2021 says the one it can be", function()
      local text = problems("claims:\n  - {id: c1, claimant: ARM, source: s1, as_of: 12/06/2021, " ..
         "subject: detainees, count: {exact: 1}}\n")
      assert.matches("malformed date \"12/06/2021\": write YYYY, YYYY%-MM, YYYY%-MM%-DD or FIRST/LAST %(ambiguous: " ..
         "12 June or 6 December%) %(at claims%[1%]%.as_of%)", text)
      text = problems("claims:\n  - {id: c1, claimant: ARM, source: s1, as_of: 25/06/2021, subject: detainees, " ..
         "count: {exact: 1}}\n")
      assert.matches("%(did you mean 2021%-06%-25%?%)", text)
   end)

   it("a duplicate id is reported with every other problem, whichever record has them", function()
      local text, n = problems([[
claims:
  - {id: c1, claimant: ARM, source: s1, as_of: 2021, subject: detainees, count: {exact: 1}}
  - {id: c1, claimant: ARM, source: s1, as_of: 2021, subject: detainees, count: 60}
  - {id: c2, claimant: ARM, source: s1, as_of: 2021-13, subject: detainees, count: {exact: 1}}
  - {id: c2, claimant: ARM, source: s1, as_of: 2022, subject: detainees, count: {exact: 1}}
  - {id: c3, claimant: ARM, source: s1, as_of: 2021, subject: detainees, count: {exact: 1}, sorce: x}
  - {id: c3, claimant: ARM, source: s1, as_of: 2021, subject: detainees, count: {exact: 1}, sorce: x}
]])
      assert.matches("h.yaml:7:%d+: claim c1: expected a mapping, got the integer 60: write {exact: 60}", text)
      assert.matches("h.yaml:7:%d+: claim c1: claim id 'c1' is used twice in this import with different content " ..
         "%(first at claims%[1%]%)", text)
      assert.matches("h.yaml:8:%d+: claim c2: date \"2021%-13\" has no month 13", text)
      assert.matches("h.yaml:9:%d+: claim c2: claim id 'c2' is used twice in this import with different content " ..
         "%(first at claims%[3%]%)", text)
      -- the same record twice is not a duplicate: only its own problem, each time
      assert.is_nil(text:find("claim id 'c3'", 1, true))
      assert.matches("h.yaml:10:%d+: claim c3: unknown key 'sorce'", text)
      assert.equal(6, n, text)
   end)
end)
