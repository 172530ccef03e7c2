-- SPDX-License-Identifier: MIT
-- opposing_assertions counts each two claimants' opposing pairs of a group without visiting
-- them (docs/rules/opposing_assertions.md): on random groups of assertions with overlapping
-- periods, repeated values, numbers written as integers and floats, and several claimants, its
-- findings are those of visiting every pair, as the rule did before (the reference below).
local rule = require "parley.rules.opposing_assertions"
local dates = require "parley.dates"
local support = require "support"

local function claim(id, claimant, as_of, value)
   return { id = id, claimant = claimant, as_of = as_of, as_of_period = dates.parse(as_of), value = value,
      subject = "s", about = "ARM", canonical = { subject = "s", scope = {}, kind = "event" } }
end

-- Every pair visited: each two claimants' first opposing pair (in as_of order) and count.
local function reference(claims)
   local pairs_of, order = {}, {}
   for i = 1, #claims do
      local a = claims[i]
      for j = i + 1, #claims do
         local b = claims[j]
         if b.as_of_period.first > a.as_of_period.last then break end
         if a.claimant ~= b.claimant and a.value ~= b.value and dates.overlap(a.as_of_period, b.as_of_period) then
            local x, y = a.claimant, b.claimant
            if x > y then x, y = y, x end
            local key = x .. "\0" .. y
            if not pairs_of[key] then
               pairs_of[key] = { claims = { a.id, b.id }, n = 0 }
               order[#order + 1] = key
            end
            pairs_of[key].n = pairs_of[key].n + 1
         end
      end
   end
   local out = {}
   for _, key in ipairs(order) do
      out[#out + 1] = { claims = pairs_of[key].claims, pairs = pairs_of[key].n }
   end
   return out
end

local function run(claims)
   local found = {}
   local ctx = { db = support.claims_db(claims), params = {} }
   function ctx.finding(_, f)
      found[#found + 1] = { claims = { f.details.first.claim, f.details.second.claim }, pairs = f.measures.pairs }
   end
   rule.run(ctx)
   return found
end

describe("opposing_assertions", function()
   it("finds each two claimants' first opposing pair and counts them all, as visiting every pair does", function()
      local DATES = { "2021", "2021-03", "2021-06", "2021-06-12", "2021-06-20", "2021-07", "2020-11/2021-02", "2022" }
      local VALUES = { true, false, 1, 1.0, 2, "yes", "no" }
      local CLAIMANTS = { "ARM", "AZE", "GEO", "RUS" }
      local rng = 20261203
      local function random(n)
         rng = (rng * 1103515245 + 12345) % 2147483648
         return rng % n + 1
      end
      local checked = 0
      for round = 1, 300 do
         local claims = {}
         for i = 1, random(40) do
            claims[i] = claim(string.format("c%02d-%03d", round, i), CLAIMANTS[random(#CLAIMANTS)],
               DATES[random(#DATES)], VALUES[random(round % 3 == 0 and 2 or #VALUES)])
         end
         local got = run(claims)
         assert.same(reference(claims), got, "round " .. round)
         checked = checked + #got
      end
      assert.is_true(checked > 300)
   end)

   it("gives the pairs one claim opposes in the order of their second claims", function()
      local got = run({ claim("a", "ARM", "2021-06", true), claim("b", "GEO", "2021-06-10", false),
         claim("c", "AZE", "2021-06-20", false) })
      assert.same({ { claims = { "a", "b" }, pairs = 1 }, { claims = { "a", "c" }, pairs = 1 } }, got)
   end)

   it("takes a value that is not a number (NaN) for one that equals nothing, itself included", function()
      local nan = 0 / 0
      local got = run({ claim("a", "ARM", "2021", nan), claim("b", "AZE", "2021", nan),
         claim("c", "AZE", "2021", nan) })
      assert.same({ { claims = { "a", "b" }, pairs = 2 } }, got)
   end)
end)
