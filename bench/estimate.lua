-- SPDX-License-Identifier: MIT
-- bench/estimate.lua: how often the 95% intervals of parley.mse cover the true size of
-- synthetic populations (bench/populations.lua), over DRAWS draws (default 200) of each
-- scenario, for the true model's profile interval, the chosen (least AIC) model's, and the
-- model-averaged interval; and the bias of the two-list Chapman estimate on lists 1 and 2 of
-- the same draws, against the truth, so that the cost of two dependent lists shows. Target:
-- coverage within 90-98% where the model family contains the truth.
local mse = require "parley.mse"

local here = arg and arg[0] and arg[0]:match("^(.*)/[^/]*$") or "bench"
local pop = dofile(here .. "/populations.lua")

local DRAWS = math.tointeger(tonumber(os.getenv("DRAWS") or "200"))
local clock = os.clock

-- Chapman on lists 1 and 2 of the counts: n1, n2, m summed over the other lists.
local function chapman(counts, k)
   local n1, n2, m = 0, 0, 0
   for h = 1, (1 << k) - 1 do
      local a, b = h & 1 == 1, h & 2 == 2
      if a then n1 = n1 + counts[h] end
      if b then n2 = n2 + counts[h] end
      if a and b then m = m + counts[h] end
   end
   local N = (n1 + 1) * (n2 + 1) / (m + 1) - 1
   local se = math.sqrt((n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ^ 2 * (m + 2)))
   return N, N - mse.Z95 * se, N + mse.Z95 * se
end

local function pct(x, n) return string.format("%5.1f%%", 100 * x / n) end

print(string.format("%d draws per scenario; coverage of the 95%% intervals, bias = mean (estimate - N) / N", DRAWS))
print(string.format("%-24s %7s %7s %7s %7s %7s %7s %7s %6s %5s", "scenario", "true", "chosen", "average",
   "bias", "Chapman", "C.cover", "chosen", "degen", "s"))
print(string.format("%-24s %7s %7s %7s %7s %7s %7s %7s %6s %5s", "", "model", "model", "", "average", "bias",
   "", "= true", "", ""))
local failed = false
for si, s in ipairs(pop.SCENARIOS) do
   local draw = pop.sampler(1000 + si)
   local k = #s.groups[1].p
   local t0 = clock()
   local cover_true, cover_chosen, cover_avg, chapman_cover = 0, 0, 0, 0
   local bias_avg, bias_chapman, chosen_true, degenerate, used = 0, 0, 0, 0, 0
   local truth_name = mse.model_name(s.truth)
   for _ = 1, DRAWS do
      local counts, N = draw(s)
      local r = mse.estimate(counts, k)
      local true_model = mse.fit_model(counts, k, s.truth)
      if r.degenerate or true_model.degenerate then
         degenerate = degenerate + 1
      else
         used = used + 1
         local lo, hi = mse.profile_interval(counts, k, true_model)
         if lo <= N and N <= hi then cover_true = cover_true + 1 end
         local c = r.chosen_interval
         if c.ci_low <= N and N <= c.ci_high then cover_chosen = cover_chosen + 1 end
         if r.averaged.ci_low <= N and N <= r.averaged.ci_high then cover_avg = cover_avg + 1 end
         bias_avg = bias_avg + (r.averaged.estimate - N) / N
         if r.chosen.name == truth_name then chosen_true = chosen_true + 1 end
         local cN, clo, chi = chapman(counts, k)
         bias_chapman = bias_chapman + (cN - N) / N
         if clo <= N and N <= chi then chapman_cover = chapman_cover + 1 end
      end
   end
   print(string.format("%-24s %7s %7s %7s %6.1f%% %6.1f%% %7s %7s %6d %5.1f", s.name, pct(cover_true, used),
      pct(cover_chosen, used), pct(cover_avg, used), 100 * bias_avg / used, 100 * bias_chapman / used,
      pct(chapman_cover, used), pct(chosen_true, used), degenerate, clock() - t0))
   local c = cover_true / used
   if DRAWS >= 100 and (c < 0.90 or c > 0.98) then -- fewer draws are too noisy to judge
      print(string.format("  the true model's coverage %.1f%% is outside the 90-98%% target", 100 * c))
      failed = true
   end
end
if failed then os.exit(1) end
