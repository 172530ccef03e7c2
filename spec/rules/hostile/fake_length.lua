-- table.insert and table.move loop inside C over a fake length or a huge range; they are
-- charged per element, so the instruction limit stops them.
return {
   id = "hostile.fake_length", version = "1",
   run = function()
      local t = setmetatable({}, { __len = function() return math.maxinteger - 1 end })
      pcall(table.insert, t, 1, "x")
      table.move({}, 1, math.maxinteger - 1, 2)
   end,
}
