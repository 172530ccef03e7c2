-- Many open cursors on long statements, each below the SQL length limit: the statements'
-- memory is SQLite's, outside the rule's allocator, so the guard before each query counts it.
return {
   id = "hostile.big_statements", version = "1",
   run = function(ctx)
      local held = {}
      for i = 1, 180 do
         local sql = "SELECT " .. i .. " IN (" .. string.rep("1,", 45000) .. "1) AS x"
         local iter, state, first, cursor = ctx.db:query(sql)
         iter(state, first)
         held[i] = { iter, state, cursor }
      end
      ctx.log(#held)
   end,
}
