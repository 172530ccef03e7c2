-- utf8.len of 16 MB in a loop: one C call reads every byte.
return {
   id = "hostile.utf8_len_loop", version = "1",
   run = function()
      local s = string.rep("é", 8 * 1024 * 1024)
      for _ = 1, math.maxinteger do utf8.len(s) end
   end,
}
