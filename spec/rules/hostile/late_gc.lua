-- Adds __gc to a metatable after setmetatable, then makes the collector run: Lua only
-- finalizes objects whose metatable had __gc when it was set, so the loop never runs
-- (finalizers run with hooks off: it could not be stopped).
return {
   id = "hostile.late_gc", version = "1",
   run = function(ctx)
      local mt = {}
      local doomed = { setmetatable({}, mt) } -- luacheck: ignore 241
      mt.__gc = function() while true do end end
      doomed[1] = nil
      local churn = {} -- luacheck: ignore 241
      for i = 1, 200000 do churn[i % 1000 + 1] = { i } end
      ctx.log("survived", collectgarbage("count") > 0)
   end,
}
