-- Writes and ATTACH through ctx.db: every one fails.
return {
   id = "hostile.writes", version = "1",
   run = function(ctx)
      local statements = {
         "INSERT INTO parties (id, name) VALUES ('EVIL', 'Evil')",
         "DELETE FROM claims",
         "CREATE TABLE evil (x)",
         "ATTACH DATABASE '/tmp/parley-evil.db' AS evil",
         "PRAGMA query_only = OFF",
         "BEGIN IMMEDIATE",
      }
      for _, sql in ipairs(statements) do
         local ok, it, err = pcall(ctx.db.query, ctx.db, sql)
         ctx.log(sql, ok and it ~= nil, err or it)
      end
      ctx.log("methods", type(ctx.db.exec), type(ctx.db.close), type(ctx.db.import))
      ctx.log("first", ctx.db:first("SELECT count(*) AS n FROM claims").n)
   end,
}
