-- SPDX-License-Identifier: MIT

--- Multiple-systems estimation: the size of a population from three to five lists of it, by
-- Poisson log-linear models of the capture-history counts (Bishop, Fienberg and Holland 1975,
-- ch. 6; Rcapture's closedp and closedpCI.t, Baillargeon and Rivest 2007). Pure Lua, no
-- requires, so a sandboxed rule may use it (it is one of vocab.RULE_MODULES).
--
-- A capture history is the set of lists a person is on, coded as an integer: bit i-1 set when
-- the person is on list i (1..k). counts[h] is the number of persons with history h, for
-- h = 1 .. 2^k - 1; the persons on no list, h = 0, are what is estimated. A model is
--   log mu_h = u0 + sum_i u_i [i in h] + sum_{(i,j) in M} u_ij [i in h][j in h]
-- fitted to the 2^k - 1 observed cells by iteratively reweighted least squares (as R's
-- glm(family = poisson) does); the number on no list is exp(u0). docs/estimation.md gives the
-- statistics and the references.
-- @module parley.mse
local mse = {}

local Z95 = 1.959963984540054
local CHI2_95 = 3.841458820694124 -- the 95% point of chi-square with 1 df (Z95^2)
local TOLERANCE = 1e-12 -- relative change of the deviance that ends IRLS
local MAX_ITERATIONS = 100
-- A model whose fit needs a coefficient beyond this (a cell driven to 0 or to infinity) has
-- no finite maximum likelihood estimate: an empty cell the model needs.
local MAX_COEFFICIENT = 20
-- An estimate of more unlisted persons than this many times the listed is reported as
-- diverging, not as a number.
local MAX_RATIO = 1000

--- log Gamma(x) for x > 0: shifted up to x >= 15 by Gamma(x) = Gamma(x + 1) / x, then Stirling's
-- series to x^-9 (its next term is below 1e-15 there).
-- @function lgamma
-- @tparam number x
-- @treturn number log Gamma(x), to about 1e-15
local HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
local function lgamma(x)
   local shift = 0
   if x < 15 then
      local prod = 1
      while x < 15 do
         prod = prod * x
         x = x + 1
      end
      shift = math.log(prod)
   end
   local r = 1 / x
   local r2 = r * r
   local series = r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))))
   return (x - 0.5) * math.log(x) - x + HALF_LOG_2PI + series - shift
end
mse.lgamma = lgamma

-- y log(y / mu), 0 when y = 0.
local function ylog(y, mu)
   if y == 0 then return 0 end
   return y * math.log(y / mu)
end

-- Whether list i is in history h.
local function on(h, i) return (h >> (i - 1)) & 1 == 1 end

local function term_name(t) return tostring(t[1]) .. tostring(t[2]) end

