-- Catches the limit error and goes on looping: the limit stays tripped, so the next
-- instruction outside pcall raises it again.
return {
   id = "hostile.loop_in_pcall", version = "1",
   run = function(ctx)
      local n = 0
      while true do
         local ok, err = pcall(function() while true do n = n + 1 end end)
         ctx.log("caught", ok, err)
      end
   end,
}
