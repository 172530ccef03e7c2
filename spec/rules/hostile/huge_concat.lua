-- table.concat of a million strings, again and again: one C call walks the whole table.
return {
   id = "hostile.huge_concat", version = "1",
   run = function()
      local t = {}
      for i = 1, 1000000 do t[i] = "x" end
      for _ = 1, math.maxinteger do table.concat(t) end
   end,
}
