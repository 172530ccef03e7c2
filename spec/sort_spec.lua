-- SPDX-License-Identifier: MIT
-- core.sort_integers (src/sort.c): a list of integers sorted in place, ascending, as
-- table.sort sorts it; the resolution of people orders its pairs and rows with it.
local core = require "parley.core"

describe("core.sort_integers", function()
   it("sorts as table.sort does, repeated values, negatives and the extremes too", function()
      local seed, list = 7, {}
      for i = 1, 5000 do
         seed = (seed * 1103515245 + 12345) % 2147483648
         -- small values of both signs (every byte differs between them) and large ones
         list[i] = i % 2 == 0 and seed % 1000 - 500 or seed * 4096 + i
      end
      list[#list + 1], list[#list + 2] = math.maxinteger, math.mininteger
      local want = table.move(list, 1, #list, 1, {})
      table.sort(want)
      core.sort_integers(list)
      assert.same(want, list)
   end)

   it("leaves an empty list and a list of one as they are", function()
      local empty, one = {}, { 42 }
      core.sort_integers(empty)
      core.sort_integers(one)
      assert.same({ {}, { 42 } }, { empty, one })
   end)

   it("refuses what is not a list of integers, naming the item", function()
      assert.has_error(function() core.sort_integers({ 3, 2.5, 1 }) end, "sort_integers: item 2 is not an integer")
      assert.has_error(function() core.sort_integers({ 1, "2" }) end, "sort_integers: item 2 is not an integer")
      assert.has_error(function() core.sort_integers("list") end)
   end)
end)
