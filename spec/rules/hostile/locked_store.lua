-- Queries a store another connection holds an exclusive lock on (the spec takes the lock):
-- with a fixed busy timeout each query waited 5 s, whatever the rule's time limit.
return {
   id = "hostile.locked_store", version = "1",
   run = function(ctx)
      for _ = 1, math.maxinteger do
         local ok, row, err = pcall(ctx.db.first, ctx.db, "SELECT count(*) AS n FROM claims")
         ctx.log(ok, row and row.n, err)
      end
   end,
}
