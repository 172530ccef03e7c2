-- A recursive CTE that never ends: SQLite runs it, so the progress handler stops it.
return {
   id = "hostile.endless_cte", version = "1",
   run = function(ctx)
      local sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) AS m FROM c"
      for row in ctx.db:query(sql) do ctx.log(row.m) end
   end,
}
