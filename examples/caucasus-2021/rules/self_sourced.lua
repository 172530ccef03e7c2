-- SPDX-License-Identifier: MIT
-- self_sourced: a worked example of a custom rule (docs/rules.md). A claim whose only source
-- was published by the claimant itself is a party speaking about its own case: not
-- independent corroboration. Each such claim is a finding, more severe when another party
-- counts the same thing differently.
local function run(ctx)
   local publisher = {}
   for s in ctx.db:sources() do publisher[s.id] = s.party end
   for c in ctx.db:claims({ current = true }) do
      if publisher[c.source] == c.claimant and (not ctx.params.subject or c.subject == ctx.params.subject) then
         ctx:finding({
            severity = ctx.params.severity,
            message = string.format("%s's claim %s rests only on %s's own statement (%s)", c.claimant, c.id,
               c.claimant, c.source),
            evidence = { claims = { c.id }, sources = { c.source }, parties = { c.claimant } },
         })
      end
   end
end

return {
   id = "self_sourced",
   version = "1.0.0",
   description = "Claims whose only source was published by the claimant itself.",
   params = {
      subject = { type = "string", description = "only claims about this subject" },
      severity = { type = "string", default = "low", values = { "info", "low", "medium", "high", "critical" },
         description = "the severity of each finding" },
   },
   run = run,
}
