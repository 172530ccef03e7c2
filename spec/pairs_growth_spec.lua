-- SPDX-License-Identifier: MIT
-- kit.other_claimant_pairs skips a run of one claimant's items at once rather than walking
-- each (issue 17: list_overlap and population_estimate walk groups of thousands of one
-- claimant's lists of one period): on random lists of items of one to four claimants, in
-- as_of order and not, with periods nested, equal and apart, it visits exactly the pairs, in
-- the same order, that the walk visiting every later item until one begins after the first's
-- last day gives when it keeps those of different claimants (the reference below).
local kit = require "parley.rulekit"
local dates = require "parley.dates"
local support = require "support"

local function reference(items)
   local out = {}
   for i = 1, #items do
      for j = i + 1, #items do
         if items[j].as_of_period.first > items[i].as_of_period.last then break end
         if items[i].claimant ~= items[j].claimant then out[#out + 1] = { i, j } end
      end
   end
   return out
end

local function visited(items)
   local out = {}
   kit.other_claimant_pairs(items, function(i, j) out[#out + 1] = { i, j } end)
   return out
end

describe("kit.other_claimant_pairs", function()
   it("visits the pairs of different claimants that the walk visits, in its order", function()
      local DATES = { "2021", "2021-03", "2021-06", "2021-06-12", "2021-06-20", "2021-07", "2020-11/2021-02",
         "2022" }
      local CLAIMANTS = { "ARM", "AZE", "ICRC", "RUS" }
      local random = support.random(20261204)
      local checked = 0
      for round = 1, 500 do
         local items = {}
         local n_claimants = random(#CLAIMANTS)
         -- long runs of one claimant in some rounds
         local heavy = round % 2 == 0
         for i = 1, random(80) do
            local as_of = round % 5 == 0 and "2021" or DATES[random(#DATES)]
            items[i] = { id = i, as_of_period = assert(dates.parse(as_of)),
               claimant = heavy and random(5) > 1 and "ARM" or CLAIMANTS[random(n_claimants)] }
         end
         -- most rounds in as_of order, as the rules give them; the others not
         if round % 7 ~= 0 then
            table.sort(items, support.by_as_of)
         end
         local got = visited(items)
         assert.same(reference(items), got, "round " .. round)
         checked = checked + #got
      end
      assert.is_true(checked > 20000, "the rounds visit pairs: " .. checked)
   end)
end)
