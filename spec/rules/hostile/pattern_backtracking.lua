-- One call of string.find that backtracks for days: a hook never fires inside C, so the
-- sandbox's matcher charges its steps and the limits stop it.
return {
   id = "hostile.pattern_backtracking", version = "1",
   run = function(ctx)
      local s = string.rep("a", 100000)
      ctx.log("plain", s:find("b", 1, true))
      ctx.log("near misses", (string.rep("a", 5000) .. "b"):find(string.rep("a", 2000) .. "c", 1, true))
      ctx.log(string.find(s, ".-.-.-b"))
   end,
}
