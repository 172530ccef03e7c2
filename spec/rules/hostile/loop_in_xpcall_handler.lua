-- The message handler itself loops, and the caller loops again after xpcall returns.
return {
   id = "hostile.loop_in_xpcall_handler", version = "1",
   run = function()
      local n = 0
      while true do
         xpcall(function() while true do n = n + 1 end end, function() while true do n = n + 1 end end)
      end
   end,
}
