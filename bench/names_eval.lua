-- SPDX-License-Identifier: MIT
-- Quality of parley.names.match, measured on generated pairs (bench/names_gen.lua), against
-- the baseline a user would otherwise write (unidecode + jellyfish Jaro-Winkler with its best
-- threshold, bench/names_baseline.py, run on the same pairs).
--
-- Honesty: the default threshold and the costs in src/names_sim.c were tuned on seed A; the
-- figures to quote are the ones for seed B, a set the tuning never saw.
--   lua5.4 bench/names_eval.lua [persons] [seedA] [seedB]
local dir = arg and arg[0] and arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path

local names = require "parley.names"
local gen = require "names_gen"

local persons = tonumber(arg and arg[1]) or 1500
local seed_a = tonumber(arg and arg[2]) or 20210612
local seed_b = tonumber(arg and arg[3]) or 19910830
local python = os.getenv("PYTHON") or "/usr/bin/python3"

local function prf(tp, fp, fn)
   local p = tp + fp > 0 and tp / (tp + fp) or 1
   local r = tp + fn > 0 and tp / (tp + fn) or 1
   local f = p + r > 0 and 2 * p * r / (p + r) or 0
   return p, r, f
end

-- Scores every pair once; returns the scores.
local function score_all(set)
   local scores = {}
   for i, pair in ipairs(set) do
      local _, score = names.match(pair[1], pair[2])
      scores[i] = score
   end
   return scores
end

local function counts(set, scores, threshold)
   local tp, fp, fn = 0, 0, 0
   local by_kind = {}
   for i, pair in ipairs(set) do
      local said = scores[i] >= threshold
      local k = by_kind[pair[4]] or {n = 0, right = 0}
      by_kind[pair[4]] = k
      k.n = k.n + 1
      if said == pair[3] then
         k.right = k.right + 1
      end
      if said and pair[3] then
         tp = tp + 1
      elseif said then
         fp = fp + 1
      elseif pair[3] then
         fn = fn + 1
      end
   end
   return tp, fp, fn, by_kind
end

local function baseline(set, threshold)
   local path = os.tmpname()
   local f = assert(io.open(path, "w"))
   for _, pair in ipairs(set) do
      local a, b = pair[1]:gsub("[\t\n]", " "), pair[2]:gsub("[\t\n]", " ")
      f:write(a, "\t", b, "\t", pair[3] and "1" or "0", "\n")
   end
   f:close()
   local cmd = string.format("%s -W ignore %s/names_baseline.py %s %s", python, dir, path, threshold or "")
   local p = assert(io.popen(cmd))
   local out = p:read("a")
   p:close()
   os.remove(path)
   local r = {}
   for k, v in out:gmatch("([%w_]+)=([%d.]+)") do
      r[k] = tonumber(v)
   end
   return r
end

local function report(label, set, scores, threshold)
   local tp, fp, fn, by_kind = counts(set, scores, threshold)
   local p, r, f = prf(tp, fp, fn)
   print(string.format("%-34s precision %.4f  recall %.4f  F1 %.4f  (tp %d, fp %d, fn %d)",
      label, p, r, f, tp, fp, fn))
   return f, by_kind
end

local function positives(set)
   local n = 0
   for _, pair in ipairs(set) do
      if pair[3] then
         n = n + 1
      end
   end
   return n
end

local default = names.threshold

print(string.format("persons %d per set; seed A %d (tuning), seed B %d (report)", persons, seed_a, seed_b))
local set_a = gen.pairs(persons, seed_a)
local scores_a = score_all(set_a)
print(string.format("seed A: %d pairs, %d positive", #set_a, positives(set_a)))
print("threshold sweep on seed A (the default was chosen here):")
for t = 0.78, 0.941, 0.02 do
   local p, r, f = prf(counts(set_a, scores_a, t))
   print(string.format("  %.2f  precision %.4f  recall %.4f  F1 %.4f%s", t, p, r, f,
      math.abs(t - default) < 0.005 and "  <- default" or ""))
end
local base_a = baseline(set_a)
print(string.format("baseline on seed A: best threshold %.2f, F1 %.4f",
   base_a.best_threshold, base_a.best_f1))

local set_b = gen.pairs(persons, seed_b)
local scores_b = score_all(set_b)
print(string.format("\nseed B: %d pairs, %d positive", #set_b, positives(set_b)))
local f_b, kinds = report(string.format("parley.names.match (default %.2f)", default),
   set_b, scores_b, default)
local base_b = baseline(set_b, base_a.best_threshold)
print(string.format("%-34s precision %.4f  recall %.4f  F1 %.4f", string.format(
   "baseline, threshold %.2f from A", base_a.best_threshold), base_b.precision, base_b.recall, base_b.f1))
print(string.format("%-34s precision %.4f  recall %.4f  F1 %.4f", string.format(
   "baseline, best on B (%.2f)", base_b.best_threshold), base_b.best_precision, base_b.best_recall,
   base_b.best_f1))
print("\nseed B, share decided right by kind of pair:")
local order = {"variant", "near surname", "feminine", "other given name", "other surname", "other person"}
for _, k in ipairs(order) do
   local c = kinds[k]
   if c then
      print(string.format("  %-18s %5d pairs  %.4f", k, c.n, c.right / c.n))
   end
end
if os.getenv("NAMES_EVAL_ERRORS") then
   print("\nseed A errors:")
   for i, pair in ipairs(set_a) do
      if (scores_a[i] >= default) ~= pair[3] then
         local _, s, why = names.match(pair[1], pair[2])
         print(string.format("%s %.3f %s | %s\n    %s", pair[3] and "FN" or "FP", s, pair[1], pair[2], why))
      end
   end
end
print(string.format("\nF1 seed B: parley %.4f, baseline %.4f (best on B)", f_b, base_b.best_f1))
