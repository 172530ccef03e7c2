-- Many more findings than the cap: the first ones are kept, all are counted.
return {
   id = "hostile.finding_flood", version = "1",
   run = function(ctx)
      for i = 1, ctx.params.n do
         ctx:finding{ message = "finding " .. i, measures = { i = i } }
      end
   end,
}
