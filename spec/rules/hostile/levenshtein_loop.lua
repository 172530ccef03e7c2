-- The name kernels are C: levenshtein of two 10,000-code-point strings fills 10^8 cells in
-- one call (33.8 s against 2 s in a loop). A rule may now ask for at most 4,000,000 cells a
-- call, so this loops on the largest it may: the charges and the watchdog stop it.
local core = require "parley.core"
return {
   id = "hostile.levenshtein_loop", version = "1",
   run = function(ctx)
      ctx.log(pcall(core.names.levenshtein, string.rep("ab", 5000), string.rep("ba", 5000)))
      local a, b = string.rep("ab", 995), string.rep("ba", 995)
      for _ = 1, math.maxinteger do core.names.levenshtein(a, b) end
   end,
}
