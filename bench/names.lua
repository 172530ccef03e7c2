-- SPDX-License-Identifier: MIT
-- Speed of parley.names, with peers run in the same bench run:
--   1. jaro_winkler pairs per second from Lua against python3-jellyfish on the same pairs, and
--      match pairs per second on those pairs;
--   2. link on two generated lists of 100,000 names: time, pairs compared (blocking), peak
--      memory, and precision/recall against the generator's truth;
--   3. blocking's recall loss: link against an exhaustive comparison on a 2,000 x 2,000 sample.
-- NAMES_BENCH_N sets the list size of 2 (default 100000).
local dir = arg and arg[0] and arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path

local names = require "parley.names"
local gen = require "names_gen"

local python = os.getenv("PYTHON") or "/usr/bin/python3"
local n_link = tonumber(os.getenv("NAMES_BENCH_N")) or 100000

local function now()
   return os.clock()
end

local function wall(fn)
   local t0 = os.time()
   local c0 = now()
   local a, b, c = fn()
   return now() - c0, os.time() - t0, a, b, c
end

local function peak_rss_mb()
   local f = io.open("/proc/self/status")
   if not f then
      return nil
   end
   local s = f:read("a")
   f:close()
   local kb = s:match("VmHWM:%s*(%d+)")
   return kb and tonumber(kb) / 1024
end

------------------------------------------------------------------ 1. jaro_winkler

local pairs_ = gen.pairs(20000, 424242)
local path = os.tmpname()
do
   local f = assert(io.open(path, "w"))
   for _, p in ipairs(pairs_) do
      local a, b = p[1]:gsub("[\t\n]", " "), p[2]:gsub("[\t\n]", " ")
      f:write(a, "\t", b, "\t", p[3] and "1" or "0", "\n")
   end
   f:close()
end

-- the two sides in two flat arrays, the way a Lua loop over columns holds them
local left_names, right_names = {}, {}
for i, pr in ipairs(pairs_) do
   left_names[i], right_names[i] = pr[1], pr[2]
end
local jw = names.jaro_winkler
local best, sum = math.huge, 0
for _ = 1, 3 do
   local t0 = now()
   local s = 0
   for i = 1, #left_names do
      s = s + jw(left_names[i], right_names[i])
   end
   local dt = now() - t0
   if dt < best then
      best, sum = dt, s
   end
end
local ours = #pairs_ / best
local p = assert(io.popen(string.format("%s -W ignore %s/names_baseline.py --speed %s", python, dir, path)))
local out = p:read("a")
p:close()
os.remove(path)
local theirs = tonumber(out:match("pairs_per_second=(%d+)"))
local their_sum = tonumber(out:match("sum=([%d.]+)"))
print(string.format("jaro_winkler: %d pairs (UTF-8, mixed scripts), best of 3", #pairs_))
print(string.format("  parley.names.jaro_winkler  %10.0f pairs/s", ours))
if theirs then
   print(string.format("  jellyfish (python3)        %10.0f pairs/s", theirs))
   print(string.format("  ratio                      %10.2fx", ours / theirs))
   print(string.format("  sum of similarities: parley %.6f, jellyfish %.6f (%s)", sum, their_sum,
      math.abs(sum - their_sum) < 1e-6 * #pairs_ and "same values" or "DIFFERENT"))
else
   print("  jellyfish: not available (" .. out .. ")")
end

------------------------------------------------------------------------- 1b. match

-- match on the same pairs (reading, parsing, scoring and the explanation), best of 3
local match = names.match
local best_m, yes_m = math.huge, 0
for _ = 1, 3 do
   local t0 = now()
   local yes = 0
   for i = 1, #left_names do
      if match(left_names[i], right_names[i]) then
         yes = yes + 1
      end
   end
   local dt = now() - t0
   if dt < best_m then
      best_m, yes_m = dt, yes
   end
end
print(string.format("match: the same %d pairs, best of 3", #pairs_))
print(string.format("  parley.names.match         %10.0f pairs/s (%d matched)", #pairs_ / best_m, yes_m))

------------------------------------------------------------------------- 2. link

local function truth_score(result, truth, nleft)
   local tp, fp = 0, 0
   for _, pr in ipairs(result.pairs) do
      if truth[pr.left] == pr.right then
         tp = tp + 1
      else
         fp = fp + 1
      end
   end
   local positives = 0
   for i = 1, nleft do
      if truth[i] then
         positives = positives + 1
      end
   end
   return tp / math.max(1, tp + fp), tp / math.max(1, positives)
end

local extra = n_link // 10
local left, right, truth = gen.lists(n_link - extra, 777, extra)
collectgarbage()
local rss0 = peak_rss_mb()
local cpu, secs, result = wall(function() return names.link(left, right) end)
local rss1 = peak_rss_mb()
local precision, recall = truth_score(result, truth, #left)
print(string.format("\nlink: %d x %d generated names (%d on both lists)", #left, #right, n_link - extra))
print(string.format("  time %.1f s CPU (%d s wall), with explanations", cpu, secs))
print(string.format("  compared %d pairs = %.1f per left name (all pairs: %.0f)", result.compared,
   result.compared / #left, #left * #right))
print(string.format("  pairs %d, uncertain %d, only_left %d, only_right %d", #result.pairs,
   #result.uncertain, #result.only_left, #result.only_right))
print(string.format("  against the generator's truth: precision %.4f, recall %.4f", precision, recall))
if rss0 and rss1 then
   print(string.format("  peak RSS %.0f MB (before link %.0f MB: the lists themselves)", rss1, rss0))
end
result = nil -- luacheck: ignore 311
left, right, truth = nil, nil, nil -- luacheck: ignore 311
collectgarbage()

----------------------------------------------------- 3. blocking against exhaustive

local sl, sr, st = gen.lists(1800, 99, 200)
local c1, _, blocked = wall(function() return names.link(sl, sr, {explain = false}) end)
local c2, _, full = wall(function() return names.link(sl, sr, {explain = false, exhaustive = true}) end)
local found = {}
for _, pr in ipairs(blocked.pairs) do
   found[pr.left .. ":" .. pr.right] = true
end
local kept = 0
for _, pr in ipairs(full.pairs) do
   if found[pr.left .. ":" .. pr.right] then
      kept = kept + 1
   end
end
local _, rb = truth_score(blocked, st, #sl)
local _, rf = truth_score(full, st, #sl)
print(string.format("\nblocking on a %d x %d sample:", #sl, #sr))
print(string.format("  exhaustive: %d compared, %d pairs, %.2f s", full.compared, #full.pairs, c2))
print(string.format("  blocked:    %d compared, %d pairs, %.2f s", blocked.compared, #blocked.pairs, c1))
print(string.format("  exhaustive pairs found by blocking: %d of %d, recall loss %.2f%%", kept, #full.pairs,
   100 * (1 - kept / math.max(1, #full.pairs))))
print(string.format("  recall against truth: blocked %.4f, exhaustive %.4f", rb, rf))
