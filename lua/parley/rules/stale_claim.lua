-- stale_claim: claims older than max_age_days, counted from the last day the claim can speak
-- of (its as_of) to a reference date: the `as_of` parameter, or else the newest date the
-- store's records certainly reach (the latest first possible day of any claim, list or
-- exchange). A claim is not stale when a later claim by the same claimant on the same subject,
-- holder, about and region updates it (its as_of certainly later), or when another claim
-- supersedes it. A newer claim by another party does not update the claimant's own position.
-- See docs/rules/stale_claim.md.
local dates = require "parley.dates"

local day_number, civil = dates.day_number, dates.civil

local function run(ctx)
   local p = ctx.params
   local reference, reference_from
   if p.as_of then
      local parsed, err = dates.parse(p.as_of)
      if not parsed then error("parameter as_of: " .. err, 0) end
      reference, reference_from = parsed.last, "the as_of parameter (" .. p.as_of .. ")"
   else
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
      if not newest then return end
      reference = newest.d
      reference_from = string.format("the newest record, %s %s", newest.kind:sub(1, -2), newest.id)
   end
   local ref_day = day_number(reference)

   -- Current claims (none supersedes them) whose last day is before the cutoff, each with the
   -- latest first day of the current claims by the same claimant on the same subject, holder,
   -- about and region: a claim is updated when that is after its last day. One pass in SQL
   -- (a window, O(n log n)); rows are not kept, so memory does not grow with the store.
   local cutoff = civil(ref_day - p.max_age_days)
   local sql = "SELECT * FROM (SELECT id, claimant, source, subject, holder, about, region, as_of, as_of_end, " ..
      "max(as_of_start) OVER (PARTITION BY claimant, subject, holder, about, region) AS latest FROM claims " ..
      "WHERE id NOT IN (SELECT supersedes FROM claims WHERE supersedes IS NOT NULL)" ..
      (p.subject and " AND subject = ?" or "") ..
      ") WHERE as_of_end < ? AND latest <= as_of_end ORDER BY as_of_end, id"
   local args = p.subject and { p.subject, cutoff } or { cutoff }
   for c in ctx.db:query(sql, table.unpack(args)) do
      local age = ref_day - day_number(c.as_of_end)
      local what = c.subject .. (c.holder and (" held by " .. c.holder) or "") ..
         (c.about and (", about " .. c.about) or "") .. (c.region and (" in " .. c.region) or "")
      ctx:finding({
         severity = age > p.old_after_days and p.old_severity or nil,
         message = string.format("%s's claim %s (%s, as of %s) is %d days old on %s and %s has said nothing " ..
            "newer on it", c.claimant, c.id, what, c.as_of, age, reference, c.claimant),
         evidence = { claims = { c.id }, sources = { c.source }, parties = { c.claimant } },
         measures = { age_days = age, max_age_days = p.max_age_days },
         details = { reference = reference, reference_from = reference_from, as_of_end = c.as_of_end },
      })
   end
end

return {
   id = "stale_claim",
   version = "1.0.0",
   description = "Claims older than max_age_days that no later claim by the same claimant on the same thing " ..
      "updates or supersedes.",
   severity = "low",
   params = {
      max_age_days = { type = "integer", default = 180, min = 0,
         description = "a claim is stale when more days than this separate its as_of from the reference date" },
      old_after_days = { type = "integer", default = 730, min = 0,
         description = "a stale claim older than this many days has old_severity instead of the rule's severity" },
      old_severity = { type = "string", default = "medium", values = { "info", "low", "medium", "high", "critical" },
         description = "the severity of a claim older than old_after_days" },
      as_of = { type = "string",
         description = "the reference date (its last possible day); default: the newest date the records reach" },
      subject = { type = "string", description = "only claims about this subject" },
   },
   run = run,
}
