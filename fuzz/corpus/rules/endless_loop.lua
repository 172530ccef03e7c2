-- Never ends: stopped by the instruction limit.
return {
   id = "hostile.endless_loop", version = "1",
   run = function()
      local n = 0
      while true do n = n + 1 end
   end,
}
