-- SPDX-License-Identifier: MIT
-- Synthetic populations for multiple-systems estimation (bench/estimate.lua): a population of
-- known size N, and k lists drawn from it with known dependence. The population is a mixture
-- of groups; within a group each list names each person independently with the group's
-- probability for that list. One group gives independent lists; groups that differ only in
-- the chances of lists 1 and 2 make those two lists dependent (positively when the same persons
-- are likely on both, as when both parties list the well-known; negatively when each lists
-- whom the other leaves out) while the others stay independent of them, so that the log-linear
-- model with the one interaction 12 is the true one.
--
--   local pop = dofile("bench/populations.lua")
--   local draw = pop.sampler(seed)        -- a deterministic stream of draws
--   local counts, N = draw(pop.SCENARIOS[1])
-- counts[h] is the number of persons with capture history h (bit i-1: on list i).
local pop = {}

-- A deterministic uniform [0, 1) generator (64-bit LCG, as bench/gen.lua's rng).
local function uniform(seed)
   local state = (seed or 1) * 2862933555777941757 + 3037000493
   return function()
      state = state * 6364136223846793005 + 1442695040888963407
      return (state >> 11) / 9007199254740992.0
   end
end

-- Returns draw(scenario) -> counts, N: each call draws a new population's lists.
function pop.sampler(seed)
   local u = uniform(seed)
   return function(s)
      local k = #s.groups[1].p
      local counts = {}
      for h = 1, (1 << k) - 1 do counts[h] = 0 end
      for _, g in ipairs(s.groups) do
         local size = math.floor(s.N * g.share + 0.5)
         for _ = 1, size do
            local h = 0
            for i = 1, k do
               if u() < g.p[i] then h = h | (1 << (i - 1)) end
            end
            if h > 0 then counts[h] = counts[h] + 1 end
         end
      end
      return counts, s.N
   end
end

-- The true model's interactions, for the bench to fit it directly.
pop.SCENARIOS = {
   { name = "independent, 3 lists", N = 1000, truth = {},
      groups = { { share = 1, p = { 0.3, 0.25, 0.35 } } } },
   { name = "1-2 positive, 3 lists", N = 1000, truth = { { 1, 2 } }, -- both parties list the well-known
      groups = { { share = 0.4, p = { 0.55, 0.5, 0.3 } }, { share = 0.6, p = { 0.1, 0.08, 0.3 } } } },
   { name = "1-2 negative, 3 lists", N = 1000, truth = { { 1, 2 } }, -- each lists whom the other leaves out
      groups = { { share = 0.5, p = { 0.5, 0.05, 0.3 } }, { share = 0.5, p = { 0.05, 0.5, 0.3 } } } },
   { name = "1-2 positive, 4 lists", N = 1000, truth = { { 1, 2 } },
      groups = { { share = 0.4, p = { 0.55, 0.5, 0.3, 0.25 } }, { share = 0.6, p = { 0.1, 0.08, 0.3, 0.25 } } } },
}

-- Run as a script (make bench runs every bench/*.lua): one draw of each scenario, to look at.
local script = arg and arg[0] and arg[0]:match("populations%.lua$") and select("#", ...) == #arg
if not script then return pop end
local draw = pop.sampler(1)
for _, s in ipairs(pop.SCENARIOS) do
   local counts, N = draw(s)
   local n = 0
   for _, c in ipairs(counts) do n = n + c end
   print(string.format("%-24s N %d, listed %d, histories %s", s.name, N, n, table.concat(counts, " ")))
end
