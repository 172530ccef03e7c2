-- The limit trips inside one coroutine; a second coroutine, created before the trip, is
-- resumed after it and must stop too; coroutine.wrap cannot swallow the error either.
return {
   id = "hostile.loop_in_coroutine", version = "1",
   run = function(ctx)
      local n = 0
      local before = coroutine.create(function() while true do n = n + 1 end end)
      local tripper = coroutine.create(function() while true do n = n + 1 end end)
      ctx.log("tripper", coroutine.resume(tripper))
      ctx.log("before", coroutine.resume(before))
      while true do
         pcall(coroutine.wrap(function() while true do n = n + 1 end end))
      end
   end,
}
