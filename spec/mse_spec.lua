-- SPDX-License-Identifier: MIT
-- parley.mse against R: every log-linear model's estimate, deviance, degrees of freedom, AIC and
-- BIC for the 3- and 4-list fixtures agree with R's glm(family = poisson) to 1e-6 relative, and
-- the chosen model's profile-likelihood interval with R's. The stored numbers are always
-- checked; when Rscript is installed the R code is run again and must give them. Then model
-- choice, averaging and the degenerate cases.
local mse = require "parley.mse"
local json = require "parley.json"
local support = require "support"

local FIXTURES = support.top .. "/spec/rules/builtin/fixtures/"
local REL = 1e-6

local function reference(name)
   return assert(json.decode(support.read(FIXTURES .. name)))
end

-- Relative agreement; values R gives as about 0 (a saturated fit's deviance) absolutely.
local function agree(want, got, what)
   local err = math.abs(want) < 1e-8 and math.abs(got - want) or math.abs(got - want) / math.abs(want)
   assert.is_true(err <= REL, string.format("%s: R %.17g, parley %.17g (error %.3g)", what, want, got, err))
end

local function by_name(models)
   local out = {}
   for _, m in ipairs(models) do out[m.name] = m end
   return out
end

local function terms_of(name)
   if name == "independence" then return {} end
   local out = {}
   for a, b in name:gmatch("(%d)(%d)") do out[#out + 1] = { tonumber(a), tonumber(b) } end
   return out
end

for _, file in ipairs({ "mse-3-lists.json", "mse-4-lists.json" }) do
   describe("parley.mse on " .. file, function()
      local R = reference(file)
      local R_models = by_name(R.models)
      local result = mse.estimate(R.counts, R.lists)

      it("agrees with R's glm for every model it fits", function()
         assert.is_true(#result.models >= (R.lists == 3 and 8 or 10))
         if R.lists == 3 then assert.equal(8, #result.models) end
         for _, m in ipairs(result.models) do
            local want = R_models[m.name]
            assert.truthy(want, "R has no model " .. m.name)
            assert.is_nil(m.degenerate)
            assert.equal(want.df, m.df)
            for _, key in ipairs({ "estimate", "unobserved", "deviance", "aic", "bic", "intercept", "intercept_se" }) do
               agree(want[key], m[key], m.name .. " " .. key)
            end
         end
      end)

      it("gives R's profile-likelihood interval for R's model of least AIC", function()
         local model = mse.fit_model(R.counts, R.lists, terms_of(R.chosen))
         local low, high = mse.profile_interval(R.counts, R.lists, model)
         agree(R.profile_low, low, "profile low")
         agree(R.profile_high, high, "profile high")
      end)

      it("chooses the model of least AIC (for 4 lists, the one forward selection over R's AICs reaches)", function()
         if R.lists == 3 then
            assert.equal(R.chosen, result.chosen.name)
         else
            -- forward selection replayed on R's numbers
            local current, chosen = R_models.independence, {}
            while true do
               local best
               for a = 1, R.lists - 1 do
                  for b = a + 1, R.lists do
                     local key = tostring(a) .. tostring(b)
                     if not chosen[key] then
                        local names = { key }
                        for c in pairs(chosen) do names[#names + 1] = c end
                        table.sort(names)
                        local m = R_models[table.concat(names, " + ")]
                        if not best or m.aic < best.m.aic then best = { m = m, key = key } end
                     end
                  end
               end
               if not best or best.m.aic >= current.aic then break end
               chosen[best.key], current = true, best.m
            end
            assert.equal(current.name, result.chosen.name)
         end
         local interval = result.chosen_interval
         assert.is_true(interval.ci_low < result.chosen.estimate and result.chosen.estimate < interval.ci_high)
      end)

      it("averages the models by AIC weight, with an interval around the average", function()
         local total, estimate = 0, 0
         for _, m in ipairs(result.models) do
            total = total + m.weight
            estimate = estimate + m.weight * m.estimate
            assert.near(math.exp(-(m.aic - result.chosen.aic) / 2) /
               math.exp(-(result.chosen.aic - result.chosen.aic) / 2), m.weight / result.chosen.weight, 1e-9)
         end
         assert.near(1, total, 1e-12)
         assert.near(estimate, result.averaged.estimate, 1e-9)
         local a = result.averaged
         assert.is_true(a.ci_low > result.observed and a.ci_low < a.estimate and a.estimate < a.ci_high)
      end)
   end)
end

describe("parley.mse with R", function()
   local code = support.sh("command -v Rscript")
   local has_r = code == 0
   for _, file in ipairs({ "mse-3-lists.json", "mse-4-lists.json" }) do
      it("R's code reproduces the stored numbers of " .. file .. " (when Rscript is installed)", function()
         if not has_r then
            pending("Rscript is not installed: the stored reference numbers were checked above")
            return
         end
         local stored = reference(file)
         local args = { tostring(stored.lists) }
         for _, c in ipairs(stored.counts) do args[#args + 1] = tostring(c) end
         -- without the sanitizer the ASan pass preloads into the specs and their children
         local status, out = support.sh(string.format("env -u LD_PRELOAD Rscript %smse-reference.R %s 2>/dev/null",
            FIXTURES, table.concat(args, " ")))
         assert.equal(0, status, out)
         local fresh = assert(json.decode(out))
         assert.equal(stored.chosen, fresh.chosen)
         agree(stored.profile_low, fresh.profile_low, "profile low")
         local fresh_models = by_name(fresh.models)
         for _, m in ipairs(stored.models) do
            for _, key in ipairs({ "estimate", "deviance", "aic", "bic" }) do
               agree(m[key], fresh_models[m.name][key], m.name .. " " .. key)
            end
         end
      end)
   end
end)

describe("parley.mse", function()
   it("counts capture histories: bit i-1 for list i", function()
      local counts = mse.histories({ { 1 }, { 1, 2 }, { 2, 1 }, { 3 }, { 1, 2, 3 }, {} }, 3)
      assert.same({ 1, 0, 2, 1, 0, 0, 1 }, counts)
   end)

   it("reports a list with no one, or everyone, as degenerate and gives no number", function()
      local none = mse.estimate({ 10, 0, 0, 7, 3, 0, 0 }, 3)
      assert.matches("no one is on list 2", none.degenerate)
      assert.is_nil(none.averaged)
      assert.is_nil(none.chosen)
      local all = mse.estimate({ 10, 0, 4, 0, 3, 0, 6 }, 3)
      assert.matches("every person listed is on list 1", all.degenerate)
      assert.is_nil(all.averaged)
   end)

   it("leaves out a model whose interaction has an empty margin cell, and fits the others", function()
      -- no one on both list 1 and list 2: every model with the interaction 12 is unidentifiable
      local r = mse.estimate({ 30, 25, 0, 28, 6, 5, 0 }, 3)
      assert.is_nil(r.degenerate)
      for _, m in ipairs(r.models) do
         if m.name:find("12", 1, true) then
            assert.matches("interaction 12 needs", m.degenerate)
            assert.is_nil(m.weight)
            assert.is_nil(m.estimate)
         elseif m.name ~= "13 + 23" then -- 13 + 23 with the cells 110 and 111 empty has no finite MLE either
            assert.is_nil(m.degenerate)
            assert.is_number(m.estimate)
         end
      end
      assert.is_nil(r.chosen.name:find("12", 1, true))
   end)

   it("reports an estimate that diverges instead of printing it", function()
      -- three lists that hardly overlap: the unlisted cell is thousands of times the listed
      local r = mse.fit_model({ 5000, 5000, 0, 5000, 0, 0, 1 }, 3, {})
      assert.matches("diverges", r.degenerate)
      assert.is_nil(r.estimate)
   end)

   it("recovers a known population from expected counts", function()
      -- N = 1000, independent lists with p = 0.3, 0.4, 0.5: the expected counts fit exactly
      local p = { 0.3, 0.4, 0.5 }
      local counts = {}
      for h = 1, 7 do
         local q = 1000
         for i = 1, 3 do q = q * (((h >> (i - 1)) & 1 == 1) and p[i] or (1 - p[i])) end
         counts[h] = q
      end
      -- expected counts are not whole: fit the model directly
      local X, y = {}, {}
      for h = 1, 7 do
         X[h] = { 1, h & 1, (h >> 1) & 1, (h >> 2) & 1 }
         y[h] = counts[h]
      end
      local fit = assert(mse.poisson_fit(X, y))
      assert.near(1000 * 0.7 * 0.6 * 0.5, math.exp(fit.beta[1]), 1e-8)
      assert.near(0, fit.deviance, 1e-9)
   end)

   it("refuses counts that are not counts and list numbers outside 3..5", function()
      assert.has_error(function() mse.estimate({ 1, 2, 3 }, 2) end, "mse.estimate: k must be 3, 4 or 5 lists")
      assert.has_error(function() mse.estimate({ 1, 2, -3, 4, 5, 6, 7 }, 3) end,
         "mse.estimate: counts[3] must be a count, got -3")
      assert.has_error(function() mse.estimate({ 1, 2, 1.5, 4, 5, 6, 7 }, 3) end,
         "mse.estimate: counts[3] must be a count, got 1.5")
   end)

   it("computes log Gamma to about 1e-13", function()
      local f = 0
      for n = 1, 170 do
         f = f + math.log(n)
         assert.is_true(math.abs(mse.lgamma(n + 1) - f) <= 1e-13 * math.max(1, f), "lgamma " .. (n + 1))
      end
      assert.near(math.log(math.sqrt(math.pi)), mse.lgamma(0.5), 1e-14)
   end)
end)
