-- SPDX-License-Identifier: MIT
-- stale_claim: claims older than max_age_days, counted from the last day the claim can speak
-- of (its as_of) to a reference date: the `as_of` parameter, or else the newest date the
-- store's records certainly reach (the latest first possible day of any claim, list or
-- exchange). A claim is not stale when a later claim by the same claimant on the same subject,
-- holder, about and region updates it (its as_of certainly later), or when another claim
-- supersedes it. A newer claim by another party does not update the claimant's own position.
-- Only stock subjects (standing counts and states, in the store's vocabulary) can go stale: an
-- event (`detainees_released` on 14 December 2020) happened and stays so; `exclude_subjects`
-- leaves out more. Subjects are compared in their canonical forms (`landmines` updates
-- `mines`). See docs/rules/stale_claim.md.
local dates = require "parley.dates"
local kit = require "parley.rulekit"
local vocab = require "parley.vocab"

local day_number, civil = dates.day_number, dates.civil

-- The reference date (a day) and where it comes from: the as_of parameter's last possible
-- day, or else the latest first possible day of any record (superseded ones included: they
-- were still recorded). nil when the store holds no dated record.
local function reference_date(ctx)
   local p = ctx.params
   if p.as_of then
      local parsed, err = dates.parse(p.as_of)
      if not parsed then error("parameter as_of: " .. err, 0) end
      return parsed.last, "the as_of parameter (" .. p.as_of .. ")"
   end
   local newest
   for _, q in ipairs({
      { "claims", "SELECT id, as_of_start AS d FROM claims ORDER BY as_of_start DESC, id LIMIT 1" },
      { "lists", "SELECT id, as_of_start AS d FROM lists ORDER BY as_of_start DESC, id LIMIT 1" },
      { "exchanges", "SELECT id, date_start AS d FROM exchanges ORDER BY date_start DESC, id LIMIT 1" },
   }) do
      local row = ctx.db:first(q[2])
      if row and row.d and (not newest or row.d > newest.d or (row.d == newest.d and q[1] < newest.kind)) then
         newest = { d = row.d, id = row.id, kind = q[1] }
      end
   end
   if not newest then return nil end
   return newest.d, string.format("the newest record, %s %s", newest.kind:sub(1, -2), newest.id)
end

-- Which claims can be stale, as SQL: the subjects as written whose canonical form is a stock,
-- not excluded, and p.subject's when given ("subject IN (...)"), and the series a claim row
-- belongs to: its claimant, canonical subject, holder, about and region, as a JSON array (so
-- an absent holder is not an empty one), synonyms mapped to their canonical subject by a CASE.
-- Returns the WHERE clause, the series expression and their arguments, or nil when no
-- subject can be stale.
local function stock_subjects(ctx)
   local p = ctx.params
   local v = ctx.db:vocabulary()
   local excluded = {}
   for _, s in ipairs(p.exclude_subjects or {}) do excluded[v:canonical_subject(s)] = true end
   local only = p.subject and v:canonical_subject(p.subject)
   local marks, kept, whens, mapped = {}, {}, {}, {}
   for r in ctx.db:query("SELECT DISTINCT subject FROM claims ORDER BY subject") do
      local canonical, kind = v:canonical_subject(r.subject)
      if kind == "stock" and not excluded[canonical] and (not only or canonical == only) then
         marks[#marks + 1] = "?"
         kept[#kept + 1] = r.subject
         if canonical ~= r.subject then
            whens[#whens + 1] = "WHEN ? THEN ?"
            mapped[#mapped + 1] = r.subject
            mapped[#mapped + 1] = canonical
         end
      end
   end
   if #kept == 0 then return nil end
   local subject = #whens > 0 and ("CASE subject " .. table.concat(whens, " ") .. " ELSE subject END") or "subject"
   return {
      where = "subject IN (" .. table.concat(marks, ", ") .. ")", args = kept,
      series = "json_array(claimant, " .. subject .. ", holder, about, region) AS series", series_args = mapped,
   }
end

-- Claim rows of the stock subjects, from `sql` (its series expression's arguments first) and
-- its WHERE clauses.
local function claim_rows(ctx, stock, sql, where, args, order)
   local all = {}
   for _, a in ipairs(stock.series_args) do all[#all + 1] = a end
   where[#where + 1] = stock.where
   for _, a in ipairs(args) do all[#all + 1] = a end
   for _, a in ipairs(stock.args) do all[#all + 1] = a end
   sql = sql .. " WHERE " .. table.concat(where, " AND ")
   return ctx.db:query(sql .. (order or ""), table.unpack(all))
end

-- The latest first day of the current claims in each series: a claim is updated when that is
-- after its last day. One pass, keeping one date per series.
local function latest_by_series(ctx, stock, gone)
   local latest = {}
   for c in claim_rows(ctx, stock, "SELECT id, as_of_start, " .. stock.series .. " FROM claims", {}, {}) do
      if not gone[c.id] then
         local l = latest[c.series]
         if not l or c.as_of_start > l then latest[c.series] = c.as_of_start end
      end
   end
   return latest
end

local function report(ctx, c, age, reference, reference_from)
   local p = ctx.params
   local what = c.subject .. (c.holder and (" held by " .. c.holder) or "") ..
      (c.about and (", about " .. c.about) or "") .. (c.region and (" in " .. c.region) or "")
   ctx:finding({
      severity = age > p.old_after_days and p.old_severity or nil,
      message = string.format("%s's claim %s (%s, as of %s) is %d days old on %s and %s has said nothing " ..
         "newer on it", c.claimant, c.id, what, c.as_of, age, reference, c.claimant),
      evidence = { claims = { c.id }, sources = kit.sources_of(c), parties = { c.claimant } },
      measures = { age_days = age, max_age_days = p.max_age_days },
      details = { reference = reference, reference_from = reference_from, as_of_end = c.as_of_end },
   })
end

local function run(ctx)
   local p = ctx.params
   local reference, reference_from = reference_date(ctx)
   if not reference then return end
   local ref_day = day_number(reference)
   -- the current claims whose last day is before the cutoff and that no later claim of their
   -- series updates, oldest first
   local stock = stock_subjects(ctx)
   if not stock then return end
   local gone = kit.superseded(ctx.db, "claims")
   local latest = latest_by_series(ctx, stock, gone)
   local old = claim_rows(ctx, stock, "SELECT id, claimant, source, subject, holder, about, region, as_of, " ..
      "as_of_end, " .. stock.series .. " FROM claims", { "as_of_end < ?" }, { civil(ref_day - p.max_age_days) },
      " ORDER BY as_of_end, id")
   for c in old do
      if not gone[c.id] and latest[c.series] <= c.as_of_end then
         report(ctx, c, ref_day - day_number(c.as_of_end), reference, reference_from)
      end
   end
end

return {
   id = "stale_claim",
   version = "2.0.0",
   description = "Claims on stock subjects older than max_age_days that no later claim by the same claimant on " ..
      "the same thing updates or supersedes (an event never goes stale).",
   severity = "low",
   params = {
      max_age_days = { type = "integer", default = 180, min = 0,
         description = "a claim is stale when more days than this separate its as_of from the reference date" },
      old_after_days = { type = "integer", default = 730, min = 0,
         description = "a stale claim older than this many days has old_severity instead of the rule's severity" },
      old_severity = { type = "string", default = "medium", values = vocab.SEVERITIES,
         description = "the severity of a claim older than old_after_days" },
      as_of = { type = "string",
         description = "the reference date (its last possible day); default: the newest date the records reach" },
      subject = { type = "string", description = "only claims about this subject (or its synonyms)" },
      exclude_subjects = { type = "list", default = {},
         description = "subjects (or their synonyms) whose claims never go stale, besides the events" },
   },
   run = run,
}
