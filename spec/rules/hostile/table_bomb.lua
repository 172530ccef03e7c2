-- Grows a table without end: stopped by the memory limit.
return {
   id = "hostile.table_bomb", version = "1",
   run = function()
      local t = {} -- luacheck: ignore 241
      for i = 1, math.maxinteger do t[i] = { i } end
   end,
}