--- A model's terms as text: "independence", or its interactions "12 + 13" (lists by number).
-- @tparam table interactions pairs {i, j}, i < j
-- @treturn string
function mse.model_name(interactions)
   if #interactions == 0 then return "independence" end
   local out = {}
   for _, t in ipairs(interactions) do out[#out + 1] = term_name(t) end
   return table.concat(out, " + ")
end

-- The design row of history h: intercept, the k main effects, then the interactions.
local function design_row(h, k, interactions)
   local row = { 1 }
   for i = 1, k do row[#row + 1] = on(h, i) and 1 or 0 end
   for _, t in ipairs(interactions) do row[#row + 1] = (on(h, t[1]) and on(h, t[2])) and 1 or 0 end
   return row
end

-- Cholesky factor L of the p x p matrix A (lower, row tables), or nil when A is not positive
-- definite to working precision (the model is not identifiable from these cells).
local function cholesky(A, p)
   local L = {}
   for i = 1, p do L[i] = {} end
   for j = 1, p do
      local s = A[j][j]
      for m = 1, j - 1 do s = s - L[j][m] * L[j][m] end
      if s ~= s or s <= 1e-13 * math.max(A[j][j], 1e-300) then return nil end
      local d = math.sqrt(s)
      L[j][j] = d
      for i = j + 1, p do
         local t = A[i][j]
         for m = 1, j - 1 do t = t - L[i][m] * L[j][m] end
         L[i][j] = t / d
      end
   end
   return L
end

-- Solves L L' x = b.
local function cholesky_solve(L, p, b)
   local z = {}
   for i = 1, p do
      local s = b[i]
      for m = 1, i - 1 do s = s - L[i][m] * z[m] end
      z[i] = s / L[i][i]
   end
   local x = {}
   for i = p, 1, -1 do
      local s = z[i]
      for m = i + 1, p do s = s - L[m][i] * x[m] end
      x[i] = s / L[i][i]
   end
   return x
end

--- Poisson regression with log link by IRLS, as R's glm(family = poisson).
-- @tparam table X the design: rows X[c] of p numbers
-- @tparam table y the counts y[c]
-- @tparam[opt] table start fitted means to start from (default y + 0.1, R's start)
-- @treturn table { beta, mu, deviance, iterations, cov11 = the variance of the first coefficient }
-- @return or nil and why (not identifiable, diverging, not converging)
function mse.poisson_fit(X, y, start)
   local cells, p = #X, #X[1]
   local mu, eta = {}, {}
   for c = 1, cells do
      mu[c] = start and start[c] or y[c] + 0.1
      eta[c] = math.log(mu[c])
   end
   local function deviance()
      local d = 0
      for c = 1, cells do d = d + ylog(y[c], mu[c]) - (y[c] - mu[c]) end
      return 2 * d
   end
   local dev_old = deviance()
   local beta, L
   for iteration = 1, MAX_ITERATIONS do
      local A, b = {}, {}
      for i = 1, p do
         A[i] = {}
         for j = 1, p do A[i][j] = 0 end
         b[i] = 0
      end
      for c = 1, cells do
         local row, w = X[c], mu[c]
         local wz = w * (eta[c] + (y[c] - mu[c]) / mu[c])
         for i = 1, p do
            local xi = row[i]
            if xi ~= 0 then
               local wx = w * xi
               b[i] = b[i] + xi * wz
               local Ai = A[i]
               for j = 1, i do
                  if row[j] ~= 0 then Ai[j] = Ai[j] + wx * row[j] end
               end
            end
         end
      end
      for i = 1, p do
         for j = i + 1, p do A[i][j] = A[j][i] end
      end
      L = cholesky(A, p)
      if not L then return nil, "the model is not identifiable from these cells" end
      beta = cholesky_solve(L, p, b)
      for c = 1, cells do
         local row, e = X[c], 0
         for i = 1, p do e = e + row[i] * beta[i] end
         eta[c], mu[c] = e, math.exp(e)
      end
      local dev = deviance()
      if dev ~= dev or dev == math.huge then return nil, "the fit diverges" end
      if math.abs(dev - dev_old) / (math.abs(dev) + 0.1) < TOLERANCE then
         -- the covariance of beta at the fit: (X' W X)^-1, its first diagonal element
         local e1 = { 1 }
         for i = 2, p do e1[i] = 0 end
         -- from X'WX at the last iteration's weights, as R's vcov() of the glm
         local v = cholesky_solve(L, p, e1)
         return { beta = beta, mu = mu, deviance = dev, iterations = iteration, cov11 = v[1] }
      end
      dev_old = dev
   end
   return nil, "the fit does not converge"
end

-- The Poisson log-likelihood of counts y at means mu (with the log y! terms, as R's logLik).
local function loglik(y, mu)
   local l = 0
   for c = 1, #y do l = l + y[c] * math.log(mu[c]) - mu[c] - lgamma(y[c] + 1) end
   return l
end

-- Why a model cannot be fitted to these counts, before fitting: a list with no one on it, a
-- list with everyone, or an interaction whose 2x2 margin has an empty observed cell.
local function empty_margin(counts, k, interactions)
   local function total(pred)
      local s = 0
      for h = 1, (1 << k) - 1 do if pred(h) then s = s + counts[h] end end
      return s
   end
   for i = 1, k do
      if total(function(h) return on(h, i) end) == 0 then return string.format("no one is on list %d", i) end
      if total(function(h) return not on(h, i) end) == 0 then
         return string.format("every person listed is on list %d, so the lists say nothing of whom it missed", i)
      end
   end
   for _, t in ipairs(interactions) do
      local a, b = t[1], t[2]
      for _, want in ipairs({ { true, true }, { true, false }, { false, true }, { false, false } }) do
         local n = total(function(h) return on(h, a) == want[1] and on(h, b) == want[2] end)
         if n == 0 then
            return string.format("no one is %s list %d and %s list %d, a cell the interaction %d%d needs",
               want[1] and "on" or "off", a, want[2] and "on" or "off", b, a, b)
         end
      end
   end
end

local function observed_total(counts, k)
   local n = 0
   for h = 1, (1 << k) - 1 do n = n + counts[h] end
   return n
end

--- Fits one log-linear model to the capture-history counts of k lists.
-- @tparam table counts counts[h] for h = 1 .. 2^k - 1
-- @tparam integer k the number of lists
-- @tparam table interactions the model's two-way interactions, pairs {i, j} with i < j
-- @treturn table { name, interactions, parameters, df, deviance, loglik, aic, bic, unobserved,
-- estimate, se, intercept, intercept_se }, or { name, interactions, degenerate = why }
function mse.fit_model(counts, k, interactions)
   local name = mse.model_name(interactions)
   local why = empty_margin(counts, k, interactions)
   if why then return { name = name, interactions = interactions, degenerate = why } end
   local X, y = {}, {}
   for h = 1, (1 << k) - 1 do
      X[h] = design_row(h, k, interactions)
      y[h] = counts[h]
   end
   local fit, err = mse.poisson_fit(X, y)
   if not fit then return { name = name, interactions = interactions, degenerate = err } end
   for i = 2, #fit.beta do
      if math.abs(fit.beta[i]) > MAX_COEFFICIENT then
         return { name = name, interactions = interactions, degenerate = "a cell the model needs is empty or " ..
            "nearly so: its coefficients have no finite estimate" }
      end
   end
   local n = observed_total(counts, k)
   local f0 = math.exp(fit.beta[1])
   if f0 > MAX_RATIO * n then
      return { name = name, interactions = interactions, degenerate = string.format(
         "the estimate diverges (more than %d times as many unlisted as listed persons)", MAX_RATIO) }
   end
   local p, cells = #X[1], #X
   local ll = loglik(y, fit.mu)
   local var_u0 = fit.cov11
   return {
      name = name, interactions = interactions, parameters = p, df = cells - p,
      deviance = fit.deviance, loglik = ll, aic = -2 * ll + 2 * p, bic = -2 * ll + math.log(cells) * p,
      intercept = fit.beta[1], intercept_se = math.sqrt(var_u0), unobserved = f0, estimate = n + f0,
      -- Var(N) = f0^2 Var(u0) + f0 (Cormack 1989; Rcapture's standard error)
      se = math.sqrt(f0 * f0 * var_u0 + f0), mu = fit.mu,
   }
end

-- Every two-way interaction of k lists, in order 12, 13, ..., (k-1)k.
local function all_pairs(k)
   local out = {}
   for i = 1, k - 1 do
      for j = i + 1, k do out[#out + 1] = { i, j } end
   end
   return out
end

-- The hierarchical models with two-way interactions to fit: for 3 lists all 8 (every subset of
-- 12, 13, 23); for 4 and 5 lists, forward selection by AIC from independence (each step adds
-- the interaction that lowers AIC most, until none does). Returns every model fitted.
local function models_for(counts, k)
   local pairs_ = all_pairs(k)
   local fitted = {}
   if k == 3 then
      for mask = 0, 7 do
         local terms = {}
         for b = 1, 3 do if mask & (1 << (b - 1)) ~= 0 then terms[#terms + 1] = pairs_[b] end end
         fitted[#fitted + 1] = mse.fit_model(counts, k, terms)
      end
      return fitted
   end
   local current = mse.fit_model(counts, k, {})
   fitted[1] = current
   local chosen = {}
   while true do
      local best
      for _, t in ipairs(pairs_) do
         local used = false
         for _, c in ipairs(chosen) do if c == t then used = true end end
         if not used then
            local terms = {}
            for _, c in ipairs(chosen) do terms[#terms + 1] = c end
            terms[#terms + 1] = t
            table.sort(terms, function(x, y) return x[1] < y[1] or (x[1] == y[1] and x[2] < y[2]) end)
            local m = mse.fit_model(counts, k, terms)
            m.added = t
            fitted[#fitted + 1] = m
            if not m.degenerate and (not best or m.aic < best.aic) then best = m end
         end
      end
      if not best or (current.aic and best.aic >= current.aic) then break end
      chosen[#chosen + 1] = best.added
      current = best
   end
   for _, m in ipairs(fitted) do m.added = nil end
   return fitted
end

-- The multinomial profile log-likelihood of N under a model (Rcapture's closedpCI.t): the 2^k
-- cells with N - n on no list, fitted with the model; log N!/(N-n)! + sum_h y_h log(mu_h/N).
-- Returns the value and the fitted means (a start for the next N).
local function profile(counts, k, interactions, n, N, start)
   local X, y = {}, {}
   for h = 0, (1 << k) - 1 do
      X[h + 1] = design_row(h, k, interactions)
      y[h + 1] = h == 0 and N - n or counts[h]
   end
   local fit = mse.poisson_fit(X, y, start)
   if not fit then return nil end
   local l = lgamma(N + 1) - lgamma(N - n + 1)
   for c = 1, #y do
      if y[c] > 0 then l = l + y[c] * math.log(fit.mu[c] / N) end
   end
   return l, fit.mu
end

--- The 95% profile-likelihood interval of N for a fitted model: the N where twice the drop of
-- the profile log-likelihood from its maximum is the chi-square(1) 95% point.
-- @tparam table counts counts[h] for h = 1 .. 2^k - 1
-- @tparam integer k the number of lists
-- @tparam table model a model mse.fit_model gave (not degenerate)
-- @treturn number low (at least the persons listed)
-- @treturn number high (math.huge when the likelihood does not drop enough however large N is)
function mse.profile_interval(counts, k, model)
   local n = observed_total(counts, k)
   local terms = model.interactions
   local last_mu
   local function L(N)
      local v, mu = profile(counts, k, terms, n, N, last_mu)
      if not v then v, mu = profile(counts, k, terms, n, N, nil) end
      if mu then last_mu = mu end
      return v or -math.huge
   end
   -- the maximum: golden section around the Poisson estimate
   local f0 = model.unobserved
   local lo, hi = n, n + math.max(4 * f0, f0 + 4 * model.se, 1)
   local gr = (math.sqrt(5) - 1) / 2
   local a, b = hi - gr * (hi - lo), lo + gr * (hi - lo)
   local fa, fb = L(a), L(b)
   for _ = 1, 60 do
      if hi - lo < 1e-7 * (1 + hi) then break end
      if fa < fb then
         lo, a, fa = a, b, fb
         b = lo + gr * (hi - lo)
         fb = L(b)
      else
         hi, b, fb = b, a, fa
         a = hi - gr * (hi - lo)
         fa = L(a)
      end
   end
   local top_N = (lo + hi) / 2
   local top = L(top_N)
   local function below(N) return 2 * (top - L(N)) - CHI2_95 end
   local function root(x0, x1) -- below(x0) < 0 < below(x1)
      for _ = 1, 80 do
         local mid = (x0 + x1) / 2
         if below(mid) < 0 then x0 = mid else x1 = mid end
         if math.abs(x1 - x0) < 1e-9 * (1 + math.abs(x1)) then break end
      end
      return (x0 + x1) / 2
   end
   local low = n
   if below(n) > 0 then low = root(top_N, n) end
   local step = math.max(top_N - n, 1)
   local far = top_N + step
   local tries = 0
   while below(far) < 0 do
      tries = tries + 1
      if tries > 40 then return low, math.huge end
      step = step * 2
      far = top_N + step
   end
   -- root expects below(x0) < 0: x0 = the maximum, x1 = far
   return low, root(top_N, far)
end

-- The model-averaged estimate over the identifiable models, weights exp(-dAIC/2) (Buckland,
-- Burnham and Augustin 1997), its unconditional standard error
--   se = sum_m w_m sqrt(se_m^2 + (N_m - N)^2)
-- and a 95% interval log-normal in the unlisted count (Chao 1987), so it never goes below the
-- persons listed: n + f0/C .. n + f0*C, C = exp(1.96 sqrt(log(1 + se^2/f0^2))).
local function average(models, n)
   local best
   for _, m in ipairs(models) do
      if not m.degenerate and (not best or m.aic < best) then best = m.aic end
   end
   if not best then return nil end
   local total = 0
   for _, m in ipairs(models) do
      if not m.degenerate then
         m.weight = math.exp(-(m.aic - best) / 2)
         total = total + m.weight
      end
   end
   local estimate = 0
   for _, m in ipairs(models) do
      if m.weight then
         m.weight = m.weight / total
         estimate = estimate + m.weight * m.estimate
      end
   end
   local se = 0
   for _, m in ipairs(models) do
      if m.weight then se = se + m.weight * math.sqrt(m.se ^ 2 + (m.estimate - estimate) ^ 2) end
   end
   local f0 = estimate - n
   local C = math.exp(Z95 * math.sqrt(math.log(1 + se * se / (f0 * f0))))
   return { estimate = estimate, se = se, ci_low = n + f0 / C, ci_high = n + f0 * C }
end

--- Estimates a population's size from the capture-history counts of 3 to 5 lists: every model
-- (for 3 lists all 8, for 4 and 5 forward selection by AIC), the model of least AIC with its
-- profile-likelihood interval, and the average by AIC weight.
-- @tparam table counts counts[h] for h = 1 .. 2^k - 1 (missing entries are 0)
-- @tparam integer k the number of lists, 3 to 5
-- @treturn table { lists = k, observed = n, models = { each fitted model, with weight when
-- identifiable }, chosen = the model of least AIC, best_bic = the model of least BIC,
-- averaged = { estimate, se, ci_low, ci_high }, chosen_interval = { ci_low, ci_high } }; when no
-- model is identifiable, without chosen and averaged and with degenerate = why
-- @raise when k is not 3, 4 or 5 or a count is not a whole number of at least 0
function mse.estimate(counts, k)
   if math.type(k) ~= "integer" or k < 3 or k > 5 then error("mse.estimate: k must be 3, 4 or 5 lists", 2) end
   local given = counts
   counts = {} -- every cell, the missing as 0
   for h = 1, (1 << k) - 1 do
      local c = given[h] or 0
      if type(c) ~= "number" or c < 0 or c ~= math.floor(c) then
         error(string.format("mse.estimate: counts[%d] must be a count, got %s", h, tostring(c)), 2)
      end
      counts[h] = c
   end
   local n = observed_total(counts, k)
   local models = models_for(counts, k)
   local out = { lists = k, observed = n, models = models }
   local avg = average(models, n)
   if not avg then
      local reasons, seen = {}, {}
      for _, m in ipairs(models) do
         if not seen[m.degenerate] then
            seen[m.degenerate] = true
            reasons[#reasons + 1] = m.degenerate
         end
      end
      out.degenerate = "no model can be fitted: " .. table.concat(reasons, "; ")
      return out
   end
   out.averaged = avg
   for _, m in ipairs(models) do
      if not m.degenerate then
         if not out.chosen or m.aic < out.chosen.aic then out.chosen = m end
         if not out.best_bic or m.bic < out.best_bic.bic then out.best_bic = m end
      end
   end
   local low, high = mse.profile_interval(counts, k, out.chosen)
   out.chosen_interval = { ci_low = low, ci_high = high }
   return out
end

--- Counts of capture histories from persons' lists.
-- @tparam table lists_of lists_of[p] is the array of the list numbers (1..k) person p is on
-- @tparam integer k the number of lists
-- @treturn table counts[h] for h = 1 .. 2^k - 1
function mse.histories(lists_of, k)
   local counts = {}
   for h = 1, (1 << k) - 1 do counts[h] = 0 end
   for _, ls in ipairs(lists_of) do
      local h = 0
      for _, i in ipairs(ls) do h = h | (1 << (i - 1)) end
      if h > 0 then counts[h] = counts[h] + 1 end
   end
   return counts
end

mse.Z95 = Z95

return mse
