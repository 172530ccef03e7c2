-- One C call asking for 1 GB: the allocator refuses it (fresh allocations are capped, not
-- only reallocations).
return {
   id = "hostile.string_rep", version = "1",
   run = function(ctx)
      ctx.log(#string.rep("", math.maxinteger)) -- nothing, huge times: returns at once
      local s = string.rep("x", 1024 * 1024 * 1024)
      ctx.log(#s)
   end,
}
