-- A finding whose fields change between two reads: the message is a string when validated
-- and a table when stored (through __index), which made storing the whole run fail.
return {
   id = "hostile.shifting_finding", version = "1",
   run = function(ctx)
      local reads = 0
      local shifting = setmetatable({ severity = "low", evidence = { claims = { "arm-200" } } }, {
         __index = function(_, k)
            if k ~= "message" then return nil end
            reads = reads + 1
            return reads == 1 and "a string" or { "a table" }
         end,
      })
      ctx.log(pcall(ctx.finding, ctx, shifting))
      local ev = setmetatable({}, { __index = { claims = { "arm-200" } } })
      ctx.log(pcall(ctx.finding, ctx, { severity = "low", message = "m", evidence = ev }))
      ctx.log(pcall(ctx.finding, ctx, { severity = "low", message = "m", evidence = { claims = { "a\0b" } } }))
      ctx.log(pcall(ctx.finding, ctx, { severity = "low", message = "m", evidence = { claims = { "a b" } } }))
      ctx.log(pcall(ctx.finding, ctx, { severity = "low", message = "m", evidence = { claims = { "" } } }))
      local many = {}
      for i = 1, 101 do many[i] = "c" .. i end
      ctx.log(pcall(ctx.finding, ctx, { severity = "low", message = "m", evidence = { claims = many } }))
      ctx:finding{ severity = "low", message = "plain", evidence = { claims = { "arm-200" } } }
   end,
}
