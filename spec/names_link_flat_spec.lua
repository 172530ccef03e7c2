-- SPDX-License-Identifier: MIT
-- core.names.link's flat result (its 14th argument true, src/names_link.c): the pairs and the
-- uncertain pairs as three arrays (left positions, right positions, scores), the pairs first,
-- instead of a table per pair; what the resolution of people reads. It must hold exactly what
-- the tables hold, in the same order, one-to-one and when a list is linked with itself.
local kernels = require("parley.core").names

local NAMES = {
   "Davit Sargsyan", "Давид Саргсян", "Դավիթ Սարգսյան", "Davit Sarkisyan", "Karen Mkrtchyan", "Garik Mkrtchyan",
   "Armen Hakobyan", "Армен Акопян", "A. Hakobyan", "Arsen Hakobyan", "Elvin Mammadov", "Mamedov Elvin",
   "Elvin Mammadova", "Levon Petrosyan", "Levon Ter-Petrosyan", "Narek Hovhannisyan", "Нарек Оганесян",
}

local function packed(list)
   local out = {}
   for i, n in ipairs(list) do out[i] = assert(kernels.pack(n)) end
   return out
end

-- The tables' pairs then uncertain pairs, and the flat arrays, as the same text.
local function both(...)
   local args = table.pack(...)
   local pairs_, uncertain, compared = kernels.link(table.unpack(args, 1, 12))
   args[13], args[14] = false, true
   local lefts, rights, scores, npairs, compared_flat = kernels.link(table.unpack(args, 1, 14))
   local want, got = {}, {}
   for _, list in ipairs({ pairs_, uncertain }) do
      for _, p in ipairs(list) do want[#want + 1] = string.format("%d %d %.17g", p.left, p.right, p.score) end
   end
   for k = 1, #lefts do got[k] = string.format("%d %d %.17g", lefts[k], rights[k], scores[k]) end
   assert.is_true(#pairs_ > 0 and #uncertain > 0, "pairs and uncertain pairs both: the order between them matters")
   assert.same({ #lefts, #lefts }, { #rights, #scores })
   assert.equal(table.concat(want, "\n"), table.concat(got, "\n"))
   assert.equal(#pairs_, npairs)
   assert.equal(compared, compared_flat)
end

describe("core.names.link flat", function()
   local p = packed(NAMES)

   it("holds the pairs and the uncertain pairs of two lists, in their order", function()
      local l, r = {}, {}
      for i = 1, #p do
         if i % 2 == 1 then l[#l + 1] = p[i] else r[#r + 1] = p[i] end
      end
      both(l, r, {}, {}, {}, {}, 0.86, 0.5, false)
      both(l, r, {}, {}, {}, {}, 0.86, 0.5, true)
   end)

   it("holds every candidate of a list linked with itself", function()
      local groups = {}
      for i = 1, #p do groups[i] = (i + 1) // 2 end
      both(p, p, {}, {}, {}, {}, 0.86, 0.5, false, nil, groups)
      both(p, p, {}, {}, {}, {}, 0.86, 0.5, true, nil, groups)
   end)

   it("is empty, with nothing to pair", function()
      local lefts, rights, scores, npairs, compared = kernels.link({}, {}, {}, {}, {}, {}, 0.86, 0.72, false, nil, nil,
         nil, false, true)
      assert.same({ {}, {}, {}, 0, 0 }, { lefts, rights, scores, npairs, compared })
   end)
end)
