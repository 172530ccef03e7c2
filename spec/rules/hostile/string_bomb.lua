-- Doubles a string by concatenation, catching the memory error and trying again.
return {
   id = "hostile.string_bomb", version = "1",
   run = function()
      local s = "x"
      while true do
         local ok, bigger = pcall(function() return s .. s end)
         if ok then s = bigger end
      end
   end,
}
