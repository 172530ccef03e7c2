local dates = require "parley.dates"
return {
   id = "benign", version = "1.0", params = { label = { type = "string", default = "x" } },
   run = function(ctx)
      for claim in ctx.db:claims({ subject = "detainees" }) do
         ctx:finding{ severity = "low", message = "claim " .. claim.id, evidence = { claims = { claim.id } },
            measures = { best = claim.count.best }, details = { as_of = claim.as_of, d = dates.parse and 1 } }
      end
      for row in ctx.db:query("SELECT id FROM parties ORDER BY id") do ctx.log(row.id) end
      ctx.log(string.format("%5.2f", 1 / 3), table.concat({ "a", "b" }, ","), os.date("!%Y", 0))
   end,
}
