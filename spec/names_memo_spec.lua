-- SPDX-License-Identifier: MIT
-- src/names_memo.c: one call of names.link remembers the similarity of each pair of words it
-- scored (the resolution of people compares the same words millions of times). The memo must
-- change no score and no pair: core.names.link with its last argument true scores every word
-- pair every time, and both must give the same pairs, uncertain pairs and work, on real-world
-- spellings (bench/names_hard.tsv, bench/names_tune.tsv), blocked and exhaustive, when a
-- list is linked with itself and when two lists are linked, and when the memo is full.
local support = require "support"

local kernels = require("parley.core").names
local hard = dofile(support.top .. "/bench/names_hard.lua")

-- Every record of both sets: packed names, years, categories, and each record its own group.
local function corpus()
   local packed, born, cat, group = {}, {}, {}, {}
   for _, file in ipairs({ "names_hard.tsv", "names_tune.tsv" }) do
      for _, r in ipairs(hard.load(support.top .. "/bench/" .. file)) do
         local k = #packed + 1
         packed[k] = assert(kernels.pack(r.name))
         born[k], cat[k], group[k] = r.born, r.role, k
      end
   end
   return packed, born, cat, group
end

-- A list's pairs as text, in the kernel's order.
local function text(list)
   local out = {}
   for i, p in ipairs(list) do out[i] = string.format("%d %d %.17g", p.left, p.right, p.score) end
   return table.concat(out, "\n")
end

-- Links with and without the memo (args: link's first twelve) and checks that both agree.
local function agree(...)
   local args = table.pack(...)
   local pairs_m, unc_m, compared_m = kernels.link(table.unpack(args, 1, 12))
   args[13] = true
   local pairs_n, unc_n, compared_n = kernels.link(table.unpack(args, 1, 13))
   assert.is_true(#pairs_m + #unc_m > 0, "nothing linked: the comparison would prove nothing")
   assert.equal(text(pairs_n), text(pairs_m))
   assert.equal(text(unc_n), text(unc_m))
   assert.equal(compared_n, compared_m)
   return #pairs_m, #unc_m
end

describe("names.link's word memo", function()
   local packed, born, cat, group = corpus()

   it("changes nothing when a list is linked with itself, blocked and exhaustive", function()
      agree(packed, packed, born, born, cat, cat, 0.86, 0.72, false, nil, group)
      -- every pair of 400 names (of all of them: seconds)
      local n = 400
      local sp, sb, sc, sg = {}, {}, {}, {}
      for i = 1, n do sp[i], sb[i], sc[i], sg[i] = packed[i], born[i], cat[i], group[i] end
      agree(sp, sp, sb, sb, sc, sc, 0.86, 0.72, true, nil, sg)
   end)

   it("changes nothing when two lists are linked one-to-one", function()
      local l, r, lb, rb, lc, rc = {}, {}, {}, {}, {}, {}
      for i = 1, #packed do
         local into, b, c = (i % 2 == 0) and l or r, (i % 2 == 0) and lb or rb, (i % 2 == 0) and lc or rc
         into[#into + 1], b[#into + 1], c[#into + 1] = packed[i], born[i], cat[i]
      end
      agree(l, r, lb, rb, lc, rc, 0.86, 0.72, false)
   end)

   it("changes nothing when there are more words than it holds", function()
      -- 60 names of eight words, each a surname changed in one letter: up to 360 words to
      -- intern (six of each name are compared), more than the 256 this call's memo holds
      -- (names_memo.c: 4 slots a name of either side, 60 + 60, half of them used), and more
      -- word pairs than its 1,024 pair slots
      local stems = { "hakobyan", "mammadov", "sargsyan", "aliyev", "petrosyan", "hasanov", "grigoryan", "guliyev" }
      local letters = "abdegiklmnoprstuvz"
      local ns, gs = {}, {}
      for i = 1, 60 do
         local words = {}
         for w = 1, 8 do
            local s = stems[(i + w) % #stems + 1]
            local at = (i * 7 + w * 3) % #s + 1
            local c = letters:sub((i * 5 + w) % #letters + 1, (i * 5 + w) % #letters + 1)
            words[w] = s:sub(1, at - 1) .. c .. s:sub(at + 1)
         end
         ns[i] = assert(kernels.pack(table.concat(words, " ")))
         gs[i] = i
      end
      agree(ns, ns, {}, {}, {}, {}, 0.86, 0.5, true, nil, gs)
      agree(ns, ns, {}, {}, {}, {}, 0.86, 0.5, false, nil, gs)
   end)
end)
