-- 20,000 identical names on each side of names.link: every name shares every block with every
-- other, so blocking compared all 4 * 10^8 pairs, outside every limit (minutes against 2 s).
-- ctx.params.exhaustive asks for every pair explicitly.
local names = require "parley.names"
return {
   id = "hostile.identical_names", version = "1",
   run = function(ctx)
      local n = ctx.params.n or 20000
      local left, right = {}, {}
      for i = 1, n do left[i], right[i] = "Elvin Mammadov", "Elvin Mammadov" end
      local res = names.link(left, right, { exhaustive = ctx.params.exhaustive, explain = false })
      ctx.log(#res.pairs, res.compared)
   end,
}
