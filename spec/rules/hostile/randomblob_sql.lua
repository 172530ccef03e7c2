-- SQL functions run inside one virtual-machine step: randomblob of 10 MB, hex'ed, per row of
-- an endless recursive CTE, so that the progress handler sees few steps for a lot of work.
return {
   id = "hostile.randomblob_sql", version = "1",
   run = function(ctx)
      local sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) " ..
         "SELECT sum(length(hex(randomblob(10000000)))) AS n FROM c"
      for _ = 1, math.maxinteger do ctx.db:first(sql) end
   end,
}
