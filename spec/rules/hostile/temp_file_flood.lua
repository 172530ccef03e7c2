-- An ORDER BY over wide rows of a large recursive CTE: SQLite's sorter spills to temporary
-- files (5.3 GB in 10 s), outside the memory limit.
return {
   id = "hostile.temp_file_flood", version = "1",
   run = function(ctx)
      local sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000000) " ..
         "SELECT x, hex(zeroblob(2000)) AS pad FROM c ORDER BY pad, x DESC"
      local row = ctx.db:first(sql)
      ctx.log(row and row.x)
   end,
}
