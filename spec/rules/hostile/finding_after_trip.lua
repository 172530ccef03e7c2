-- After its time limit trips, a rule calls ctx.finding from C (pcall), where no hook runs
-- before the call: it must record nothing more.
return {
   id = "hostile.finding_after_trip", version = "1",
   run = function(ctx)
      ctx:finding{ severity = "low", message = "before" }
      local ok = pcall(function() while true do end end)
      for _ = 1, 100 do pcall(ctx.finding, ctx, { severity = "low", message = "after " .. tostring(ok) }) end
   end,
}
