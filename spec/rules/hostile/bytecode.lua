-- Tries to run bytecode: string.dump is gone, and load refuses a binary chunk (the spec
-- passes a real one, made by the host's string.dump, in ctx.params.chunk) whatever mode it
-- is given.
return {
   id = "hostile.bytecode", version = "1",
   run = function(ctx)
      ctx.log("dump", type(string.dump), type(("").dump))
      local chunk = ctx.params.chunk
      for _, mode in ipairs({ "b", "bt", "t" }) do
         ctx.log("load", mode, load(chunk, "=evil", mode))
      end
      ctx.log("load reader", load(function()
         local piece = chunk
         chunk = nil
         return piece
      end))
      local f, err = load(ctx.params.chunk)
      if not f then error(err, 0) end
      f()
   end,
}
