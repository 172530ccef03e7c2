-- A coroutine killed by the limit has a to-be-closed variable whose __close loops: closing
-- it (coroutine.close, or coroutine.wrap's own clean-up) must not run that loop unhooked.
local function looping_closer()
   local mt = {}
   local t = setmetatable({}, mt)
   mt.__close = function() while true do end end
   return t
end

return {
   id = "hostile.close_after_trip", version = "1",
   run = function(ctx)
      local co = coroutine.create(function()
         local guard <close> = looping_closer() -- luacheck: ignore 211
         while true do end
      end)
      ctx.log("resume", coroutine.resume(co))
      ctx.log("close", pcall(coroutine.close, co))
      pcall(coroutine.wrap(function()
         local guard <close> = looping_closer() -- luacheck: ignore 211
         while true do end
      end))
   end,
}
