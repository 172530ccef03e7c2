-- SPDX-License-Identifier: MIT
-- What names_link's cap on the names compared per block (BLOCK_CAP in src/names_link.c) costs
-- in pairs found, against the same blocking without a cap, measured in the same run:
--   1. generated lists (bench/names_gen.lua: variants of generated persons, with years), where
--      blocks are as crowded as common names make them;
--   2. crowded lists: the generated persons drawn from a pool of only `pool` distinct persons,
--      so that blocks hold hundreds of namesakes;
--   3. one name repeated n times on both sides (the attack the cap is for).
-- Prints, for each, pairs found and recall against the truth with and without the cap, the
-- ratio of pairs compared and of time.
--   lua5.4 bench/names_block_cap.lua [n] [pool]
local dir = arg and arg[0] and arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path

local core = require "parley.core"
local names = require "parley.names"
local gen = require "names_gen"

local n = tonumber(arg and arg[1]) or 20000
local pool = tonumber(arg and arg[2]) or 300
local UNCAPPED = 1 << 40

local function pack(list)
   local packed, born = {}, {}
   for i, e in ipairs(list) do
      packed[i] = assert(core.names.pack(e.name))
      born[i] = e.born
   end
   return packed, born
end

local function link(left, right, cap)
   local pl, bl = pack(left)
   local pr, br = pack(right)
   local t = os.clock()
   local pairs_, _, compared = core.names.link(pl, pr, bl, br, nil, nil, names.threshold, names.review, false, cap)
   return pairs_, compared, os.clock() - t
end

local function recall(pairs_, truth, nleft)
   local ok, total = 0, 0
   for i = 1, nleft do if truth[i] then total = total + 1 end end
   for _, p in ipairs(pairs_) do if truth[p.left] == p.right then ok = ok + 1 end end
   return total > 0 and ok / total or 1
end

-- truth: left index -> right index of the same person, or nil when any pairing is right
local function compare(title, left, right, truth)
   local pc, cc, tc = link(left, right, nil)
   local pu, cu, tu = link(left, right, UNCAPPED)
   local rc = truth and recall(pc, truth, #left) or #pc / #left
   local ru = truth and recall(pu, truth, #left) or #pu / #left
   print(title)
   print(string.format("  uncapped: %d pairs, recall %.4f, %d compared, %.2f s", #pu, ru, cu, tu))
   print(string.format("  capped:   %d pairs, recall %.4f, %d compared, %.2f s", #pc, rc, cc, tc))
   print(string.format("  capped/uncapped: pairs %.4f, recall loss %.2f points, compared %.4f, time %.4f",
      #pc / math.max(1, #pu), 100 * (ru - rc), cc / math.max(1, cu), tc / math.max(1e-9, tu)))
end

local left, right, truth = gen.lists(n - n // 10, 4242, n // 10)
compare(string.format("1. generated lists, %d x %d", #left, #right), left, right, truth)

-- 2. namesakes: n persons named with only `pool` names (each shared by about n / pool persons,
-- told apart by their years), a variant of each on the left and, shuffled, on the right
gen.seed(4243)
local named = {}
for i = 1, pool do named[i] = gen.person() end
local crowd_l, crowd_r, crowd_truth, order = {}, {}, {}, {}
local persons = {}
for i = 1, n do
   local p = {}
   for k, v in pairs(named[(i - 1) % pool + 1]) do p[k] = v end
   p.born = 1960 + (i * 7919) % 45
   persons[i] = p
   order[i] = i
end
for i = n, 2, -1 do
   local j = (i * 104729) % i + 1
   order[i], order[j] = order[j], order[i]
end
for i = 1, n do crowd_l[i] = { name = gen.variant(persons[i]), born = persons[i].born } end
for k, i in ipairs(order) do
   crowd_r[k] = { name = gen.variant(persons[i]), born = persons[i].born }
   crowd_truth[i] = k
end
compare(string.format("2. namesakes: %d persons with %d names, %d x %d", n, pool, #crowd_l, #crowd_r),
   crowd_l, crowd_r, crowd_truth)

local same_l, same_r = {}, {}
for i = 1, n // 4 do same_l[i], same_r[i] = { name = "Elvin Mammadov" }, { name = "Elvin Mammadov" } end
compare(string.format("3. one name %d times on each side (recall: pairs made / names)", #same_l), same_l, same_r)
