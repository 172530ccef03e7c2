-- Many findings, each naming thousands of evidence ids: cheap for the rule, costly for the
-- host, which copies, decodes and stores each text (12.5 s and 241 MB for 0.67 s of rule).
return {
   id = "hostile.evidence_flood", version = "1",
   run = function(ctx)
      local ids = {}
      for i = 1, ctx.params.ids or 5000 do ids[i] = "claim-" .. i end
      for i = 1, ctx.params.n or 10000 do
         ctx:finding{ severity = "low", message = "finding " .. i, evidence = { claims = ids } }
      end
   end,
}
