-- json.encode is one C call (core.json_encode) whatever it writes: a table shared by many
-- parents is written once for each, so a few instructions make megabytes of text. The call is
-- charged by the text it wrote, so a loop of them meets the instruction limit at once.
return {
   id = "hostile.json_bomb", version = "1",
   run = function(ctx)
      local json = require "parley.json"
      local v = { string.rep("x", 100) }
      for _ = 1, 14 do v = { v, v } end -- 16,384 copies once written: 1.7 MB of text
      ctx.log(#json.encode(v))
      while true do json.encode(v) end
   end,
}
