-- One SQL text of 12 MB: SELECT 1 IN (1,1,...). Preparing it runs outside the progress
-- handler and allocated 1.35 GB in SQLite with memory_mb = 32.
return {
   id = "hostile.huge_in_list", version = "1",
   run = function(ctx)
      local sql = "SELECT 1 IN (" .. string.rep("1,", 6 * 1024 * 1024) .. "1) AS x"
      ctx.log(pcall(ctx.db.first, ctx.db, sql))
      ctx.log("after", pcall(ctx.db.first, ctx.db, "SELECT 2 AS x"))
   end,
}
