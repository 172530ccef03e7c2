-- Thousands of open cursors, each on a distinct statement: SQLite's memory for the
-- connection grows outside the rule's allocator (592 MB).
return {
   id = "hostile.open_cursors", version = "1",
   run = function(ctx)
      local held = {}
      for i = 1, 20000 do
         local iter, state, first, cursor = ctx.db:query(
            "SELECT " .. i .. " AS i, p.* FROM parties p, claims c, parties q, claims d")
         iter(state, first)
         held[i] = { iter, state, cursor }
      end
      ctx.log(#held)
   end,
}
