-- os.date with a 500 KB format, in a loop: each call runs in C, where no hook fires, so the
-- clock was read once per 1,000 instructions, that is once per ~300 calls of ~30 ms each.
return {
   id = "hostile.long_date_format", version = "1",
   run = function()
      local format = string.rep("%Y-%m-%d ", 50000)
      for _ = 1, math.maxinteger do os.date(format, 0) end
   end,
}
